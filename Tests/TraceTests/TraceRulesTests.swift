import Foundation
import ModelFile
import RNNCore
import Testing
@testable import Trace

/// The loss step and target rules, the exports' shape, and the refusals of section 3.
@Suite struct TraceRulesTests {
    static let vocabulary = ["<unk>", "the", "cat", "sat", "on", "mat", ".", "\"", "a,b"]

    static func model(_ cell: CellKind, task: ModelTask = .lm, lowercase: Bool = false) throws -> Model {
        let labels = task == .lm ? vocabulary : ["Positive", "negative", "neutral"]
        let arch = Architecture(cell: cell, inputSize: 4, hiddenSize: 6, layerCount: 2, outputSize: labels.count,
                                vocabularySize: vocabulary.count)
        return try Model(network: RecurrentNetwork(architecture: arch, seed: 7), task: task, vocabulary: vocabulary,
                         labels: task == .lm ? nil : labels, lowercase: lowercase)
    }

    @Test(arguments: CellKind.allCases)
    func aLanguageModelAimsAtTheNextWordThenAtItsOwnGuess(cell: CellKind) throws {
        let m = try Self.model(cell)
        let middle = try SentenceTrace.compute(model: m, input: .text("the cat sat"), lossStep: 1)
        #expect(middle.loss.step == 1 && middle.loss.target == "sat" && middle.loss.targetID == 3)
        #expect(middle.hiddenGradientNorms[2] == 0)
        #expect(middle.hiddenGradientNorms[0] > 0 && middle.hiddenGradientNorms[1] > 0)
        let last = try SentenceTrace.compute(model: m, input: .text("the cat sat"))
        #expect(last.loss.step == 2)
        #expect(last.loss.targetID == last.steps[2].top[0].id)
        // The loss is −log p(target), so it agrees with the top entry's probability.
        #expect(abs(exp(-Double(last.loss.value)) - Double(last.steps[2].top[0].probability)) < 1e-5)
    }

    @Test func anUnknownNextWordIsAimedAtTheUnknownEntry() throws {
        let t = try SentenceTrace.compute(model: try Self.model(.gru), input: .text("the zebra"), lossStep: 0)
        #expect(t.tokens == ["the", "zebra"] && t.ids == [1, 0])
        #expect(t.loss.target == "<unk>" && t.loss.targetID == 0)
    }

