import ArgumentParser
import Course
import Foundation
import ModelFile
import Terminal
import TutorUI

/// `rnn-tutor` with no subcommand: the full-screen tutor.
struct TutorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tutor",
        abstract: "The full-screen tutor: lessons beside live panels of a real network (the default).")

    @Option(help: "A lesson pack folder (default: the shipped lessons).") var lessons: String?
    @Option(help: "A model file to open instead of the shipped ones (repeat for several).") var model: [String] = []
    @Flag(help: "Plain ASCII instead of Unicode symbols and blocks.") var ascii = false
    @Flag(name: .customLong("no-color"), help: "No colours (also when NO_COLOR is set).") var noColor = false

    func run() throws {
        guard isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0 else {
            throw CommandFailure("the tutor needs a terminal; for scripts use `rnn-tutor trace`, `train`, `eval` or `experiment` (see --help)")
        }
        let root = Self.shippedFolder()
        let paths = model.isEmpty ? ["rnn", "lstm", "gru"].map { root.appendingPathComponent("models/\($0).safetensors").path } : model
        var models: [Model] = []
        for path in paths {
            do { models.append(try Model.load(path: path)) } catch { throw CommandFailure(error.message) }
        }
        let lessonFolder = lessons ?? root.appendingPathComponent("lessons").path
        let vocabulary = models.first.map { LabVocabulary(words: $0.vocabulary, lowercase: $0.lowercase) }
        let course: CoursePack
        do { course = try CoursePack.load(directory: lessonFolder, vocabulary: vocabulary) } catch {
            throw CommandFailure("\(lessonFolder): the lessons have problems; run `rnn-tutor lessons check \(lessonFolder)`")
        }
        let colors = !noColor && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        let screen = TerminalScreen(colors: colors)
        defer { screen.stop() }
        var state = TutorState(course: course, models: models, width: screen.size.width, height: screen.size.height,
                               ascii: ascii, color: screen.colors)
        var dirty = true
        while !state.quit {
            if dirty { screen.draw(view(state)) }
            let message = screen.nextMessage()
            let sweeping = state.sweepFrom != nil
            update(&state, message)
            dirty = message != .tick || sweeping
        }
    }

    /// The folder with `lessons/` and `models/`: the current directory when it
    /// has them, else the package the binary was built in.
    static func shippedFolder() -> URL {
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if FileManager.default.fileExists(atPath: here.appendingPathComponent("lessons").path) { return here }
        var candidate = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("lessons").path) { return candidate }
            candidate.deleteLastPathComponent()
        }
        return here
    }
}
