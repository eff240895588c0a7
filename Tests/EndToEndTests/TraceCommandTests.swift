import Foundation
import ModelFile
import Testing
import Trace

/// `rnn-tutor trace` run as a separate process, as a script would run it.
@Suite struct TraceCommandTests {
    static let fixtures = BinaryRunner.packageRoot.appendingPathComponent("Tests/TraceTests/Fixtures")
    static let lstm = fixtures.appendingPathComponent("lstm_lm_1layer.safetensors").path
    static let gru = fixtures.appendingPathComponent("gru_lowercase_text.safetensors").path

    /// The binary prints exactly what the library computes, in both formats.
    @Test(arguments: ["json", "csv"])
    func outputIsTheLibrarysOwnTrace(format: String) async throws {
        let ids = [3, 1, 4, 1, 5]
        let outcome = try await BinaryRunner.run(["trace", "--model", Self.lstm, "--ids", "3,1,4,1,5", "--loss-step", "2",
                                                  "--whh-scale", "0.75", "--format", format])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let model = try Model.load(path: Self.lstm)
        let trace = try SentenceTrace.compute(model: model, input: .ids(ids), lossStep: 2, whhScale: 0.75)
        #expect(outcome.standardOutput == (format == "json" ? trace.json() : trace.csv()))
        if format == "json" {
            let object = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any]
            #expect((object?["loss"] as? [String: Any])?["step"] as? Int == 2)
        }
    }

    @Test func textIsTokenizedAsTheSpecSays() async throws {
        let outcome = try await BinaryRunner.run(["trace", "--model", Self.gru, "--text", "The Cat, (sat)"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any]
        #expect(object?["tokens"] as? [String] == ["the", "cat", ",", "(", "sat", ")"])
    }

    /// Every bad argument or file: exit status 2, one line on standard error, nothing on standard output.
    @Test(arguments: [
        ["trace"],
        ["trace", "--model", lstm],
        ["trace", "--model", lstm, "--text", "a", "--ids", "1"],
        ["trace", "--model", lstm, "--ids", "3,x"],
        ["trace", "--model", lstm, "--ids", ""],
        ["trace", "--model", lstm, "--text", "   "],
        ["trace", "--model", lstm, "--ids", "1,2", "--loss-step", "2"],
        ["trace", "--model", lstm, "--ids", "1,2", "--loss-step=-1"],
        ["trace", "--model", lstm, "--ids", "1,2", "--loss-step", "one"],
        ["trace", "--model", lstm, "--ids", "1,99999"],
        ["trace", "--model", lstm, "--ids", "1", "--whh-scale=-1"],
        ["trace", "--model", lstm, "--ids", "1", "--whh-scale", "nan"],
        ["trace", "--model", lstm, "--ids", "1", "--whh-scale", "inf"],
        ["trace", "--model", lstm, "--ids", "1", "--target", "no-such-label"],
        ["trace", "--model", lstm, "--ids", "1", "--format", "xml"],
        ["trace", "--model", lstm, "--ids", "1", "--frobnicate"],
        ["trace", "--model", "/no/such/model.safetensors", "--ids", "1"],
        ["trace", "--model", fixtures.appendingPathComponent("README.md").path, "--ids", "1"],
        ["no-such-command"],
    ])
    func badArgumentsExitWithStatusTwoAndOneLine(_ arguments: [String]) async throws {
        let outcome = try await BinaryRunner.run(arguments)
        #expect(outcome.status == 2, "\(arguments): status \(outcome.status), \(outcome.standardError)")
        let lines = outcome.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(arguments): \(outcome.standardError)")
        #expect(outcome.standardOutput.isEmpty)
    }

    /// The command line names the option that was wrong; the same error in the tutor does not
    /// (it has no options), so the option is added here, not in the error's own words.
    @Test func aBadOptionIsNamedInTheMessage() async throws {
        let outcome = try await BinaryRunner.run(["trace", "--model", Self.lstm, "--ids", "1,2", "--loss-step", "2"])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("--loss-step: the loss step 2 is outside 0…1"), "\(outcome.standardError)")
    }

    @Test func aBadModelFileIsNamedInTheMessage() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-tutor-e2e-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("truncated.safetensors").path
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.lstm))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        let outcome = try await BinaryRunner.run(["trace", "--model", path, "--ids", "1"])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains(path))
    }

    @Test func helpExitsCleanly() async throws {
        let outcome = try await BinaryRunner.run(["trace", "--help"])
        #expect(outcome.status == 0)
        #expect(outcome.standardOutput.contains("--whh-scale"))
    }
}
