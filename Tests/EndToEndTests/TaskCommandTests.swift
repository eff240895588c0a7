import Foundation
import ProgressStore
import Testing

/// `task --plain` and `lessons check` running the lab tasks, as a learner's script and an author run them.
@Suite struct TaskCommandTests {
    static let root = BinaryRunner.packageRoot.path

    @Test func aPlainTaskRunIsMarkedAndEndsInTheReviewLog() async throws {
        let folder = try PracticeCommandTests.DataFolder()
        // Lesson 4: the GRU keeps most at "man" (option 3); an unreadable line; a power of ten; then q.
        let outcome = try await BinaryRunner.run(["task", "4", "--plain", "--data-dir", folder.data],
                                                 workingDirectory: Self.root, input: "3\nmaybe\n-4\nq\n", seconds: 300)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let out = outcome.standardOutput
        #expect(out.contains("Task 1 of 6 (basic): ve-task-which-cell"))
        #expect(out.contains("Then: the backward sweep runs from the loss step"))
        #expect(out.contains("Right: GRU (measured RNN 0.00"), "\(out)")
        #expect(out.contains("Cannot read “maybe”: type a power of ten as its exponent"))
        #expect(out.contains("Measured: 0.000125 (log10 -3.90); before 0.0103, after 1.28e-06"), "\(out)")
        #expect(out.contains("Stopped. 2 of 2 right; your answers are saved."), "\(out)")

        let store = folder.store()
        let tasks = try store.reviewLog().filter { $0.kind == "task" }
        #expect(tasks.map(\.item) == ["ve-task-which-cell", "ve-task-quarter-whh"])
        #expect(tasks.allSatisfy { $0.correct && $0.lesson == "vanishing-exploding" })
        let answer = try #require(tasks.first?.answer)
        #expect(answer.hasPrefix("option 3; key option 3; measured RNN 0.00"), "\(answer)")
        #expect(answer.contains("models gru fnv1a64:") && answer.contains("lstm fnv1a64:") && answer.contains("rnn fnv1a64:"))
        try store.close()

        let stats = try await BinaryRunner.run(["stats", "--data-dir", folder.data], workingDirectory: Self.root)
        #expect(stats.standardOutput.contains("2 task answers"), "\(stats.standardOutput)")
        #expect(stats.standardOutput.split(separator: "\n").contains { $0.contains("vanishing-exploding") && $0.hasSuffix("2/6") })
    }

    @Test func lessonsCheckRunsEveryTaskAndNamesTheOnesThatCannotRun() async throws {
        let lessons = BinaryRunner.packageRoot.appendingPathComponent("lessons").path
        let full = try await BinaryRunner.run(["lessons", "check", lessons])
        #expect(full.standardOutput.contains(" tasks run on the models"), "\(full.standardOutput)")
        // With only the RNN, every task that needs another cell is an error at its line.
        let rnnOnly = try await BinaryRunner.run(["lessons", "check", lessons, "--model",
                                                  BinaryRunner.packageRoot.appendingPathComponent("models/rnn.safetensors").path])
        #expect(rnnOnly.status == 1)
        #expect(rnnOnly.standardOutput.contains("\(lessons)/05-lstm.tasks.yaml:3: task lstm-task-forget-but needs an LSTM model, and none is loaded"),
                "\(rnnOnly.standardOutput)")
        // A pack with no models beside it: the tasks are counted, not run.
        let folder = try PracticeCommandTests.DataFolder()
        let pack = folder.url.appendingPathComponent("lessons")
        try FileManager.default.copyItem(atPath: lessons, toPath: pack.path)
        let none = try await BinaryRunner.run(["lessons", "check", pack.path])
        #expect(none.status == 0)
        #expect(none.standardOutput.contains("tasks not run: no models found (give --model FILE)"), "\(none.standardOutput)")
    }
}
