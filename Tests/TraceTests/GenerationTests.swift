import Foundation
import ModelFile
import RNNCore
import Testing
@testable import Trace

@Suite struct GenerationTests {
    static func shipped(_ cell: CellKind) throws -> Model {
        try Model.load(path: ShippedModelTests.modelDirectory.appendingPathComponent("\(cell.rawValue).safetensors").path)
    }

    /// Inverse CDF over ids in order, by hand: weights 1, 3 (logits 0, ln 3) split [0, 1) at 0.25.
    @Test func inverseCDFPicksByRunningSum() {
        let logits: [Float] = [0, Float(log(3.0))]
        var counts = [0, 0]
        var random = SeededRandom(seed: 7)
        for _ in 0..<4000 {
            var probe = random
            let u = Double(probe.next() >> 11) / Double(UInt64(1) << 53)
            let choice = TextGenerator.choose(logits: logits, temperature: 1, topK: 0, excluding: nil, random: &random)
            #expect(choice.id == (u < 0.25 ? 0 : 1))
            counts[choice.id] += 1
        }
        #expect(abs(Double(counts[0]) / 4000 - 0.25) < 0.03)
    }

    @Test func greedyTopKAndExclusion() {
        var random = SeededRandom(seed: 1)
        let logits: [Float] = [9, 1, 5, 5, 2]
        // Greedy skips the excluded id 0; the tie between 2 and 3 goes to the lower id.
        #expect(TextGenerator.choose(logits: logits, temperature: 0, topK: 0, excluding: 0, random: &random).id == 2)
        // Top-2 without id 0 leaves ids 2 and 3 only.
        for _ in 0..<200 {
            let id = TextGenerator.choose(logits: logits, temperature: 5, topK: 2, excluding: 0, random: &random).id
            #expect(id == 2 || id == 3)
        }
        // Greedy draws nothing from the generator.
        let before = random
        _ = TextGenerator.choose(logits: logits, temperature: 0, topK: 0, excluding: nil, random: &random)
        var a = before, b = random
        #expect(a.next() == b.next())
    }

    /// Greedy writing is the trace's own best guess, word after word (the unknown word aside).
    @Test(arguments: CellKind.allCases)
    func greedyFollowsTheTracesPrediction(cell: CellKind) throws {
        let model = try Self.shipped(cell)
        var writer = try TextGenerator(model: model, prefix: "she was", settings: GenerationSettings(words: 8, temperature: 0))
        let written = writer.run()
        #expect(!written.isEmpty && !written.contains("<unk>"))
        let trace = try SentenceTrace.compute(model: model, input: .ids(writer.ids))
        for t in (writer.prefixCount - 1)..<(writer.ids.count - 1) {
            let best = trace.steps[t].top.first { $0.id != model.unknownID }!
            #expect(best.id == writer.ids[t + 1], "\(cell) step \(t)")
        }
    }

    @Test func sameSeedSameWordsAndStops() throws {
        let model = try Self.shipped(.lstm)
        let settings = GenerationSettings(words: 200, temperature: 1.2, topK: 50, seed: 42)
        var first = try TextGenerator(model: model, prefix: "the", settings: settings)
        var second = try TextGenerator(model: model, prefix: "the", settings: settings)
        let words = first.run()
        #expect(words == second.run())
        #expect(first.stop != nil && !words.contains("<unk>"))
        if first.stop == .endOfSentence { #expect([".", "!", "?", "\""].contains(words.last!)) }
        var other = try TextGenerator(model: model, prefix: "the", settings: GenerationSettings(words: 200, temperature: 1.2, topK: 50, seed: 43))
        var differs = false
        for seed: UInt64 in 43...50 {
            other = try TextGenerator(model: model, prefix: "the", settings: GenerationSettings(words: 200, temperature: 1.2, topK: 50, seed: seed))
            if other.run() != words { differs = true; break }
        }
        #expect(differs)
    }

    @Test func wordLimitAndBadSettings() throws {
        let model = try Self.shipped(.gru)
        var writer = try TextGenerator(model: model, prefix: "i", settings: GenerationSettings(words: 1, temperature: 0))
        #expect(writer.run().count == 1)
        #expect(writer.stop == .wordLimit || writer.stop == .endOfSentence)
        #expect(throws: GenerationError.emptyPrefix) { try TextGenerator(model: model, prefix: "  ", settings: GenerationSettings()) }
        for bad in [GenerationSettings(words: 0), GenerationSettings(words: 201), GenerationSettings(temperature: -1),
                    GenerationSettings(temperature: .nan), GenerationSettings(topK: -1)] {
            #expect(bad.problem != nil)
            #expect(throws: GenerationError.self) { try TextGenerator(model: model, prefix: "i", settings: bad) }
        }
    }
}
