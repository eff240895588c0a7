import Foundation
import Testing

@Suite struct ExperimentCommandTests {
    @Test func theAddingRacePrintsATableAndJSON() async throws {
        let table = try await BinaryRunner.run(["experiment", "adding", "--length", "6", "--steps", "60", "--hidden", "8"])
        #expect(table.status == 0, "\(table.standardError)")
        let lines = table.standardOutput.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("cell") && $0.contains("held-out MSE") })
        for cell in ["rnn", "lstm", "gru"] { #expect(lines.contains { $0.hasPrefix(cell) }) }

        let json = try await BinaryRunner.run(["experiment", "adding", "--length", "6", "--steps", "60", "--hidden", "8",
                                               "--cells", "lstm,gru", "--json"])
        #expect(json.status == 0, "\(json.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        let results = object?["results"] as? [[String: Any]]
        #expect(results?.map { $0["cell"] as? String } == ["lstm", "gru"])
        #expect((results?.first?["lossCurve"] as? [Any])?.isEmpty == false)
        #expect(object?["length"] as? Int == 6)
    }

    @Test(arguments: [["experiment", "adding", "--cells", "rnn,tree"], ["experiment", "adding", "--length", "1"],
                      ["experiment", "adding", "--whh-scale", "nan"]])
    func badArgumentsExitWithStatusTwo(_ arguments: [String]) async throws {
        let outcome = try await BinaryRunner.run(arguments)
        #expect(outcome.status == 2, "\(outcome.standardError)")
    }
}
