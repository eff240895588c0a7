/// A stack of recurrent layers with an optional embedding below and a linear
/// head above: PyTorch's `Embedding → RNN/LSTM/GRU → Linear`.
public struct RecurrentNetwork: Sendable {
    public let architecture: Architecture
    public var parameters: Parameters

    public init(architecture: Architecture, parameters: Parameters) {
        precondition(architecture.parameterShapes.map(\.shape) == parameters.named.map(\.tensor.shape),
                     "parameter shapes do not fit the architecture")
        self.architecture = architecture
        self.parameters = parameters
    }

    /// PyTorch's default initialisation, reproducible from `seed`.
    public init(architecture: Architecture, seed: UInt64) {
        self.init(architecture: architecture, parameters: Parameters(randomFor: architecture, seed: seed))
    }

    /// The head's weight packed for the forward product. Packing costs a copy of
    /// the C×H matrix, which for a 5,000-word head is worth doing once per model
    /// rather than once per trace.
    public func packedHead() -> PackedMatrix { PackedMatrix(transposing: parameters.headWeight) }
}

/// What goes in at each step: token ids looked up in the embedding, or raw vectors.
public enum NetworkInput: Sendable {
    /// B sequences of T ids each: `tokens[b][t]`.
    case tokens([[Int]])
    /// [T, B, E] values, time-major.
    case vectors(Tensor)

    var steps: Int {
        switch self {
        case .tokens(let sequences): sequences.first?.count ?? 0
        case .vectors(let t): t.shape[0]
        }
    }

    var batch: Int {
        switch self {
        case .tokens(let sequences): sequences.count
        case .vectors(let t): t.shape[1]
        }
    }
}

/// Everything a forward pass computed, kept for the panels and for BPTT.
public struct ForwardTrace: Sendable {
    public let architecture: Architecture
    public let steps: Int
    public let batch: Int
    /// The factor that multiplied every W_hh in this pass (and must in its backward pass).
    public let whhScale: Float
    /// Token ids, time-major [T·B] (empty for vector inputs).
    public let tokenIDs: [Int]
    /// Layer 0's input vectors, [T, B, E].
    public let inputs: [Float]
    /// One record per layer, bottom first.
    public let layers: [LayerRecord]
    /// The head's outputs (logits for a classifier or language model), [T, B, C].
    public let outputs: [Float]

    public var top: LayerRecord { layers[layers.count - 1] }

    /// Row t·B + b of a [T, B, width] buffer.
    public func row(step t: Int, sequence b: Int = 0) -> Int { t * batch + b }
}

extension RecurrentNetwork {
    /// Runs the network over the input. `whhScale` multiplies every W_hh (the
    /// vanishing/exploding knob); `packedHead` may be given to skip repacking.
    public func forward(_ input: NetworkInput, whhScale: Float = 1, packedHead: PackedMatrix? = nil) -> ForwardTrace {
        let a = architecture
        let steps = input.steps, batch = input.batch, total = steps * batch
        var tokenIDs: [Int] = []
        var inputs: [Float]
        switch input {
        case .tokens(let sequences):
            guard let embedding = parameters.embedding else { preconditionFailure("this network takes vectors, not tokens") }
            precondition(sequences.allSatisfy { $0.count == steps }, "sequences in a batch must have equal length")
            tokenIDs = [Int](repeating: 0, count: total)
            inputs = [Float](repeating: 0, count: total * a.inputSize)
            for t in 0..<steps {
                for b in 0..<batch {
                    let id = sequences[b][t]
                    precondition(id >= 0 && id < embedding.shape[0], "token id \(id) outside the vocabulary")
                    tokenIDs[t * batch + b] = id
                    let from = id * a.inputSize, to = (t * batch + b) * a.inputSize
                    for e in 0..<a.inputSize { inputs[to + e] = embedding.values[from + e] }
                }
            }
        case .vectors(let tensor):
            precondition(tensor.shape.count == 3 && tensor.shape[2] == a.inputSize, "input vectors must be [T, B, \(a.inputSize)]")
            inputs = tensor.values
        }

        var layers: [LayerRecord] = []
        var layerInput = inputs
        for (k, p) in parameters.layers.enumerated() {
            let record = layerInput.withUnsafeBufferPointer {
                forwardLayer(p, cell: a.cell, input: $0.baseAddress!, inputSize: a.layerInputSize(k),
                             steps: steps, batch: batch, whhScale: whhScale)
            }
            layers.append(record)
            layerInput = record.hidden
        }

        var outputs = [Float](repeating: 0, count: total * a.outputSize)
        outputs.withUnsafeMutableBufferPointer { out in
            fillRows(out.baseAddress!, rows: total, with: parameters.headBias.values)
            layerInput.withUnsafeBufferPointer { top in
                multiply(StridedMatrix(base: top.baseAddress!, rows: total, rowStride: a.hiddenSize),
                         packedHead ?? self.packedHead(), into: out.baseAddress!, ldc: a.outputSize, accumulate: true)
            }
        }
        return ForwardTrace(architecture: a, steps: steps, batch: batch, whhScale: whhScale, tokenIDs: tokenIDs,
                            inputs: inputs, layers: layers, outputs: outputs)
    }
}
