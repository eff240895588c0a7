import Foundation

/// Training a next-word model on sentences of token ids: mini-batches of
/// similar-length sentences, truncated BPTT, Adam, clipping by global norm,
/// dropout, a learning rate that warms up and halves when validation stalls,
/// and early stopping on validation perplexity. No I/O: the caller reports
/// progress, saves checkpoints and decides when to stop.

public struct TrainingSettings: Sendable, Codable, Equatable {
    public var batchSize = 32
    /// Longest stretch that gradients flow through; longer sentences are cut
    /// into chunks whose state carries over (truncated BPTT).
    public var bpttLength = 35
    public var learningRate: Float = 0.003
    /// Steps over which the learning rate ramps up from near zero.
    public var warmupSteps = 200
    public var clipNorm: Float = 1
    public var dropout: Float = 0.2
    public var maxEpochs = 30
    /// Validation checks per epoch (early stopping reacts this often).
    public var evaluationsPerEpoch = 2
    /// Checks without improvement before training stops; each one also multiplies the learning rate by `decay`.
    public var patience = 4
    public var decay: Float = 0.5
    public var seed: UInt64 = 1

    public init() {}
}

/// Everything needed to continue training exactly where it stopped.
public struct TrainingState: Sendable {
    public var parameters: Parameters
    /// The parameters with the best validation perplexity so far: the model that ships.
    public var best: Parameters
    public var bestValidationPerplexity: Double = .infinity
    public var optimizer: Adam
    public var epoch = 0
    /// Batches of the current epoch already taken.
    public var batchInEpoch = 0
    public var checksWithoutImprovement = 0
    public var tokensSeen = 0
    /// Seconds of training so far, across resumed runs.
    public var secondsTrained = 0.0
    public var finished = false

    public init(parameters: Parameters, learningRate: Float, architecture: Architecture) {
        self.parameters = parameters
        best = parameters
        optimizer = Adam(for: architecture, learningRate: learningRate)
    }
}

public struct TrainingProgress: Sendable {
    public var step: Int
    public var epoch: Int
    public var epochFraction: Double
    /// Mean training loss (nats per token) since the last report.
    public var loss: Double
    public var tokensPerSecond: Double
    public var learningRate: Float
    public var gradientNorm: Float
    /// Set when this step ended with a validation check.
    public var validationPerplexity: Double?
    public var bestValidationPerplexity: Double
    public var improved: Bool
}

public struct LanguageModelTrainer: Sendable {
    public let architecture: Architecture
    public let settings: TrainingSettings
    public let training: [[Int]]
    public let validation: [[Int]]
    public var state: TrainingState

    /// Sentences shorter than two tokens predict nothing and are left out.
    public init(architecture: Architecture, settings: TrainingSettings, training: [[Int]], validation: [[Int]],
                resumeFrom: TrainingState? = nil) {
        self.architecture = architecture
        self.settings = settings
        self.training = training.filter { $0.count >= 2 }
        self.validation = validation.filter { $0.count >= 2 }
        state = resumeFrom ?? TrainingState(parameters: Parameters(randomFor: architecture, seed: settings.seed),
                                            learningRate: settings.learningRate, architecture: architecture)
    }

    /// Sentence indices for each batch of an epoch: sorted by length so that a
    /// batch needs little padding, then the batches shuffled with a per-epoch seed.
    public func batches(epoch: Int) -> [[Int]] {
        let order = training.indices.sorted { (training[$0].count, $0) < (training[$1].count, $1) }
        var groups = stride(from: 0, to: order.count, by: settings.batchSize).map {
            Array(order[$0..<min($0 + settings.batchSize, order.count)])
        }
        var random = SeededRandom(seed: settings.seed &+ 0x5EED &+ UInt64(epoch))
        groups.shuffle(using: &random)
        return groups
    }

