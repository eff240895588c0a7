@testable import RNNCore

/// One epoch of a 2-layer language model trained on random sentences: what the tests that
/// demand the same model whatever runs it (thread count, kernel set) train and compare.
/// Sentence t has `shortest + r % spread` words, all drawn from one seeded stream.
func trainOneEpoch(cell: CellKind, embedding: Int, hidden: Int, vocabulary v: Int, sentences count: Int,
                   shortest: Int, spread: UInt64, seed: UInt64, batchSize: Int, bpttLength: Int) -> Parameters {
    let arch = Architecture(cell: cell, inputSize: embedding, hiddenSize: hidden, layerCount: 2, outputSize: v, vocabularySize: v)
    var random = SeededRandom(seed: seed)
    let sentences = (0..<count).map { _ in (0..<(shortest + Int(random.next() % spread))).map { _ in Int(random.next() % UInt64(v)) } }
    var settings = TrainingSettings()
    settings.batchSize = batchSize
    settings.bpttLength = bpttLength
    var trainer = LanguageModelTrainer(architecture: arch, settings: settings, training: sentences, validation: [])
    for batch in trainer.batches(epoch: 0) { _ = trainer.train(on: batch.map { trainer.training[$0] }) }
    return trainer.state.parameters
}
