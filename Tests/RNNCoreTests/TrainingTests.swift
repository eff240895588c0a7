import Testing
@testable import RNNCore

@Suite struct TrainingTests {
    /// A toy language with a fixed word order: "a b c d" and "e f c g". Only
    /// context tells what follows c, so beating the unigram baseline needs memory.
    static let vocabularySize = 8
    static func corpus(_ count: Int, seed: UInt64) -> [[Int]] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { _ in random.next() % 2 == 0 ? [1, 2, 3, 4] : [5, 6, 3, 7] }
    }

    @Test(arguments: CellKind.allCases)
    func trainingLearnsWordOrderAndBeatsTheUnigramBaseline(cell: CellKind) {
        let arch = Architecture(cell: cell, inputSize: 8, hiddenSize: 16, outputSize: Self.vocabularySize,
                                vocabularySize: Self.vocabularySize)
        var settings = TrainingSettings()
        settings.batchSize = 8
        settings.learningRate = 0.02
        settings.warmupSteps = 5
        settings.dropout = 0
        settings.maxEpochs = 6
        let training = Self.corpus(200, seed: 1), validation = Self.corpus(40, seed: 2)
        var trainer = LanguageModelTrainer(architecture: arch, settings: settings, training: training, validation: validation)
        let before = perplexity(of: RecurrentNetwork(architecture: arch, parameters: trainer.state.parameters), on: validation).perplexity
        var reports = 0
        trainer.run(shouldStop: { false }, report: { _ in reports += 1 })
        let model = RecurrentNetwork(architecture: arch, parameters: trainer.state.best)
        let after = perplexity(of: model, on: validation).perplexity
        var counts = [Int](repeating: 0, count: Self.vocabularySize)
        for s in training { for id in s { counts[id] += 1 } }
        let unigram = unigramPerplexity(trainingCounts: counts, on: validation)
        #expect(reports > 0)
        #expect(after < before / 2)
        #expect(after < 0.7 * unigram, "\(cell): \(after) vs unigram \(unigram)")
        // After "a b c" comes d, after "e f c" comes g: the rarer-in-context word wins only with memory.
        let trace = model.forward(.tokens([[1, 2, 3], [5, 6, 3]]))
        #expect(topIndices(trace.probabilities(step: 2, sequence: 0)[...], k: 1) == [4])
        #expect(topIndices(trace.probabilities(step: 2, sequence: 1)[...], k: 1) == [7])
    }

    @Test func longSentencesAreCutIntoChunksThatCarryState() {
        let chunks = LanguageModelTrainer.chunks(of: [[1, 2, 3, 4, 5, 6, 7], [1, 2, 3]], length: 4)
        #expect(chunks.count == 2)
        #expect(chunks[0].inputs == [[1, 2, 3, 4], [1, 2, 3, 0]] && !chunks[0].continuesPrevious)
        #expect(chunks[1].inputs == [[5, 6], [0, 0]] && chunks[1].continuesPrevious)
        // Targets: the next word of each real position only; padding is never scored.
        #expect(chunks[0].targets.map(\.label) == [2, 3, 4, 5, 2, 3])
        #expect(chunks[1].targets.map { [$0.step, $0.sequence, $0.label] } == [[0, 0, 6], [1, 0, 7]])
    }

    @Test func stoppingAndResumingGivesTheSameModelAsOneRun() {
        let arch = Architecture(cell: .gru, inputSize: 4, hiddenSize: 6, outputSize: 8, vocabularySize: 8)
        var settings = TrainingSettings()
        settings.batchSize = 10
        settings.maxEpochs = 2
        settings.dropout = 0.1
        let training = Self.corpus(60, seed: 3), validation = Self.corpus(10, seed: 4)
        var once = LanguageModelTrainer(architecture: arch, settings: settings, training: training, validation: validation)
        once.run(shouldStop: { false }, report: { _ in })
        var first = LanguageModelTrainer(architecture: arch, settings: settings, training: training, validation: validation)
        var steps = 0
        first.run(shouldStop: { steps += 1; return steps > 7 }, report: { _ in })
        #expect(!first.state.finished)
        var second = LanguageModelTrainer(architecture: arch, settings: settings, training: training, validation: validation,
                                          resumeFrom: first.state)
        second.run(shouldStop: { false }, report: { _ in })
        #expect(second.state.parameters == once.state.parameters)
        #expect(second.state.best == once.state.best)
    }

    @Test func adamMatchesItsDefinitionAndClippingBoundsTheNorm() {
        let arch = Architecture(cell: .rnn, inputSize: 1, hiddenSize: 1, outputSize: 1)
        var p = Parameters(zerosFor: arch)
        var g = Parameters(zerosFor: arch)
        g.headBias.values = [3]
        g.headWeight.values = [4]
        var adam = Adam(for: arch, learningRate: 0.1)
        adam.update(&p, with: g)
        // First step: m̂ = g, v̂ = g², so each parameter moves by lr·g/(|g| + ε) = 0.1·sign(g).
        #expect(abs(p.headBias.values[0] + 0.1) < 1e-6 && abs(p.headWeight.values[0] + 0.1) < 1e-6)
        let norm = g.clipGlobalNorm(to: 1)
        #expect(abs(norm - 5) < 1e-6)
        #expect(abs(Float(g.squaredNorm.squareRoot()) - 1) < 1e-5)
    }
}
