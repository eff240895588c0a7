import Foundation
import Testing

/// The course FAQ as a learner meets it: in the full-screen tutor, and printed by `rnn-tutor faq --plain`.
@Suite(.serialized) struct FAQTests {
    @Test(.enabled(if: TmuxSession.available, "tmux is not installed; .ci/run installs it"))
    func aLearnerOpensTheFAQFiltersItAndFollowsALink() async throws {
        try await TmuxSession.tutor(width: 100, height: 30) { session in
            try await session.waitFor("Choose a lesson")
            await session.send("f")
            try await session.waitFor("Type to filter")
            #expect(await session.screen().contains("What is a recurrent neural network?"))
            await session.type("clipping")
            try await session.waitFor("▶ Does gradient clipping fix vanishing gradients?")
            #expect(!(await session.screen().contains("What is a recurrent neural network?")))
            await session.send("Enter")
            try await session.waitFor("Go deeper")
            await session.send("g")
            try await session.waitFor("link to \"Vanishing and exploding gradients\"")
            await session.send("Enter")
            try await session.waitFor("Esc goes back to the question")
            try await session.waitFor("4. Vanishing and exploding gradients")
            await session.send("Escape")
            try await session.waitFor("Go deeper")
            await session.send("Escape")
            try await session.waitFor("Type to filter: clipping")
            await session.send("Escape", "Escape")
            try await session.waitFor("Choose a lesson")
            await session.send("q")
            let exit = try await session.waitForExit()
            #expect(exit.status == 0 && exit.saneTerminal)
        }
    }

    @Test func faqPlainPrintsTheMatchingQuestionsWithTheirLessons() async throws {
        let root = BinaryRunner.packageRoot.path
        let found = try await BinaryRunner.run(["faq", "race", "T", "50", "--plain"], workingDirectory: root)
        #expect(found.status == 0, "\(found.standardError)")
        let lines = found.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("1 of ") == true && lines.first?.hasSuffix("questions match \"race T 50\".") == true, "\(lines)")
        #expect(lines.contains("Q: In the adding race, which cells learn at T = 50?"))
        #expect(lines.contains { $0.hasPrefix("A: The LSTM and the GRU.") })
        #expect(lines.contains { $0.hasPrefix("   Go deeper: lesson 7, \"Training RNNs well\"") })

        let all = try await BinaryRunner.run(["faq", "--plain"], workingDirectory: root)
        #expect(all.status == 0)
        #expect(all.standardOutput.components(separatedBy: "\nQ: ").count - 1 >= 12)

        let none = try await BinaryRunner.run(["faq", "zebra", "--plain"], workingDirectory: root)
        #expect(none.status == 1 && none.standardOutput.hasPrefix("No question matches \"zebra\""))

        let screen = try await BinaryRunner.run(["faq"], workingDirectory: root)
        #expect(screen.status == 2 && screen.standardError.contains("add --plain"))
    }
}
