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
