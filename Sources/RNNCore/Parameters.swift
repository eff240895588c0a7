/// The four tensors of one recurrent layer, in PyTorch's layout: weights are
/// [G·H, input] and [G·H, H] with gate blocks stacked by rows.
public struct LayerParameters: Equatable, Sendable {
    public var weightIH: Tensor
    public var weightHH: Tensor
    public var biasIH: Tensor
    public var biasHH: Tensor

    public init(weightIH: Tensor, weightHH: Tensor, biasIH: Tensor, biasHH: Tensor) {
        self.weightIH = weightIH
        self.weightHH = weightHH
        self.biasIH = biasIH
        self.biasHH = biasHH
    }
}

/// Every trainable tensor of a network. Gradients use the same type, so the
/// optimiser and the gradient checks walk one structure.
public struct Parameters: Equatable, Sendable {
    public var embedding: Tensor?
    public var layers: [LayerParameters]
    public var headWeight: Tensor
    public var headBias: Tensor

    public init(embedding: Tensor?, layers: [LayerParameters], headWeight: Tensor, headBias: Tensor) {
        self.embedding = embedding
        self.layers = layers
        self.headWeight = headWeight
        self.headBias = headBias
    }

    /// All zeros, shaped for `architecture`.
    public init(zerosFor architecture: Architecture) {
        let a = architecture
        self.init(zerosFor: a, head: (Tensor(zeros: [a.outputSize, a.hiddenSize]), Tensor(zeros: [a.outputSize])))
    }

    /// Zeros for everything but the head, which is given (a training step's head gradients,
    /// computed before the rest).
    init(zerosFor a: Architecture, head: (weight: Tensor, bias: Tensor)) {
        embedding = a.vocabularySize.map { Tensor(zeros: [$0, a.inputSize]) }
        layers = (0..<a.layerCount).map { k in
            LayerParameters(weightIH: Tensor(zeros: [a.gateRows, a.layerInputSize(k)]),
                            weightHH: Tensor(zeros: [a.gateRows, a.hiddenSize]),
                            biasIH: Tensor(zeros: [a.gateRows]), biasHH: Tensor(zeros: [a.gateRows]))
        }
        headWeight = head.weight
        headBias = head.bias
    }

    /// PyTorch's default initialisation: recurrent and head tensors uniform in
    /// ±1/√fan (fan = H for the cell, H for the head), the embedding standard normal.
    public init(randomFor architecture: Architecture, seed: UInt64) {
        self.init(zerosFor: architecture)
        var random = SeededRandom(seed: seed)
        let bound = 1 / Float(architecture.hiddenSize).squareRoot()
        forEachTensor { name, tensor in
            let isEmbedding = name == "embedding.weight"
            for i in tensor.values.indices {
                tensor.values[i] = isEmbedding ? random.normal() : random.uniform(-bound, bound)
            }
        }
    }

    /// Visits every tensor with its PyTorch `state_dict` name, in PyTorch's order.
    public mutating func forEachTensor(_ body: (String, inout Tensor) throws -> Void) rethrows {
        if embedding != nil { try body("embedding.weight", &embedding!) }
        for k in layers.indices {
            try body("rnn.weight_ih_l\(k)", &layers[k].weightIH)
            try body("rnn.weight_hh_l\(k)", &layers[k].weightHH)
            try body("rnn.bias_ih_l\(k)", &layers[k].biasIH)
            try body("rnn.bias_hh_l\(k)", &layers[k].biasHH)
        }
        try body("head.weight", &headWeight)
        try body("head.bias", &headBias)
    }

    /// The same tensor of four parameter-shaped values (weights, optimiser moments, gradients)
    /// side by side, in PyTorch's order; the first three are written in place. (Writing through
    /// a key path such as `\.layers[k].weightHH` would not be: a key path reaches `layers[k]`
    /// by getting and setting the whole layer, so each tensor written was copied first, for a
    /// large model its recurrent weights three times a step.)
    static func forEachTensor(_ a: inout Parameters, _ b: inout Parameters, _ c: inout Parameters, _ d: Parameters,
                              _ body: (inout Tensor, inout Tensor, inout Tensor, Tensor) -> Void) {
        if a.embedding != nil { body(&a.embedding!, &b.embedding!, &c.embedding!, d.embedding!) }
        for k in a.layers.indices {
            body(&a.layers[k].weightIH, &b.layers[k].weightIH, &c.layers[k].weightIH, d.layers[k].weightIH)
            body(&a.layers[k].weightHH, &b.layers[k].weightHH, &c.layers[k].weightHH, d.layers[k].weightHH)
            body(&a.layers[k].biasIH, &b.layers[k].biasIH, &c.layers[k].biasIH, d.layers[k].biasIH)
            body(&a.layers[k].biasHH, &b.layers[k].biasHH, &c.layers[k].biasHH, d.layers[k].biasHH)
        }
        body(&a.headWeight, &b.headWeight, &c.headWeight, d.headWeight)
        body(&a.headBias, &b.headBias, &c.headBias, d.headBias)
    }

    /// Every tensor with its `state_dict` name, in PyTorch's order.
    public var named: [(name: String, tensor: Tensor)] {
        var copy = self
        var result: [(String, Tensor)] = []
        copy.forEachTensor { name, tensor in result.append((name, tensor)) }
        return result
    }

    /// Sum of squares over every element (for gradient clipping by global norm), in Double.
    /// Each tensor is cut into pieces of 64k values summed side by side on the worker pool,
    /// each piece on 8 lanes; the lanes, pieces and tensors are added in order, so the sum is
    /// the same on any number of threads.
    public var squaredNorm: Double {
        named.reduce(0) { sum, entry in
            let piece = 1 << 16, values = entry.tensor.values
            let sums = values.withUnsafeBufferPointer { v in
                WorkerPool.shared.map(shards: (v.count + piece - 1) / piece) { s -> Double in
                    var lanes = SIMD8<Double>()
                    let end = min((s + 1) * piece, v.count)
                    var i = s * piece
                    while i + 8 <= end {
                        var x = SIMD8<Double>()
                        for l in 0..<8 { x[l] = Double(v[i + l]) }
                        lanes.addProduct(x, x)
                        i += 8
                    }
                    var total = lanes.sum()
                    while i < end { total += Double(v[i]) * Double(v[i]); i += 1 }
                    return total
                }
            }
            return sums.reduce(sum, +)
        }
    }
}
