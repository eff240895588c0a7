import ArgumentParser
import Course
import Foundation
import Practice
import ProgressStore

/// `rnn-tutor quiz [LESSON] --plain`: a lesson's quiz, or a mixed review, one line at a time.
struct QuizCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quiz",
        abstract: "Take a lesson's quiz, or a mixed review of every lesson, line by line (--plain).",
        discussion: """
            Each question is printed with numbered options; type the answer and press Enter. \
            One option: 2. Several options: 1,3 (or 1 3). True or false: t or f. A number: 0.25 (within the \
            question's tolerance counts). An order: the shown item numbers in the right order, 3 1 2. \
            q stops; every answer given so far is saved, as it is when input ends. An answer that cannot be \
            read gets a hint and the question again. Without LESSON: a mixed review of questions from every \
            lesson, more often the ones missed before.
            """)

    @Argument(help: "A lesson id or number (without it: a mixed review).") var lesson: String?
    @Flag(help: "Line by line on standard input and output (for screen readers and scripts).") var plain = false
    @Option(help: "Questions in a mixed review.") var count = 10
    @OptionGroup var practice: DepthOption
    @OptionGroup var data: DataDirectoryOption
    @OptionGroup var pack: LessonsOption

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be at least 1") }
    }

    enum Step { case answered(Bool), stop, endOfInput }

    func run() throws {
        guard plain else {
            throw CommandFailure("the full-screen quiz opens from the tutor (run `rnn-tutor`); for line-by-line questions add --plain")
        }
        let course = try pack.load()
        let chosen = try lesson.map { name -> Lesson in
            guard let found = course.lesson(named: name) else {
                throw CommandFailure("no lesson \(name); give a number from 1 to \(course.lessons.count) or an id such as \(course.lessons.first?.id ?? "sequences")")
            }
            guard !course.questions(for: found.id).isEmpty else { throw CommandFailure("lesson \(found.id) has no quiz questions") }
            return found
        }
        let store = data.openStore()
        let saved = try store.snapshot(course: course, now: Date())
        let depthOf = { (lesson: String) in practice.depth ?? saved.practiceDepth(of: lesson) }
        var round: QuizRound
        let title: String
        if let chosen {
            let depth = depthOf(chosen.id)
            round = .lesson(chosen.id, in: course, depth: depth)
            title = "Quiz: \(Plain.text(chosen.title)), at \(depth.rawValue) depth"
            guard !round.questions.isEmpty else {
                throw CommandFailure("lesson \(chosen.id) has no questions at \(depth.rawValue) depth yet; try a deeper one with --depth standard or --depth deep")
            }
        } else {
            // A new draw each time; weighted towards the questions missed last time.
            round = .mixedReview(course: course, history: try store.questionHistory(), count: count, depth: depthOf,
                                 seed: UInt64(Date().timeIntervalSince1970 * 1000))
            title = "Mixed review"
            guard !round.questions.isEmpty else { throw CommandFailure("the lessons have no quiz questions") }
        }
        Plain.say("\(title): \(round.questions.count) question\(round.questions.count == 1 ? "" : "s"). Type the answer and press Enter; q stops (answers given so far are kept).")
        var firstRound = true
        while true {
            for (i, question) in round.questions.enumerated() {
                switch ask(question, number: i + 1, of: round.questions.count, course: course, store: store) {
                case .answered(let correct): round.record(question.id, correct: correct)
                case .stop:
                    Plain.say("Stopped. \(round.score.correct) right so far; your answers are saved.")
                    return finish(store)
                case .endOfInput:
                    Plain.say("")
                    Plain.say("Input ended. \(round.score.correct) right so far; your answers are saved.")
                    return finish(store)
                }
            }
            let score = round.score
            Plain.say("")
            Plain.say("\(firstRound ? "Score" : "Retry score"): \(score.correct) of \(score.total).")
            // Only the first pass is a score; a retry of the missed questions is practice.
            if firstRound { Plain.save(.quizFinished(lesson: round.lesson, score: score, at: Date()), in: store) }
            firstRound = false
            let missed = round.missed
            guard !missed.isEmpty else { break }
            Plain.prompt("Retry the \(missed.count) missed question\(missed.count == 1 ? "" : "s")? (y/n)")
            guard let reply = Plain.read()?.lowercased(), reply == "y" || reply == "yes" else {
                Plain.say("")
                break
            }
            round = round.retryingMissed()
        }
        finish(store)
    }

    func finish(_ store: ProgressStore) {
        _ = try? store.backupIfDue(now: Date())
    }

    /// Shows a question until an answer can be read, marks it, says why, saves it.
    func ask(_ question: QuizQuestion, number: Int, of total: Int, course: CoursePack, store: ProgressStore) -> Step {
        let shownOrder = QuizMarking.shownOrder(question)
        let start = Date()
        while true {
            Plain.say("")
            Plain.say("Question \(number) of \(total) (\(course.lessonTitle(question.lessonID)))")
            Plain.say(Plain.text(question.prompt))
            let format: String
            switch question.kind {
            case .single(let options):
                for (i, option) in options.enumerated() { Plain.say("  \(i + 1). \(Plain.text(option.text))") }
                format = "One answer, e.g. 2:"
            case .multiple(let options):
                for (i, option) in options.enumerated() { Plain.say("  \(i + 1). \(Plain.text(option.text))") }
                format = "Every right answer, e.g. 1,3:"
            case .trueFalse:
                format = "True or false (t/f):"
            case .number(_, let tolerance):
                format = tolerance > 0 ? "A number (within ± \(QuizMarking.plain(tolerance))):" : "A number:"
            case .order(let items):
                for (position, item) in shownOrder.enumerated() { Plain.say("  \(position + 1). \(Plain.text(items[item]))") }
                format = "These numbers in the right order, e.g. \((1...items.count).reversed().map(String.init).joined(separator: " ")):"
            }
            Plain.prompt(format)
            guard let line = Plain.read() else { return .endOfInput }
            if Plain.isQuit(line) { return .stop }
            switch QuizAnswerParser.parse(line, for: question) {
            case .failure(let hint):
                Plain.say("Cannot read “\(line)”: \(hint.message).")
            case .success(let answer):
                let mark = QuizMarking.mark(question, answer)
                Plain.say(mark.correct ? "Right." : "Wrong.")
                for why in mark.whyWrong { Plain.say("Why not: \(Plain.text(why))") }
                if !mark.correct { Plain.say("The answer: \(Plain.text(mark.rightAnswer))") }
                Plain.say(Plain.text(mark.explanation))
                Plain.save(.quizAnswer(question: question.id, lesson: question.lessonID, answer: answer.logText,
                                       correct: mark.correct, durationMs: milliseconds(since: start), at: Date()),
                           in: store)
                return .answered(mark.correct)
            }
        }
    }
}
