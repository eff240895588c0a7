import ArgumentParser
import Course
import Lab
import Foundation
import ModelFile
import Practice
import ProgressStore
import Terminal
import Trace
import Synchronization
import TutorUI

/// `rnn-tutor` with no subcommand: the full-screen tutor.
struct TutorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tutor",
        abstract: "The full-screen tutor: lessons beside live panels of a real network (the default).")

    @Option(help: "A lesson pack folder (default: the shipped lessons).") var lessons: String?
    @Option(help: "A model file, or a shipped model's name (rnn, lstm, gru), to open instead of the shipped ones (repeat for several).")
    var model: [String] = []
    @Flag(help: "Plain ASCII instead of Unicode symbols and blocks.") var ascii = false
    @Flag(name: .customLong("no-color"), help: "No colours (also when NO_COLOR is set).") var noColor = false
    @OptionGroup var data: DataDirectoryOption

    @OptionGroup var threadCount: ThreadsOption

    func run() throws {
        threadCount.apply()
        guard isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0 else {
            throw CommandFailure("the tutor needs a terminal; without one, practise with `rnn-tutor quiz --plain`, `review --plain` and `stats`, or use `trace`, `train`, `eval` and `experiment` (see --help)")
        }
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        guard !term.isEmpty, term != "dumb" else {
            throw CommandFailure("this terminal (TERM=\(term.isEmpty ? "unset" : term)) cannot draw a full screen; set TERM "
                                 + "(xterm-256color, say), or practise line by line with `rnn-tutor quiz --plain` and `review --plain`")
        }
        let paths = model.isEmpty ? try ShippedFiles.shippedModelPaths : try model.map(ShippedFiles.modelPath)
        let (course, models, hashes) = try Self.load(lessons: try lessons ?? ShippedFiles.lessonsFolder(), models: paths)
        // The store never fails to open: a damaged file is replaced from a backup, an
        // unwritable folder means progress is kept for this run only; the notice says which.
        let (store, opened) = ProgressStore.open(directory: data.directory)
        var notice = opened
        let progress: ProgressSnapshot
        do {
            progress = try store.snapshot(course: course, now: Date())
        } catch {
            progress = ProgressSnapshot()
            notice = [notice, "your saved progress could not be read (\(error)); answers are still saved"]
                .compactMap { $0 }.joined(separator: "; ")
        }
        let colors = !noColor && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        let screen = TerminalScreen(colors: colors)
        defer { screen.stop() }
        let names = paths.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
        var state = TutorState(course: course, models: models, modelNames: names, modelHashes: hashes, width: screen.size.width, height: screen.size.height,
                               ascii: ascii, color: screen.colors, progress: progress)
        state.notice = notice
        // Looked up when a search asks for it: a missing held-out text fails that search, not the start.
        let unitSearch = UnitSearchWorker {
            let heldOut = try ShippedFiles.heldOutText()
            guard let data = FileManager.default.contents(atPath: heldOut) else { throw UnitSearchError.unreadable(heldOut) }
            return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        let runtime = TutorRuntime(state, book: store, worker: ExperimentWorker(), unitSearch: unitSearch,
                                   modelLoader: { name in try Model.load(path: try ShippedFiles.modelPath(name)) })
        var dirty = true
        var message = Message.started
        while true {
            // Animations, a training run and a finished review (its cards come back on a beat)
            // redraw on every beat; otherwise only after a change.
            let animating = runtime.state.isAnimating
            runtime.handle(message)
            dirty = dirty || message != .tick || animating
            if runtime.state.quit { break }
            if dirty { screen.draw(view(runtime.state)); dirty = false }
            message = Message(screen.nextInput())
        }
        runtime.stop()
        let backupProblem: String?
        do {
            try store.backupIfDue(now: Date())   // at most once a day, and only after a change
            backupProblem = nil
        } catch {
            backupProblem = "the daily backup of your progress could not be made: \(error)"
        }
        screen.stop()
        if let backupProblem { FileHandle.standardError.write(Data("rnn-tutor: \(backupProblem)\n".utf8)) }
        if !runtime.unsaved.isEmpty {
            FileHandle.standardError.write(Data("rnn-tutor: \(runtime.unsaved.count) answer(s) could not be saved: \(runtime.saveProblem ?? "")\n".utf8))
        }
        if let signal = screen.endingSignal { Foundation.exit(128 + signal) }
    }

    /// Reads the lessons and every model at the same time (start-up is the
    /// learner's first wait); the first problem found is the one reported.
    /// Each model comes with its file's hash, which lab task answers log.
    static func load(lessons folder: String, models paths: [String]) throws -> (CoursePack, [Model], hashes: [FileHash]) {
        let models = Mutex<[Int: LabModel]>([:]), course = Mutex<CoursePack?>(nil), failures = Mutex<[Int: String]>([:])
        DispatchQueue.concurrentPerform(iterations: paths.count + 1) { i in
            if i == paths.count {
                do {
                    let pack = try CoursePack.load(directory: folder)
                    course.withLock { $0 = pack }
                } catch let error as CoursePackError {
                    let message = if case .unreadableFolder = error { error.message }
                        else { "\(folder): the lessons have problems; run `rnn-tutor lessons check \(folder)`" }
                    failures.withLock { $0[i] = message }
                } catch {
                    failures.withLock { $0[i] = "\(folder): \(error)" }
                }
            } else {
                do {
                    let model = try LabModel.load(path: paths[i])
                    models.withLock { $0[i] = model }
                } catch {
                    failures.withLock { $0[i] = "\(error)" }
                }
            }
        }
        if let first = failures.withLock({ $0.sorted { $0.key < $1.key }.first }) { throw CommandFailure(first.value) }
        let loaded = models.withLock { found in (0..<paths.count).map { found[$0]! } }
        return (course.withLock { $0! }, loaded.map(\.model), loaded.map(\.fileHash))
    }
}