    /// Trains until early stopping, `maxEpochs`, or `shouldStop()` (checked between steps).
    /// `checkpoint` receives the state after every validation check, to be saved.
    public mutating func run(shouldStop: () -> Bool, report: (TrainingProgress) -> Void,
                             checkpoint: (TrainingState) -> Void = { _ in }) {
        let clock = ContinuousClock()
        var since = clock.now
        var lossSum = 0.0, lossTokens = 0, tokensSinceReport = 0
        while !state.finished && state.epoch < settings.maxEpochs {
            let epochBatches = batches(epoch: state.epoch)
            // Validation checks spread evenly over the epoch, the last one at its end.
            let checksPerEpoch = max(1, min(settings.evaluationsPerEpoch, epochBatches.count))
            let checkAfter = Set((1...checksPerEpoch).map { epochBatches.count * $0 / checksPerEpoch })
            while state.batchInEpoch < epochBatches.count {
                if shouldStop() { return }
                let sentences = epochBatches[state.batchInEpoch].map { training[$0] }
                var gradientNorm: Float = 0
                for chunk in Self.chunks(of: sentences, length: settings.bpttLength) {
                    let outcome = trainStep(chunk)
                    lossSum += outcome.loss * Double(chunk.targetCount)
                    lossTokens += chunk.targetCount
                    tokensSinceReport += chunk.targetCount
                    gradientNorm = outcome.gradientNorm
                }
                state.batchInEpoch += 1
                let checks = checkAfter.contains(state.batchInEpoch)
                var validationPerplexity: Double? = nil, improved = false
                if checks {
                    let measured = perplexity(of: RecurrentNetwork(architecture: architecture, parameters: state.parameters),
                                              on: validation, batchSize: 64).perplexity
                    validationPerplexity = measured
                    if measured < state.bestValidationPerplexity {
                        state.bestValidationPerplexity = measured
                        state.best = state.parameters
                        state.checksWithoutImprovement = 0
                        improved = true
                    } else {
                        state.checksWithoutImprovement += 1
                        state.optimizer.learningRate *= settings.decay
                        if state.checksWithoutImprovement >= settings.patience { state.finished = true }
                    }
                }
                let now = clock.now
                let seconds = Double((now - since).components.seconds) + Double((now - since).components.attoseconds) * 1e-18
                if checks || seconds >= 0.5 {
                    state.secondsTrained += seconds
                    report(TrainingProgress(
                        step: state.optimizer.step, epoch: state.epoch,
                        epochFraction: Double(state.batchInEpoch) / Double(epochBatches.count),
                        loss: lossTokens > 0 ? lossSum / Double(lossTokens) : .nan,
                        tokensPerSecond: Double(tokensSinceReport) / max(seconds, 1e-9),
                        learningRate: currentLearningRate, gradientNorm: gradientNorm,
                        validationPerplexity: validationPerplexity,
                        bestValidationPerplexity: state.bestValidationPerplexity, improved: improved))
                    since = now
                    lossSum = 0
                    lossTokens = 0
                    tokensSinceReport = 0
                }
                if checks { checkpoint(state) }
                if state.finished { return }
            }
            state.epoch += 1
            state.batchInEpoch = 0
        }
        state.finished = true
    }

    /// The learning rate of the next step: warm-up, then the decayed base rate.
    public var currentLearningRate: Float {
        let warm = Float(min(state.optimizer.step + 1, max(settings.warmupSteps, 1))) / Float(max(settings.warmupSteps, 1))
        return state.optimizer.learningRate * warm
    }

    /// One stretch of a batch: inputs, next-word targets, and where it starts.
    struct Chunk {
        var inputs: [[Int]]
        var targets: [Loss.ClassTarget]
        var continuesPrevious: Bool
        var targetCount: Int { targets.count }
    }

    /// Cuts a batch of sentences into stretches of at most `length` steps.
    /// Padding after a sentence's end is never scored and cannot reach earlier steps.
    static func chunks(of sentences: [[Int]], length: Int) -> [Chunk] {
        let steps = (sentences.map(\.count).max() ?? 1) - 1
        var result: [Chunk] = []
        var start = 0
        while start < steps {
            let end = min(start + length, steps)
            let inputs = sentences.map { s in (start..<end).map { $0 < s.count ? s[$0] : 0 } }
            var targets: [Loss.ClassTarget] = []
            for (b, s) in sentences.enumerated() {
                for t in start..<end where t + 1 < s.count {
                    targets.append(.init(step: t - start, sequence: b, label: s[t + 1]))
                }
            }
            result.append(Chunk(inputs: inputs, targets: targets, continuesPrevious: start > 0))
            start = end
        }
        return result
    }

