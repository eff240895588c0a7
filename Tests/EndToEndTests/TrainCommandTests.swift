import Foundation
import ModelFile
import Testing

/// `rnn-tutor train` and `eval` on a small made-up corpus, as a learner would run them.
@Suite(.serialized) struct TrainCommandTests {
    /// A toy language whose next word depends on earlier words ("a glass of water", "a cup of coffee").
    static func writeCorpus(in directory: URL) throws -> (train: String, valid: String) {
        var random = UInt64(12345)
        func next(_ n: Int) -> Int { random = random &* 6364136223846793005 &+ 1442695040888963407; return Int(random >> 33) % n }
        let subjects = ["the cat", "a dog", "my friend", "she", "he"]
        let endings = ["poured a glass of water", "drank a cup of coffee", "sat on the mat", "read a book"]
        func text(_ lines: Int) -> String {
            (0..<lines).map { _ in "\(subjects[next(subjects.count)]) \(endings[next(endings.count)]) ." }.joined(separator: "\n")
        }
        let train = directory.appendingPathComponent("train.txt"), valid = directory.appendingPathComponent("valid.txt")
        try text(600).write(to: train, atomically: true, encoding: .utf8)
        try text(60).write(to: valid, atomically: true, encoding: .utf8)
        return (train.path, valid.path)
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-tutor-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func trainsAModelThatLoadsEvaluatesAndResumes() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let corpus = try Self.writeCorpus(in: directory)
        let output = directory.appendingPathComponent("gru.safetensors").path
        let first = try await BinaryRunner.run(["train", "--cell", "gru", "--train", corpus.train, "--valid", corpus.valid,
                                                "--output", output, "--epochs", "4", "--hidden", "32", "--embedding", "16",
                                                "--learning-rate", "0.01", "--warmup", "5", "--f16"])
        #expect(first.status == 0, "\(first.standardError)")
        let model = try Model.load(path: output)
        #expect(model.cell == .gru && model.task == .lm && model.vocabulary.first == "<unk>" && model.lowercase)
        #expect(FileManager.default.fileExists(atPath: output + ".ckpt"))

        let evaluation = try await BinaryRunner.run(["eval", "--model", output, "--text-file", corpus.valid, "--baseline-from", corpus.train])
        #expect(evaluation.status == 0, "\(evaluation.standardError)")
        let ratio = evaluation.standardOutput.split(separator: "\n").first { $0.hasPrefix("ratio") }
            .flatMap { Double($0.split(separator: " ")[1]) }
        #expect(ratio != nil && ratio! < 0.7, "\(evaluation.standardOutput)")

        // Resuming continues the same run: more epochs, the step count goes on.
        let saved = try TrainingCheckpoint.load(path: output + ".ckpt")
        let resumed = try await BinaryRunner.run(["train", "--resume", "--train", corpus.train, "--valid", corpus.valid,
                                                  "--output", output])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardOutput.contains("resuming"))
        let after = try TrainingCheckpoint.load(path: output + ".ckpt")
        #expect(after.state.optimizer.step >= saved.state.optimizer.step)
        #expect(after.state.bestValidationPerplexity <= saved.state.bestValidationPerplexity)
    }

    /// Ctrl-C in the middle of training: a clean exit, the checkpoint and the best model saved.
    @Test func ctrlCStopsCleanlyAndKeepsTheBestModel() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let corpus = try Self.writeCorpus(in: directory)
        let output = directory.appendingPathComponent("lstm.safetensors").path
        // Interrupt the trainer (not its `timeout` wrapper) once the first
        // checkpoint exists; `timeout` kills it if it has not stopped by 120 s.
        let interrupter = Task {
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: output + ".ckpt") && Date() < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(300))
            let trainer = "^" + NSRegularExpression.escapedPattern(for: BinaryRunner.executable) + " train .*"
                + NSRegularExpression.escapedPattern(for: output)
            _ = try await ChildProcess.run("/usr/bin/pkill", ["-INT", "-f", trainer], seconds: 10)
        }
        let outcome = try await BinaryRunner.run(
            ["train", "--cell", "lstm", "--train", corpus.train, "--valid", corpus.valid, "--output", output,
             "--epochs", "1000", "--patience", "1000", "--hidden", "64"], seconds: 120)
        try await interrupter.value
        #expect(!outcome.timedOut, "training did not stop after Ctrl-C")
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(try Model.load(path: output).cell == .lstm)
        let checkpoint = try TrainingCheckpoint.load(path: output + ".ckpt")
        #expect(!checkpoint.state.finished && checkpoint.state.optimizer.step > 0)
    }

    @Test(arguments: [
        ["train", "--train", "/no/such.txt", "--valid", "/no/such.txt", "--output", "/tmp/x.safetensors", "--cell", "rnn"],
        ["train", "--train", "a", "--valid", "b", "--output", "c"],
        ["train", "--cell", "tree", "--train", "a", "--valid", "b", "--output", "c"],
        ["eval", "--model", "/no/such.safetensors", "--text-file", "/no/such.txt"],
    ])
    func badArgumentsExitWithStatusTwo(_ arguments: [String]) async throws {
        let outcome = try await BinaryRunner.run(arguments)
        #expect(outcome.status == 2, "\(arguments): \(outcome.standardError)")
        #expect(outcome.standardError.split(separator: "\n").count == 1)
    }
}
