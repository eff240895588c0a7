import ArgumentParser
import Course
import Foundation
import Lab
import ModelFile
import Practice
import ProgressStore

/// `rnn-tutor task LESSON --plain`: a lesson's lab tasks, predicted then measured on the real models.
struct TaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task",
        abstract: "Do a lesson's lab tasks line by line (--plain): predict, then see the real network's numbers.",
        discussion: """
            Each task says what the panels are set to and what the tutor will do; type your prediction and press \
            Enter. A power of ten: its exponent, -3 for 0.001. Yes or no: y or n. A choice: the option's number. \
            The task is then run on the models and the measured numbers decide. q stops; every answer given so far \
            is saved with what was measured and the model files' hashes. A task whose model is not loaded is skipped.
            """)

    @Argument(help: "A lesson id or number.") var lesson: String
    @Flag(help: "Line by line on standard input and output (for screen readers and scripts).") var plain = false
    @Option(help: "A model file to run the tasks on instead of the shipped ones (repeat for several).") var model: [String] = []
    @Option(help: "Only the tasks of this depth and below (basic, standard, deep).") var depth: String?
    @OptionGroup var data: DataDirectoryOption
    @OptionGroup var pack: LessonsOption

    func run() throws {
        guard plain else {
            throw CommandFailure("lab tasks run line by line for now: add --plain")
        }
        let upTo = try depth.map { name -> LessonDepth in
            guard let found = LessonDepth(rawValue: name) else { throw CommandFailure("--depth is basic, standard or deep, not \(name)") }
            return found
        }
        let course = try pack.load()
        guard let chosen = course.lesson(named: lesson) else {
            throw CommandFailure("no lesson \(lesson); give a number from 1 to \(course.lessons.count) or an id such as \(course.lessons.first?.id ?? "sequences")")
        }
        let tasks = course.tasks(for: chosen.id).filter { upTo == nil || $0.depth <= upTo! }
        guard !tasks.isEmpty else { throw CommandFailure("lesson \(chosen.id) has no lab tasks\(upTo.map { " at depth \($0.rawValue)" } ?? "")") }
        let models = try LabModelPaths.load(model.isEmpty ? LabModelPaths.shipped() : model)
        let store = data.openStore()
        Plain.say("Lab tasks: \(Plain.text(chosen.title)), \(tasks.count) task\(tasks.count == 1 ? "" : "s"). Predict, then the network is run and measured; q stops (answers given so far are kept).")
        var right = 0, answered = 0, skipped = 0
        for (i, task) in tasks.enumerated() {
            Plain.say("")
            Plain.say("Task \(i + 1) of \(tasks.count) (\(task.depth.rawValue)): \(task.id)")
            let run: TaskRun
            do {
                run = try TaskRun.run(task, models: models, preset: chosen.lab.sentence)
            } catch {
                skipped += 1
                Plain.say("Skipped: \(error.kind == .missingModel ? "this task " : "")\(error.message).")
                continue
            }
            Plain.say("Setup: \(TaskText.setup(task, sentence: run.sentence))")
            Plain.say("Then: \(TaskText.action(task))")
            Plain.say(Plain.text(task.prompt))
            switch askUntilRead(task) {
            case nil:
                Plain.say("")
                Plain.say("Input ended. \(right) of \(answered) right; your answers are saved.")
                return finish(store)
            case .stop?:
                Plain.say("Stopped. \(right) of \(answered) right; your answers are saved.")
                return finish(store)
            case .answer(let answer, let start)?:
                let verdict = run.mark(answer)
                answered += 1
                if verdict.correct { right += 1 }
                Plain.say("Measured: \(TaskText.measured(run))")
                Plain.say(verdict.summary)
                Plain.say(Plain.text(verdict.explanation))
                Plain.save(.taskAnswer(task: task.id, lesson: task.lessonID, answer: verdict.logText, correct: verdict.correct,
                                       durationMs: milliseconds(since: start), at: Date()), in: store)
            }
        }
        Plain.say("")
        Plain.say("Done: \(right) of \(answered) right\(skipped > 0 ? "; \(skipped) skipped" : "").")
        finish(store)
    }

    enum Reply { case answer(TaskAnswer, Date), stop }

    /// Shows the answer format and reads until an answer can be read; nil at the end of input.
    func askUntilRead(_ task: LabTask) -> Reply? {
        let start = Date()
        switch task.question {
        case .choose(_, let options):
            for (i, option) in options.enumerated() { Plain.say("  \(i + 1). \(Plain.text(option.label))") }
        default: break
        }
        while true {
            Plain.prompt(TaskText.format(task.question))
            guard let line = Plain.read() else { return nil }
            if Plain.isQuit(line) { return .stop }
            switch TaskAnswer.parse(line, for: task.question) {
            case .success(let answer): return .answer(answer, start)
            case .failure(let hint): Plain.say("Cannot read “\(line)”: \(hint.message).")
            }
        }
    }

    func finish(_ store: ProgressStore) {
        _ = try? store.backupIfDue(now: Date())
    }
}

/// The models tasks run on: the given files, or the shipped ones that exist.
enum LabModelPaths {
    static func shipped() -> [String] {
        ((try? ShippedFiles.shippedModelPaths) ?? []).filter { FileManager.default.fileExists(atPath: $0) }
    }

    /// Every model in `paths`; a file that cannot be read stops the command with its message.
    static func load(_ paths: [String]) throws -> LabModels {
        var loaded: [LabModel] = []
        for path in paths {
            do { loaded.append(try LabModel.load(path: path)) } catch { throw CommandFailure(error.message) }
        }
        return LabModels(loaded)
    }
}