    private var carried: RecurrentState? = nil

    /// One optimiser step per chunk of this batch of sentences (what `run` does for each batch).
    public mutating func train(on sentences: [[Int]]) -> (loss: Double, gradientNorm: Float) {
        var result = (loss: 0.0, gradientNorm: Float(0))
        for chunk in Self.chunks(of: sentences, length: settings.bpttLength) { result = trainStep(chunk) }
        return result
    }

    mutating func trainStep(_ chunk: Chunk) -> (loss: Double, gradientNorm: Float) {
        let network = RecurrentNetwork(architecture: architecture, parameters: state.parameters)
        let dropout = settings.dropout > 0
            ? Dropout(rate: settings.dropout, seed: settings.seed &+ UInt64(state.optimizer.step) &* 7919) : nil
        let trace = network.forward(.tokens(chunk.inputs), initialState: chunk.continuesPrevious ? carried : nil,
                                    dropout: dropout, head: .skipped)
        carried = trace.finalState
        let gradients = network.backward(trace, loss: .crossEntropy(chunk.targets))
        // Clipping is applied inside Adam's pass (one read of the gradients instead of two).
        let (norm, clipScale) = gradients.parameters!.clipping(to: settings.clipNorm)
        let baseRate = state.optimizer.learningRate
        state.optimizer.learningRate = currentLearningRate
        if norm.isFinite && gradients.loss.isFinite {
            state.optimizer.update(&state.parameters, with: gradients.parameters!, gradientScale: clipScale)
        } else {
            state.optimizer.step += 1   // a non-finite step is skipped, not applied
        }
        state.optimizer.learningRate = baseRate
        state.tokensSeen += chunk.targetCount
        return (Double(gradients.loss), norm)
    }
}

/// Perplexity of next-word prediction over sentences, each read from a fresh
/// state; every token after the first is predicted once (per-token average).
public func perplexity(of network: RecurrentNetwork, on sentences: [[Int]], batchSize: Int = 64)
    -> (perplexity: Double, meanLoss: Double, tokens: Int) {
    let usable = sentences.filter { $0.count >= 2 }.sorted { $0.count < $1.count }
    let head = network.packedHead()
    var total = 0.0, count = 0
    for start in stride(from: 0, to: usable.count, by: max(batchSize, 1)) {
        let batch = Array(usable[start..<min(start + batchSize, usable.count)])
        let steps = batch.map(\.count).max()! - 1
        let inputs = batch.map { s in (0..<steps).map { $0 < s.count ? s[$0] : 0 } }
        let trace = network.forward(.tokens(inputs), packedHead: head)
        let c = network.architecture.outputSize
        trace.outputs.withUnsafeBufferPointer { logits in
            for (b, s) in batch.enumerated() {
                for t in 0..<(s.count - 1) {
                    let row = (t * batch.count + b) * c
                    total += Double(logSumExp(logits.baseAddress! + row, c) - logits[row + s[t + 1]])
                    count += 1
                }
            }
        }
    }
    let mean = count > 0 ? total / Double(count) : .nan
    return (Double.exp(mean), mean, count)
}

extension Double {
    static func exp(_ x: Double) -> Double { x.isNaN ? .nan : Foundation.exp(x) }
}

/// The baseline a language model must beat: each word's frequency in the
/// training text, ignoring context (add-one smoothed over the vocabulary), scored
/// on exactly the tokens that `perplexity(of:on:)` scores.
public func unigramPerplexity(trainingCounts counts: [Int], on sentences: [[Int]]) -> Double {
    let total = Double(counts.reduce(0, +) + counts.count)
    var sum = 0.0, n = 0
    for s in sentences where s.count >= 2 {
        for id in s.dropFirst() {
            sum -= Foundation.log(Double(counts[id] + 1) / total)
            n += 1
        }
    }
    return n > 0 ? Foundation.exp(sum / Double(n)) : .nan
}
