/// The adding problem (Hochreiter & Schmidhuber 1997): at each of T steps the
/// input is a random number in [0, 1] and a marker; exactly two steps are
/// marked, one in each half of the sequence, and the target is the sum of the
/// two marked numbers. The answer depends on inputs up to T steps back, which
/// is what a plain RNN's vanishing gradient cannot learn.
public struct AddingProblem: Sendable {
    public let length: Int

    public init(length: Int) {
        precondition(length >= 2, "the adding problem needs at least two steps")
        self.length = length
    }

    /// The mean squared error of always answering 1, the mean of the target:
    /// the variance of a sum of two uniform numbers, 2/12 ≈ 0.167.
    public static let baselineError: Float = 1.0 / 6.0

    public struct Batch: Sendable {
        /// [T, B, 2]: (value, marker) per step.
        public var inputs: Tensor
        /// One sum per sequence.
        public var targets: [Float]
        /// The two marked steps of each sequence.
        public var marks: [(Int, Int)]
    }

    public func batch(size: Int, using random: inout SeededRandom) -> Batch {
        var values = [Float](repeating: 0, count: length * size * 2)
        var targets = [Float](repeating: 0, count: size)
        var marks: [(Int, Int)] = []
        let half = length / 2
        for b in 0..<size {
            for t in 0..<length { values[(t * size + b) * 2] = random.uniform(0, 1) }
            let first = Int(random.next() % UInt64(half))
            let second = half + Int(random.next() % UInt64(length - half))
            for t in [first, second] {
                values[(t * size + b) * 2 + 1] = 1
                targets[b] += values[(t * size + b) * 2]
            }
            marks.append((first, second))
        }
        return Batch(inputs: Tensor(shape: [length, size, 2], values: values), targets: targets, marks: marks)
    }

    /// Squared error at the last step against the sums.
    public func loss(for batch: Batch) -> Loss {
        .meanSquaredError(batch.targets.enumerated().map { .init(step: length - 1, sequence: $0.offset, values: [$0.element]) })
    }
}

/// One network learning the adding problem: Adam, optional clipping, and the
/// measurements the race shows (loss, and how much gradient reaches step 0).
public struct AddingProblemLearner: Sendable {
    public private(set) var network: RecurrentNetwork
    public private(set) var optimizer: Adam
    public var clipNorm: Float?
    public var whhScale: Float
    public private(set) var steps = 0

    public struct StepReport: Sendable {
        public var loss: Float
        /// ‖∂L_b/∂h_0‖ for one sequence's own error, averaged over the batch: what is left of the gradient at the first step.
        public var firstStepGradient: Float { gradientProfile.first ?? .nan }
        /// The same for every step t = 0 … T−1: how the gradient fades (or grows) back from the loss at the end.
        public var gradientProfile: [Float]
        /// The global gradient norm before clipping.
        public var gradientNorm: Float
        /// The share of hidden values (top layer, every step) within 0.01 of ±1: saturated units,
        /// where tanh is flat and passes almost no gradient back.
        public var saturation: Float
    }

    public init(cell: CellKind, hiddenSize: Int, seed: UInt64, learningRate: Float, clipNorm: Float? = 1, whhScale: Float = 1) {
        let architecture = Architecture(cell: cell, inputSize: 2, hiddenSize: hiddenSize, outputSize: 1)
        network = RecurrentNetwork(architecture: architecture, seed: seed)
        optimizer = Adam(for: architecture, learningRate: learningRate)
        self.clipNorm = clipNorm
        self.whhScale = whhScale
    }

    /// One optimiser step on a batch. A non-finite gradient (an explosion) is reported, not applied.
    public mutating func train(on batch: AddingProblem.Batch, problem: AddingProblem) -> StepReport {
        let trace = forwardScoringLastStep(batch.inputs)
        var gradients = network.backward(trace, loss: problem.loss(for: batch))
        let norm = clipNorm.map { gradients.parameters!.clipGlobalNorm(to: $0) }
            ?? Float(gradients.parameters!.squaredNorm.squareRoot())
        if norm.isFinite && gradients.loss.isFinite {
            optimizer.update(&network.parameters, with: gradients.parameters!)
        }
        steps += 1
        let hidden = trace.top.hidden
        return StepReport(loss: gradients.loss, gradientProfile: gradientProfile(gradients, batch: trace.batch),
                          gradientNorm: norm, saturation: Float(Self.saturatedCount(hidden)) / Float(max(1, hidden.count)))
    }

    /// Mean squared error on a batch, without learning from it.
    public func evaluate(_ batch: AddingProblem.Batch, problem: AddingProblem) -> Float {
        let trace = forwardScoringLastStep(batch.inputs)
        let h = trace.outputs
        var sum = 0.0
        for b in 0..<trace.batch {
            let d = Double(h[(problem.length - 1) * trace.batch + b] - batch.targets[b])
            sum += d * d
        }
        return Float(sum / Double(trace.batch))
    }

    /// A forward pass with the head at the last step only, the one step scored: the same
    /// numbers there as a full pass, without T − 1 steps of head that nothing reads.
    func forwardScoringLastStep(_ inputs: Tensor) -> ForwardTrace {
        var trace = network.forward(.vectors(inputs), whhScale: whhScale, head: .onDemand)
        let last = (trace.steps - 1) * trace.batch
        trace.computeHead(rows: last..<(last + trace.batch), bias: network.parameters.headBias.values, head: network.packedHead())
        return trace
    }

    /// How many values are within 0.01 of ±1 (|x| > 0.99), 8 at a time.
    static func saturatedCount(_ values: [Float]) -> Int {
        values.withUnsafeBufferPointer { v in
            var counts = SIMD8<Int32>(), j = 0
            while j + 8 <= v.count {
                counts &+= SIMD8<Int32>().replacing(with: 1, where: abs8(load8(v.baseAddress! + j)) .> 0.99)
                j += 8
            }
            return Int(counts.wrappedSum()) + v[j...].reduce(0) { $0 + (abs($1) > 0.99 ? 1 : 0) }
        }
    }

    /// Per step, the mean over the batch of each sequence's own ‖∂L/∂h_t‖ (top layer).
    func gradientProfile(_ gradients: Gradients, batch: Int) -> [Float] {
        let h = network.architecture.hiddenSize, top = gradients.hiddenAdjoints[network.architecture.layerCount - 1]
        let steps = top.count / max(1, batch * h)
        return top.withUnsafeBufferPointer { top in
            (0..<steps).map { t in
                var total = 0.0
                for b in 0..<batch {
                    let row = top.baseAddress! + (t * batch + b) * h
                    var squares = 0.0
                    for u in 0..<h { squares += Double(row[u]) * Double(row[u]) }
                    total += squares.squareRoot()
                }
                // The loss is a mean over the batch, so B·‖∂L/∂h_t^b‖ is sequence b's own gradient; averaged, that is the sum.
                return Float(total)
            }
        }
    }
}
