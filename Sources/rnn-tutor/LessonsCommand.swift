import ArgumentParser
import Course
import Foundation
import Lab
import ModelFile

/// `rnn-tutor lessons`: work on a lesson pack (lessons/FORMAT.md).
struct LessonsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lessons",
        abstract: "Work on a lesson pack.",
        subcommands: [LessonsCheckCommand.self])
}

/// `rnn-tutor lessons check [DIR]`: every problem of a pack as `file:line: message`.
struct LessonsCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a lesson pack and report each problem as file:line: message.",
        discussion: """
            Ends with one summary line. Exits 0 when the pack has no problems (warnings are allowed), \
            1 when it has some, 2 when the folder cannot be read. Without DIR it checks the shipped \
            lessons. Lab sentences are checked against the shipped lstm model's vocabulary when it is found. \
            Every lab task is run on the models (--model, else the shipped rnn, lstm and gru): a task that \
            cannot run is a problem, a near tie a warning.
            """)

    @Argument(help: "The lesson pack folder (default: the shipped lessons).") var directory: String?
    @Option(help: "A model file to run the lab tasks on instead of the shipped ones (repeat for several).") var model: [String] = []

    func run() throws {
        var report: CourseCheckReport
        let folder = try directory ?? ShippedFiles.lessonsFolder()
        do {
            report = try CoursePack.check(directory: folder, vocabulary: Self.shippedVocabulary())
        } catch {
            throw CommandFailure(error.message)
        }
        let models = try LabModelPaths.load(model.isEmpty ? shippedModels(beside: folder) : model.map(ShippedFiles.modelPath))
        let tasks = TaskRun.check(report.pack, models: models)
        report.problems = (report.problems + tasks.problems).enumerated().sorted { a, b in
            (a.element.file, a.element.line ?? 0, a.offset) < (b.element.file, b.element.line ?? 0, b.offset)
        }.map(\.element)
        let lines = report.problems.map(\.description) + [tasks.summary, report.summary]
        FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        // main turns every thrown error into status 2, so problems leave here.
        if !report.errors.isEmpty { Foundation.exit(1) }
    }

    /// The models for the tasks: `rnn`, `lstm` and `gru.safetensors` in the `models` folder beside the
    /// lesson folder (a checkout or an install keeps them there).
    func shippedModels(beside folder: String) -> [String] {
        let beside = URL(fileURLWithPath: folder).standardizedFileURL.deletingLastPathComponent().appendingPathComponent("models")
        return ["rnn", "lstm", "gru"].map { beside.appendingPathComponent("\($0).safetensors").path }
            .filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// The words lab sentences should use, or nil (no check) without a readable model.
    static func shippedVocabulary() -> LabVocabulary? {
        // The model whose vocabulary the shipped models share.
        guard let shippedModelPath = try? ShippedFiles.modelPath("lstm"),
              FileManager.default.fileExists(atPath: shippedModelPath) else { return nil }
        do {
            let model = try Model.load(path: shippedModelPath)
            return LabVocabulary(words: model.vocabulary, lowercase: model.lowercase)
        } catch {
            FileHandle.standardError.write(Data("rnn-tutor: warning: lab sentences not checked against a vocabulary: \(error.message)\n".utf8))
            return nil
        }
    }
}
