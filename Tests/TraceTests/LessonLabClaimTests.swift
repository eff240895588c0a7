import Foundation
import ModelFile
import RNNCore
import Testing
@testable import Trace

/// Every number and observation a lesson's lab paragraph states about the
/// shipped models, checked on those models with the lesson's own preset
/// (sentence and loss step read from the lesson file), so that a retrained
/// model cannot silently make the course text false. Each test names the
/// lesson sentence it backs; change both together.
@Suite struct LessonLabClaimTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func model(_ cell: CellKind) throws -> Model {
        try Model.load(path: root.appendingPathComponent("models/\(cell.rawValue).safetensors").path)
    }

    /// The lab's sentence and loss step, read from the lesson's front matter.
    static func preset(_ stem: String) throws -> (sentence: String, lossStep: Int?) {
        let text = try String(contentsOf: root.appendingPathComponent("lessons/\(stem).md"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let sentenceLine = try #require(lines.first { $0.hasPrefix("  sentence: ") })
        let sentence = sentenceLine.dropFirst("  sentence: ".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        let lossStep = lines.first { $0.hasPrefix("  loss_step: ") }.flatMap { Int($0.dropFirst("  loss_step: ".count)) }
        return (sentence, lossStep)
    }

    static func trace(_ stem: String, _ cell: CellKind) throws -> (SentenceTrace, Model) {
        let (sentence, lossStep) = try preset(stem)
        let model = try model(cell)
        return (try SentenceTrace.compute(model: model, input: .text(sentence), lossStep: lossStep), model)
    }

    /// The step whose input is `word` (its first occurrence).
    static func step(of word: String, in trace: SentenceTrace) throws -> Int {
        try #require(trace.tokens.firstIndex(of: word), "\"\(word)\" is not in the sentence")
    }

    static func probability(of word: String, at step: Int, in trace: SentenceTrace, model: Model) throws -> Float {
        let id = try #require(word == "<unk>" ? model.unknownID : model.id(of: word))
        return trace.forward.probabilities(step: step)[id]
    }

    // Lesson 1: "mat" is outside the vocabulary; after "he" the first guess is "had";
    // after "would" the first three are be, have, not; after "was" `<unk>` takes the
    // biggest single share, about a quarter.
    @Test func lesson1Sequences() throws {
        let (trace, model) = try Self.trace("01-sequences", .rnn)
        #expect(model.vocabulary.count == 5000 && model.id(of: "mat") == nil && model.id(of: "cat") != nil)
        #expect(trace.steps[try Self.step(of: "he", in: trace)].top.first?.label == "had")
        #expect(Set(trace.steps[try Self.step(of: "would", in: trace)].top.prefix(3).map(\.label)) == ["be", "have", "not"])
        let was = try Self.step(of: "was", in: trace)
        #expect(trace.steps[was].top.first?.label == "<unk>")
        let unk = try Self.probability(of: "<unk>", at: was, in: trace, model: model)
        #expect(unk > 0.18 && unk < 0.32, "p(<unk>) after \"was\" is \(unk), the text says about a quarter")
    }

    // Lesson 2: 128 units; after "cup", "of" at about half; after "sat", "down" first;
    // after "a", `<unk>` first.
    @Test func lesson2RecurrentCell() throws {
        let (trace, model) = try Self.trace("02-recurrent-cell", .rnn)
        #expect(trace.hiddenSize == 128)
        let cup = try Self.step(of: "cup", in: trace)
        #expect(trace.steps[cup].top.first?.label == "of")
        let of = try Self.probability(of: "of", at: cup, in: trace, model: model)
        #expect(of > 0.38 && of < 0.6, "p(of) after \"cup\" is \(of), the text says about half")
        #expect(trace.steps[try Self.step(of: "sat", in: trace)].top.first?.label == "down")
        #expect(trace.steps[try Self.step(of: "a", in: trace)].top.first?.label == "<unk>")
    }

    // Lesson 3: the loss is at "never" with target "sent", which gets under 1%;
    // the gradient at "letter" is about a fiftieth of the one at "never".
    @Test func lesson3BPTT() throws {
        let (trace, model) = try Self.trace("03-bptt", .rnn)
        let never = try Self.step(of: "never", in: trace)
        #expect(trace.loss.step == never && trace.loss.target == "sent")
        #expect(try Self.probability(of: "sent", at: never, in: trace, model: model) < 0.01)
        let letter = try Self.step(of: "letter", in: trace)
        let ratio = trace.hiddenGradientNorms[letter] / trace.hiddenGradientNorms[never]
        #expect(ratio > 0.01 && ratio < 0.04, "gradient at \"letter\" / at \"never\" is \(ratio), the text says about 1/50")
    }

    // Lesson 6: averaged over the units, z stays between about 0.6 and 0.8 at every word.
    /// The tutor's loss step when a preset gives none: the last word whose next word the sentence gives.
    static func tutorTrace(_ stem: String, _ cell: CellKind, whhScale: Float = 1) throws -> SentenceTrace {
        let (sentence, given) = try preset(stem)
        let model = try model(cell)
        let lossStep = try given ?? (model.tokenize(sentence).count - 2)
        return try SentenceTrace.compute(model: model, input: .text(sentence), lossStep: lossStep, whhScale: whhScale)
    }

    // Lesson 4: a 68-word passage, the loss on predicting "was" after "ball"; at the first word the
    // panel prints about 5 × 10⁻¹² (RNN), 3 × 10⁻³ (LSTM) and 1.4 (GRU); at W_hh × 0.25 the RNN is down
    // to a few times 10⁻²⁸; at 3 or 4 its gradient at the first word grows by three to four orders of
    // magnitude relative to the loss.
    @Test func lesson4VanishingExploding() throws {
        let rnn = try Self.tutorTrace("04-vanishing-exploding", .rnn)
        #expect(rnn.tokens.count == 68)
        #expect(rnn.tokens[rnn.loss.step] == "ball" && rnn.loss.target == "was")
        let first = { (trace: SentenceTrace) in Double(trace.hiddenGradientNorms[0]) }
        #expect((1e-12...2e-11).contains(first(rnn)), "RNN at word 1: \(first(rnn))")
        let lstm = try Self.tutorTrace("04-vanishing-exploding", .lstm)
        #expect((1e-3...1e-2).contains(first(lstm)), "LSTM at word 1: \(first(lstm))")
        let gru = try Self.tutorTrace("04-vanishing-exploding", .gru)
        #expect((0.5...5).contains(first(gru)), "GRU at word 1: \(first(gru))")
        let quarter = try Self.tutorTrace("04-vanishing-exploding", .rnn, whhScale: 0.25)
        #expect((1e-29...1e-27).contains(first(quarter)), "RNN at × 0.25: \(first(quarter))")
        for scale: Float in [3, 4] {
            let grown = try Self.tutorTrace("04-vanishing-exploding", .rnn, whhScale: scale)
            let ratio = first(grown) / Double(grown.hiddenGradientNorms[grown.loss.step])
            #expect((1e3...1e5).contains(ratio), "RNN at × \(scale): word 1 / loss = \(ratio)")
        }
    }

    // Lesson 5: a 56-word passage; the LSTM's average forget gate stays between about 0.28 and 0.56,
    // lowest (under 0.3) at "when", ";" and "but"; 8 of 128 units keep f above 0.9 on average; at
    // "knew" the hidden state's gradient is about a sixth of the belt's; at the first word the panel
    // prints about 2 × 10⁻¹¹ for the RNN against about 10⁻⁴ for the LSTM.
    @Test func lesson5LSTM() throws {
        let lstm = try Self.tutorTrace("05-lstm", .lstm)
        #expect(lstm.tokens.count == 56)
        let forget = lstm.steps.map { step in step.gates.first { $0.name == "f" }!.values }
        let means = forget.map { $0.reduce(0, +) / Float($0.count) }
        #expect(means.allSatisfy { (0.25...0.6).contains($0) }, "\(means)")
        for word in ["when", ";", "but"] {
            #expect(means[try Self.step(of: word, in: lstm)] < 0.3, "mean f at \"\(word)\"")
        }
        let units = lstm.hiddenSize
        let keepers = (0..<units).filter { u in forget.map { $0[u] }.reduce(0, +) / Float(forget.count) > 0.9 }
        #expect(keepers.count == 8, "\(keepers.count) units keep f above 0.9 on average")
        let knew = try Self.step(of: "knew", in: lstm)
        let share = lstm.hiddenGradientNorms[knew] / lstm.cellGradientNorms![knew]
        #expect((0.12...0.22).contains(share), "h / c at \"knew\": \(share)")
        #expect((3e-5...3e-4).contains(Double(lstm.hiddenGradientNorms[0])), "LSTM at word 1: \(lstm.hiddenGradientNorms[0])")
        let rnn = try Self.tutorTrace("05-lstm", .rnn)
        #expect((5e-12...1e-10).contains(Double(rnn.hiddenGradientNorms[0])), "RNN at word 1: \(rnn.hiddenGradientNorms[0])")
    }

    @Test func lesson6GRU() throws {
        let (trace, _) = try Self.trace("06-gru", .gru)
        for (t, step) in trace.steps.enumerated() {
            let z = try #require(step.gates.first { $0.name == "z" }).values
            let mean = z.reduce(0, +) / Float(z.count)
            #expect(mean > 0.55 && mean < 0.85, "mean z at \"\(trace.tokens[t])\" is \(mean)")
        }
    }

    // Lesson 7: after "am" all three models expect "sure".
    @Test(arguments: CellKind.allCases) func lesson7Training(cell: CellKind) throws {
        let (trace, _) = try Self.trace("07-training", cell)
        #expect(trace.steps[try Self.step(of: "am", in: trace)].top.first?.label == "sure")
    }

    // Lesson 8: after "young" the LSTM's first guess is "man", after "have" it is
    // "been", after "a" it is `<unk>`.
    @Test func lesson8Applications() throws {
        let (trace, _) = try Self.trace("08-applications", .lstm)
        #expect(trace.steps[try Self.step(of: "young", in: trace)].top.first?.label == "man")
        #expect(trace.steps[try Self.step(of: "have", in: trace)].top.first?.label == "been")
        #expect(trace.steps[try Self.step(of: "a", in: trace)].top.first?.label == "<unk>")
    }

    // Lesson 9: the GRU carries the same 128 numbers at every word.
    @Test func lesson9BeyondRNNs() throws {
        let (trace, _) = try Self.trace("09-beyond-rnns", .gru)
        #expect(trace.steps.allSatisfy { $0.hidden.count == 128 })
    }
}
