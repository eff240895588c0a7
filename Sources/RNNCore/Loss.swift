/// Which outputs are scored, and how. The value is the mean over the scored
/// entries, as PyTorch's default `reduction="mean"` computes it.
public enum Loss: Sendable {
    /// Cross-entropy of softmax(outputs) at each listed step against a class index.
    case crossEntropy([ClassTarget])
    /// Mean squared error of the raw outputs at each listed step against target values.
    case meanSquaredError([ValueTarget])

    public struct ClassTarget: Sendable, Equatable {
        public var step: Int
        public var sequence: Int
        public var label: Int
        public init(step: Int, sequence: Int = 0, label: Int) {
            self.step = step
            self.sequence = sequence
            self.label = label
        }
    }

    public struct ValueTarget: Sendable, Equatable {
        public var step: Int
        public var sequence: Int
        public var values: [Float]
        public init(step: Int, sequence: Int = 0, values: [Float]) {
            self.step = step
            self.sequence = sequence
            self.values = values
        }
    }

    /// The loss and its gradient with respect to the scored output rows.
    struct Evaluation {
        var value: Float
        /// Output rows (t·B + b) that carry a gradient, in order.
        var rows: [Int]
        /// dL/d(outputs) for those rows, [rows.count, C].
        var gradient: [Float]
    }

    /// `wantGradient` false (a trace, whose head row comes back another way): the value and
    /// rows alone, the same value; `gradient` is then empty. Row r of `outputs` starts at
    /// offset + r·rowStride (by default packed: r·C).
    func evaluate(outputs: [Float], width c: Int, offset: Int = 0, rowStride: Int? = nil, batch: Int,
                  wantGradient: Bool = true) -> Evaluation {
        let stride = rowStride ?? c
        /// Where output row t·B + b starts in `outputs`.
        func start(step t: Int, sequence b: Int) -> Int { offset + (t * batch + b) * stride }
        switch self {
        case .crossEntropy(let targets):
            let n = Float(targets.count)
            var rowLosses = [Float](repeating: 0, count: targets.count)
            for target in targets {
                precondition(target.label >= 0 && target.label < c, "class \(target.label) outside the head")
            }
            // A trace scores one row here; a training step's many rows go through
            // `headCrossEntropy` instead, which computes the same numbers a block at a time.
            let gradient = arrayWritten(count: wantGradient ? targets.count * c : 0) { g in
                outputs.withUnsafeBufferPointer { o in
                    for (r, target) in targets.enumerated() {
                        let row = start(step: target.step, sequence: target.sequence)
                        // (softmax − one-hot)/n in one softmax pass, or the log Σ exp alone; the
                        // loss is log Σ exp − logit.
                        let logSum = g.map { softmax(o.baseAddress! + row, c, into: $0 + r * c, scaledBy: 1 / n) }
                            ?? softmaxLogSum(o.baseAddress! + row, c)
                        rowLosses[r] = logSum - o[row + target.label]
                        g?[r * c + target.label] -= 1 / n
                    }
                }
            }
            let value = rowLosses.reduce(0.0) { $0 + Double($1) }
            return Evaluation(value: Float(value / Double(n)), rows: targets.map { $0.step * batch + $0.sequence },
                              gradient: gradient)
        case .meanSquaredError(let targets):
            let n = Float(targets.count * c)
            var value = 0.0
            var gradient = [Float](repeating: 0, count: targets.count * c)
            for (r, target) in targets.enumerated() {
                precondition(target.values.count == c, "a target needs \(c) values")
                let row = start(step: target.step, sequence: target.sequence)
                for j in 0..<c {
                    let diff = outputs[row + j] - target.values[j]
                    value += Double(diff * diff)
                    gradient[r * c + j] = 2 * diff / n
                }
            }
            return Evaluation(value: Float(value / Double(n)), rows: targets.map { $0.step * batch + $0.sequence },
                              gradient: gradient)
        }
    }
}
