import Foundation
import ModelFile
import Testing
import Trace

/// `generate`, `units` and `trace --jacobian`, run as a person would from a shell.
@Suite struct InstrumentCommandTests {
    static let models = BinaryRunner.packageRoot.appendingPathComponent("models")
    static let lstm = models.appendingPathComponent("lstm.safetensors").path
    static let gru = models.appendingPathComponent("gru.safetensors").path
    static let classifier = BinaryRunner.packageRoot
        .appendingPathComponent("Tests/TraceTests/Fixtures/lstm_classify_2layer.safetensors").path

    @Test func generateWritesTheSameWordsEveryRun() async throws {
        let arguments = ["generate", "--model", Self.lstm, "--prefix", "She was", "--temperature", "0.8", "--top-k", "40", "--seed", "7"]
        let first = try await BinaryRunner.run(arguments)
        let second = try await BinaryRunner.run(arguments)
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput == second.standardOutput)
        let words = first.standardOutput.split(separator: " ").map { $0.trimmingCharacters(in: .newlines) }
        #expect(words.prefix(2) == ["she", "was"])
        #expect(words.count > 2 && words.count <= 22 && !words.contains("<unk>"))
        // The library's generator with the same settings writes the same words.
        var writer = try TextGenerator(model: try Model.load(path: Self.lstm), prefix: "She was",
                                       settings: GenerationSettings(words: 20, temperature: 0.8, topK: 40, seed: 7))
        #expect(Array(words.dropFirst(2)) == writer.run())
    }

    @Test func unitsRanksAndSearchesAsJSON() async throws {
        let outcome = try await BinaryRunner.run(["units", "--model", Self.gru, "--text", "he said \" i am sure \" and left .",
                                                  "--span", "3:6", "--json", "--contexts", "3"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        let units = try #require(object["units"] as? [[String: Any]])
        #expect(units.count == 10)
        let search = try #require(object["search"] as? [String: Any])
        #expect(search["unit"] as? Int == units[0]["unit"] as? Int)
        let contexts = try #require(search["contexts"] as? [[String: Any]])
        #expect(contexts.count == 3)
        // Text output, searching a small file of one's own.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-tutor-units-\(getpid()).txt")
        try "she said \" no \" twice .\nthe cat sat .\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let text = try await BinaryRunner.run(["units", "--model", Self.gru, "--text", "he said \" i am sure \" and left .",
                                               "--span", "3:6", "--search", file.path])
        #expect(text.status == 0 && text.standardOutput.contains("span 3:6") && text.standardOutput.contains("(2 lines)"))
    }

    /// Five words: the JSON stays under a pipe's 64 KB, so a child never waits on a full pipe while a
    /// busy test run starves the reader (seven words, 68 KB, timed out at 300 s under the full suite).
    @Test func traceJacobianAddsOneField() async throws {
        let plain = try await BinaryRunner.run(["trace", "--model", Self.lstm, "--text", "the cat sat on ."])
        let added = try await BinaryRunner.run(["trace", "--model", Self.lstm, "--text", "the cat sat on .", "--jacobian"])
        #expect(plain.status == 0 && added.status == 0, "\(plain.status) \(plain.standardError.prefix(500)) \(added.standardError.prefix(300))")
        let a = try #require(try JSONSerialization.jsonObject(with: Data(plain.standardOutput.utf8)) as? [String: Any])
        let b = try #require(try JSONSerialization.jsonObject(with: Data(added.standardOutput.utf8)) as? [String: Any])
        #expect(a["jacobian"] == nil)
        #expect(Set(b.keys).subtracting(a.keys) == ["jacobian"])
        let layers = try #require((b["jacobian"] as? [String: Any])?["layers"] as? [[String: Any]])
        #expect((layers[0]["sigma_max"] as? [Double])?.count == 5)
        let csv = try await BinaryRunner.run(["trace", "--model", Self.lstm, "--ids", "4,5,6", "--jacobian", "--format", "csv"])
        #expect(csv.standardOutput.split(separator: "\n")[0].hasSuffix("sigma_max_l0,forget_mean_l0,bound_l0,ratio_l0"))
    }

    /// Every bad value: status 2, one line on standard error, nothing on standard output.
    @Test(arguments: [
        ["generate", "--model", lstm, "--prefix", ""],
        ["generate", "--model", lstm, "--prefix", "   "],
        ["generate", "--model", lstm, "--prefix", "the", "--words", "0"],
        ["generate", "--model", lstm, "--prefix", "the", "--words", "201"],
        ["generate", "--model", lstm, "--prefix", "the", "--temperature=-1"],
        ["generate", "--model", lstm, "--prefix", "the", "--temperature", "nan"],
        ["generate", "--model", lstm, "--prefix", "the", "--top-k=-3"],
        ["generate", "--model", lstm, "--prefix", "the", "--seed", "x"],
        ["generate", "--model", classifier, "--prefix", "the"],
        ["generate", "--model", "/no/such.safetensors", "--prefix", "the"],
        ["units", "--model", lstm, "--text", "the cat sat .", "--span", "0:4"],
        ["units", "--model", lstm, "--text", "the cat sat .", "--span", "3:9"],
        ["units", "--model", lstm, "--text", "the cat sat .", "--span", "2:1"],
        ["units", "--model", lstm, "--text", "the cat sat .", "--span", "2"],
        ["units", "--model", lstm, "--text", "the cat sat .", "--span", "1:2", "--unit", "128"],
        ["units", "--model", lstm, "--text", "the cat sat .", "--span", "1:2", "--layer", "1"],
        ["units", "--model", lstm, "--text", "the cat sat .", "--span", "1:2", "--search", "/no/such/file.txt"],
        ["units", "--model", lstm, "--text", "", "--span", "0:1"],
    ])
    func badValuesExitWithStatusTwo(_ arguments: [String]) async throws {
        let outcome = try await BinaryRunner.run(arguments)
        #expect(outcome.status == 2, "\(arguments): status \(outcome.status), \(outcome.standardError)")
        #expect(outcome.standardError.split(separator: "\n").count == 1, "\(arguments): \(outcome.standardError)")
        #expect(outcome.standardOutput.isEmpty)
    }
}
