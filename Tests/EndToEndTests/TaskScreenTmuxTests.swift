import Foundation
import Testing

/// A lab task in the real tutor, driven in tmux: open a lesson, `p`, commit a prediction, watch
/// the sweep run in the panels, read the verdict, leave; then the answer is in the review log.
/// On the UI tests' fixture pack and models (small, so the debug build keeps up).
@Suite(.enabled(if: TmuxSession.available, "tmux is not installed; .ci/run installs it"))
struct TaskScreenTmuxTests {
    @Test func aLearnerPredictsWatchesTheSweepAndTheAnswerIsLogged() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-tutor-task-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let fixtures = BinaryRunner.packageRoot.appendingPathComponent("Tests/TutorUITests/Fixtures").path
        let models = ["rnn", "lstm", "gru"].map { "--model \(fixtures)/models/\($0).safetensors" }.joined(separator: " ")
        let command = "\(BinaryRunner.executable) --lessons \(fixtures)/lessons \(models) --data-dir \(data)"
        try await TmuxSession.with(width: 140, height: 40, command: command, directory: "/") { session in
            try await session.openLesson(1, until: "Sentence (RNN, word 1 of 14)")
            await session.send("p")
            try await session.waitFor("Lab task 1 of 3")
            try await session.waitFor("[10^0]")
            #expect(await session.screen().contains("Sentence (RNN, word 13 of 14)"), "the setup puts the cursor on the loss step")
            await session.send("Down", "Down", "Down", "Down")
            try await session.waitFor("[10^-4]")
            await session.send("Enter")
            try await session.waitFor("Watch the panels: the backward sweep runs")
            try await session.waitFor("✓ Right.")
            let verdict = await session.screen()
            #expect(verdict.contains("Measured: 5.82e-05 (log10 -4.24)"))
            #expect(verdict.contains("The cursor marks it in the panels: word 2, “cat”."))
            #expect(verdict.contains("Sentence (RNN, word 2 of 14)") && verdict.contains("The share at \"cat\" is 5.82e-05"))
            await session.send("Escape")
            try await session.waitFor("your own sentence and settings are back")
            #expect(await session.screen().contains("1. A network reads a sentence · basic (d)"))
            await session.send("C-c")
            #expect(try await session.waitForExit().status == 0)
        }
        let log = try await BinaryRunner.run(["export", "--data-dir", data])
        #expect(log.status == 0)
        let rows = log.standardOutput.split(whereSeparator: \.isNewline).filter { $0.contains(",task,") }
        #expect(rows.count == 1, "\(log.standardOutput)")
        #expect(rows.first?.contains("task,reading-task-sweep,reading,,10^-4; key 10^-4; measured 5.82e-05; models rnn fnv1a64:") == true,
                "\(log.standardOutput)")
    }
}
