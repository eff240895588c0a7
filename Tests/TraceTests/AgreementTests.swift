import Foundation
import ModelFile
import Testing
import Trace

/// The agreement sentences: their format, and the shipped models' figures the README and lesson 4 quote.
@Suite struct AgreementTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func linesAreWordsRightAndWrongVerb() throws {
        let items = try AgreementItem.parse("# a comment\n\nthe letters from her sister | were | was\n")
        #expect(items == [AgreementItem(prefix: "the letters from her sister", right: "were", wrong: "was", line: 3)])
        #expect(throws: AgreementError.badLine(2, "expected `words before the verb | right verb | wrong verb`")) {
            try AgreementItem.parse("a | b | c\nthe cat | sat\n")
        }
        #expect(throws: AgreementError.self) { try AgreementItem.parse("the cat |  | sat") }
    }

    @Test func theShippedModelsScoreWhatTheREADMESays() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("data/agreement/sentences.txt"), encoding: .utf8)
        let items = try AgreementItem.parse(text)
        #expect(items.count >= 40)
        // Every item sets a singular against a plural (was/were or is/are), both ways round.
        #expect(items.allSatisfy { Set([$0.right, $0.wrong]) == ["was", "were"] || Set([$0.right, $0.wrong]) == ["is", "are"] })
        for (cell, right) in [("rnn", 18), ("lstm", 19), ("gru", 22)] {
            let model = try Model.load(path: Self.root.appendingPathComponent("models/\(cell).safetensors").path)
            let scored = try items.map { try $0.score(model) }
            #expect(scored.filter(\.correct).count == right, "\(cell)")
        }
        let model = try Model.load(path: Self.root.appendingPathComponent("models/rnn.safetensors").path)
        #expect(throws: AgreementError.unknownVerb(0, "zqxv")) { try AgreementItem(prefix: "the man", right: "zqxv", wrong: "was").score(model) }
    }
}
