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

    func evaluate(outputs: [Float], width c: Int, batch: Int) -> Evaluation {
        switch self {
        case .crossEntropy(let targets):
            let n = Float(targets.count)
            var rowLosses = [Float](repeating: 0, count: targets.count)
            for target in targets {
                precondition(target.label >= 0 && target.label < c, "class \(target.label) outside the head")
            }
            // Rows in fixed groups of 16 on the worker pool; the loss is summed afterwards, in row order.
            let groups = targets.count * c >= 1 << 16 ? (targets.count + 15) / 16 : 1
            let perGroup = (targets.count + groups - 1) / max(groups, 1)
            // Every row's softmax writes all of it: no zero-fill first (22 MB at batch 32 × 35 steps × 5,000 words).
            let gradient = arrayWritten(count: targets.count * c) { g in
                guard let g else { return }
                outputs.withUnsafeBufferPointer { o in
                    rowLosses.withUnsafeMutableBufferPointer { losses in
                        WorkerPool.shared.run(shards: groups) { group in
                            for r in (group * perGroup)..<min((group + 1) * perGroup, targets.count) {
                                let target = targets[r]
                                let row = target.step * batch + target.sequence
                                // (softmax − one-hot)/n in one softmax pass; the loss is log Σ exp − logit.
                                let logSum = softmax(o.baseAddress! + row * c, c, into: g + r * c, scaledBy: 1 / n)
                                losses[r] = logSum - o[row * c + target.label]
                                g[r * c + target.label] -= 1 / n
                            }
                        }
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
                let row = target.step * batch + target.sequence
                for j in 0..<c {
                    let diff = outputs[row * c + j] - target.values[j]
                    value += Double(diff * diff)
                    gradient[r * c + j] = 2 * diff / n
                }
            }
            return Evaluation(value: Float(value / Double(n)), rows: targets.map { $0.step * batch + $0.sequence },
                              gradient: gradient)
        }
    }
}