    @Test func aClassifierAimsAtItsOwnGuessOrAGivenLabel() throws {
        let m = try Self.model(.lstm, task: .classify, lowercase: true)
        let own = try SentenceTrace.compute(model: m, input: .text("The cat"))
        #expect(own.tokens == ["the", "cat"])
        #expect(own.loss.targetID == own.steps[1].top[0].id)
        #expect(own.steps[0].top.count == 3)
        // Matched exactly first; on a lowercasing model, lowercased when it does not match.
        #expect(try SentenceTrace.compute(model: m, input: .text("cat"), target: "Positive").loss.targetID == 0)
        #expect(try SentenceTrace.compute(model: m, input: .text("cat"), target: "NEGATIVE").loss.target == "negative")
        #expect(throws: TraceError.unknownTarget("positive!")) {
            try SentenceTrace.compute(model: m, input: .text("cat"), target: "positive!")
        }
    }

    /// Each gradient norm is its own step's sum of squares in Double, in unit order (eight
    /// steps' sums run side by side): bit for bit the plain loop, zero after the loss step,
    /// for step counts around the eight lanes.
    @Test(arguments: [(1, 0), (7, 6), (8, 3), (9, 8), (17, 11), (64, 63)])
    func gradientNormsAreEachStepsOwnSum(steps: Int, lossStep: Int) {
        var random = SeededRandom(seed: UInt64(steps))
        let width = 37
        let adjoints = (0..<(steps * width)).map { _ in random.uniform(-2, 2) * (random.uniform(0, 1) < 0.1 ? 1e-20 : 1) }
        let expected: [Float] = (0..<steps).map { t in
            guard t <= lossStep else { return 0 }
            var sum = 0.0
            for u in 0..<width { sum += Double(adjoints[t * width + u]) * Double(adjoints[t * width + u]) }
            return Float(sum.squareRoot())
        }
        let norms = SentenceTrace.gradientNorms(adjoints, steps: steps, width: width, lossStep: lossStep)
        #expect(norms.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test func badArgumentsAreRefused() throws {
        let m = try Self.model(.rnn)
        #expect(throws: TraceError.emptyInput) { try SentenceTrace.compute(model: m, input: .text("   ")) }
        #expect(throws: TraceError.emptyInput) { try SentenceTrace.compute(model: m, input: .ids([])) }
        #expect(throws: TraceError.lossStepOutOfRange(3, steps: 3)) { try SentenceTrace.compute(model: m, input: .ids([1, 2, 3]), lossStep: 3) }
        #expect(throws: TraceError.lossStepOutOfRange(-1, steps: 3)) { try SentenceTrace.compute(model: m, input: .ids([1, 2, 3]), lossStep: -1) }
        #expect(throws: TraceError.idOutOfRange(9, vocabulary: 9)) { try SentenceTrace.compute(model: m, input: .ids([1, 9])) }
        for scale in [-0.5, Float.nan, .infinity] {
            #expect(throws: TraceError.self) { try SentenceTrace.compute(model: m, input: .ids([1]), whhScale: scale) }
        }
        #expect(throws: Never.self) { try SentenceTrace.compute(model: m, input: .ids([1]), whhScale: 0) }
    }

    /// The tutor shows these messages too, so they name what was wrong in words, not as the
    /// command line's options; `option` gives the option for the command line to add.
    @Test func refusalsAreWordedForTheTutorAndNameTheirOption() {
        let cases: [(TraceError, String?)] = [
            (.emptyInput, nil), (.lossStepOutOfRange(3, steps: 3), "--loss-step"), (.badScale(-1), "--whh-scale"),
            (.unknownTarget("zebra"), "--target"), (.idOutOfRange(99, vocabulary: 9), nil), (.tokenizer("bad text"), nil),
        ]
        for (error, option) in cases {
            #expect(!error.description.contains("--"), "\(error.description)")
            #expect(error.option == option, "\(error)")
        }
        #expect(TraceError.lossStepOutOfRange(3, steps: 3).description == "the loss step 3 is outside 0…2 (steps are counted from 0)")
    }

    @Test(arguments: CellKind.allCases)
    func theJSONHasTheSpecsKeysForEachCell(cell: CellKind) throws {
        let t = try SentenceTrace.compute(model: try Self.model(cell), input: .text("the cat sat on the mat ."))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(t.json().utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["cell", "layers", "hidden_size", "tokens", "ids", "steps", "loss", "grad_norm"])
        #expect(object["cell"] as? String == cell.rawValue && object["layers"] as? Int == 2 && object["hidden_size"] as? Int == 6)
        let step = try #require((object["steps"] as? [[String: Any]])?.first)
        let expectedKeys: Set<String> = cell == .rnn ? ["h", "top"] : cell == .lstm ? ["h", "c", "gates", "top"] : ["h", "gates", "top"]
        #expect(Set(step.keys) == expectedKeys)
        if cell != .rnn { #expect(Set((step["gates"] as? [String: Any])?.keys ?? [:].keys) == Set(cell.gateNames)) }
        #expect((step["top"] as? [Any])?.count == 5)
        let norms = try #require(object["grad_norm"] as? [String: Any])
        #expect(Set(norms.keys) == (cell == .lstm ? ["h", "c"] : ["h"]))
        #expect((norms["h"] as? [Any])?.count == 7)
    }

    @Test(arguments: CellKind.allCases)
    func theCSVHasTheSpecsColumnsAndQuoting(cell: CellKind) throws {
        let m = try Self.model(cell)
        let t = try SentenceTrace.compute(model: m, input: .ids([7, 8, 1]))   // the tokens ", a,b and the
        let lines = t.csv().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5 && lines.last == "")
        let header = lines[0].split(separator: ",").map(String.init)
        var expected = ["t", "token", "loss_grad_h"] + (cell == .lstm ? ["loss_grad_c"] : []) + (0..<6).map { "h\($0)" }
        if cell == .lstm { expected += (0..<6).map { "c\($0)" } }
        for gate in cell == .rnn ? [] : cell.gateNames { expected += (0..<6).map { "\(gate)\($0)" } }
        expected += ["top_label", "top_p"]
        #expect(header == expected)
        #expect(lines[1].hasPrefix("0,\"\"\"\","))
        #expect(lines[2].hasPrefix("1,\"a,b\","))
    }

    @Test func nonFiniteValuesBecomeStringsThatKeepTheJSONValid() throws {
        var m = try Self.model(.rnn)
        var p = m.parameters
        // An overflowing head: two logits of +inf, one of −inf.
        p.headBias.values[1] = .infinity
        p.headBias.values[2] = .infinity
        p.headBias.values[3] = -.infinity
        m.parameters = p
        let t = try SentenceTrace.compute(model: m, input: .text("the cat"), whhScale: 50)
        #expect(!t.loss.value.isFinite)
        let json = t.json()
        #expect(json.contains("\"nan\"") || json.contains("\"inf\"") || json.contains("\"-inf\""))
        #expect(try JSONSerialization.jsonObject(with: Data(json.utf8)) is [String: Any])
        #expect(t.csv().contains("nan") || t.csv().contains("inf"))
    }
}
