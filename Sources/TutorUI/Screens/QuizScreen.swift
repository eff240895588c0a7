import Course
import Foundation
import Lab
import Practice

/// A quiz in progress: one question at a time, feedback after each answer, a
/// score at the end and a retry of the missed ones.
public struct QuizSession: Equatable, Sendable {
    public var round: QuizRound
    /// "Quiz: Long short-term memory (LSTM)" or "Mixed review".
    public var title: String
    /// A retry of missed questions: its score is not a lesson score.
    public var isRetry = false
    public var index = 0
    /// The option or item under the cursor.
    public var cursor = 0
    /// Options ticked so far (multiple choice).
    public var ticked: Set<Int> = []
    /// Order questions: the items as the learner has arranged them (indices into the right order).
    public var arrangement: [Int] = []
    /// Order questions: the item under the cursor travels with ↑↓.
    public var holding = false
    /// Number questions: what is typed.
    public var typed = LineEditor("")
    /// The verdict on the current question, once answered.
    public var mark: QuizMark? = nil
    /// Lines scrolled with ↑↓ once there is nothing left to choose (feedback, results) on a short screen.
    public var scroll = 0
    public var shownAt: Date
    /// The mixed review's lab tasks, each done in the live panels after the question at its key (an index).
    public var labTasks: [Int: LabTask] = [:]
    /// How the lab tasks opened from this quiz went, by task id.
    public var taskResults: [String: Bool] = [:]
    /// A lab task to open once this key is handled (the quiz waits under it as the key left it).
    var taskToOpen: LabTask? = nil

    init(round: QuizRound, title: String, now: Date, isRetry: Bool = false) {
        self.round = round
        self.title = title
        self.isRetry = isRetry
        self.shownAt = now
        prepareQuestion(now: now)
    }

    public var question: QuizQuestion? { round.questions.indices.contains(index) ? round.questions[index] : nil }
    public var isFinished: Bool { index >= round.questions.count }
    /// A number question waiting for its answer takes every key as typing (but Enter and Esc).
    public var takesTyping: Bool { if case .number? = question?.kind, mark == nil { true } else { false } }

    /// The choices the cursor moves over: options, true/false, or the arranged items.
    var choices: [String] {
        switch question?.kind {
        case .single(let options)?, .multiple(let options)?: options.map(\.text)
        case .trueFalse?: ["True", "False"]
        case .order(let items)?: arrangement.map { items[$0] }
        case .number?, nil: []
        }
    }

    mutating func prepareQuestion(now: Date) {
        cursor = 0
        ticked = []
        holding = false
        typed = LineEditor("")
        mark = nil
        scroll = 0
        shownAt = now
        arrangement = question.map(QuizMarking.shownOrder) ?? []
    }
}

/// Opens a quiz: the lesson's own, or (lesson nil) a mixed review drawn from the whole
/// course, which first asks the store how each question went before.
func startQuiz(_ state: inout TutorState, lesson: Lesson?) -> [Effect] {
    guard let lesson else { return [.readQuizHistory] }
    // At the depth the lesson is read at (the position is recorded before a quiz opens from it).
    let depth = state.progress.practiceDepth(of: lesson.id)
    openQuiz(&state, QuizRound.lesson(lesson.id, in: state.course, depth: depth), title: "Quiz: \(lesson.title) · \(depth.rawValue) depth")
    return []
}

/// The mixed review, weighted to the questions missed or never asked.
func openMixedQuiz(_ state: inout TutorState, history: [String: QuestionHistory]) {
    let seed = UInt64(max(0, state.now.timeIntervalSince1970))
    let round = QuizRound.mixedReview(course: state.course, history: history, count: 10, depth: state.progress.practiceDepth(of:),
                                      seed: seed)
    // Two lab tasks go between the questions (after the first third and the second), never last.
    let count = round.questions.count
    let tasks = count >= 3 ? mixedReviewTasks(state, count: 2, seed: seed) : []
    openQuiz(&state, round, title: "Mixed review")
    for (i, task) in tasks.enumerated() { state.quiz?.labTasks[(i + 1) * count / (tasks.count + 1) - 1] = task }
}

private func openQuiz(_ state: inout TutorState, _ round: QuizRound, title: String) {
    guard !round.questions.isEmpty else {
        state.status = round.depth.map { "no questions at \($0.rawValue) depth here yet; d in the lesson changes the depth" } ?? "no questions here yet"
        return
    }
    let quiz = QuizSession(round: round, title: title, now: state.now)
    state.open(.quiz(quiz))
    state.status = quizHint(state, quiz)
}

/// The lab task a wrong answer offers (its question's `see:`), when its models are loaded.
func offeredTask(_ state: TutorState, _ quiz: QuizSession, _ mark: QuizMark) -> LabTask? {
    guard !mark.correct, let id = quiz.question?.seeTask?.id, let task = state.course.task(id: id) else { return nil }
    let loaded = Set(state.models.map { $0.model.cell.rawValue })
    return task.runs(onCells: loaded) ? task : nil
}

/// The footer: what the keys do now, in the keymap's own keys.
private func quizHint(_ state: TutorState, _ quiz: QuizSession) -> String {
    func hint(_ parts: [([Action], String)]) -> String { Keymap.hint(.quiz, parts) }
    if quiz.isFinished {
        return hint((quiz.round.missed.isEmpty ? [] : [([.retryMissed], "retries the missed questions")]) + [([.answer, .back], "back")])
    }
    if quiz.mark != nil {
        let canOffer = quiz.mark.flatMap { offeredTask(state, quiz, $0) } != nil
        let offer: [([Action], String)] = canOffer ? [([.openTask], "shows why in the lab")] : []
        return hint(offer + [([.answer], "next question"), ([.back], "stop (answers so far are kept)")])
    }
    switch quiz.question?.kind {
    case .single?: return hint([([.up, .down, .chooseOption], "choose"), ([.answer], "answers")])
    case .multiple?: return hint([([.up, .down], "move"), ([.tick, .chooseOption], "tick"), ([.answer], "answers")])
    case .trueFalse?: return hint([([.answerTrue, .answerFalse], "answer"), ([.up, .down, .chooseOption], "choose"), ([.answer], "answers")])
    case .number?: return "type a number · " + hint([([.answer], "answers")])
    case .order?: return hint([([.up, .down], "move"), ([.tick], "picks an item up or puts it down"), ([.answer], "answers")])
    case nil: return ""
    }
}

func quizKey(_ state: inout TutorState, _ key: Key) -> [Effect] {
    guard var quiz = state.quiz else { return [] }
    let action = state.action(for: key)
    let leaving = key == .escape || (action == .back && !quiz.takesTyping) || (quiz.isFinished && action == .answer)
    if leaving {
        state.goBack()
        state.status = "quiz closed; every answer given is saved"
        return []
    }
    state.status = ""
    let effects = quizSessionKey(&state, &quiz, key)
    let task = quiz.taskToOpen
    quiz.taskToOpen = nil
    state.quiz = quiz
    if let task { openTask(&state, [task], at: 0) }
    if state.status.isEmpty { state.status = quizHint(state, quiz) }
    return effects
}

private func quizSessionKey(_ state: inout TutorState, _ quiz: inout QuizSession, _ key: Key) -> [Effect] {
    // Feedback and results read like a page: ↑↓ (j k, PgUp PgDn) scroll it on a short screen.
    let action = state.action(for: key)
    if quiz.isFinished || quiz.mark != nil {
        switch action {
        case .up: quiz.scroll = max(-100, quiz.scroll - 1); return []
        case .down: quiz.scroll = min(100, quiz.scroll + 1); return []
        case .pageUp: quiz.scroll = max(-100, quiz.scroll - 5); return []
        case .pageDown: quiz.scroll = min(100, quiz.scroll + 5); return []
        default: break
        }
    }
    if quiz.isFinished {
        if action == .retryMissed && !quiz.round.missed.isEmpty {
            quiz = QuizSession(round: quiz.round.retryingMissed(), title: quiz.title + " (missed questions)", now: state.now,
                               isRetry: true)
        }
        return []
    }
    if let mark = quiz.mark {
        if action == .answer || action == .tick || action == .nextQuestion { return nextQuestion(&state, &quiz) }
        if action == .openTask {
            // A wrong answer whose question names a task: see the answer in the live network.
            if let task = offeredTask(state, quiz, mark) { quiz.taskToOpen = task }
            else { state.status = "p opens a lab task after a wrong answer to a question that names one" }
        }
        return []
    }
    guard let question = quiz.question else { return [] }
    let count = quiz.choices.count
    let number: Int? = if case .character(let c) = key, action == .chooseOption,
                          let value = c.wholeNumberValue, (1...max(1, count)).contains(value) { value - 1 } else { nil }
    if case .number = question.kind, action != .answer {
        _ = quiz.typed.apply(key)   // a typed answer takes every key but Enter (and Esc, which leaves)
        return []
    }
    switch (question.kind, action) {
    case (.number, .answer?):
        switch QuizAnswerParser.parse(quiz.typed.text, for: question) {
        case .success(let given): return answer(&state, &quiz, given)
        case .failure(let hint): state.status = hint.message
        }
    case (_, .up?):
        move(&quiz, by: -1)
    case (_, .down?):
        move(&quiz, by: 1)
    case (.trueFalse, .answerTrue?):
        quiz.cursor = 0
        return answer(&state, &quiz, .trueFalse(true))
    case (.trueFalse, .answerFalse?):
        quiz.cursor = 1   // the ▶ stays on the option chosen, so the verdict reads against it
        return answer(&state, &quiz, .trueFalse(false))
    case (.trueFalse, .answer?), (.trueFalse, .tick?): return answer(&state, &quiz, .trueFalse(quiz.cursor == 0))
    case (.single, .answer?), (.single, .tick?): return answer(&state, &quiz, .option(quiz.cursor))
    case (.single, .chooseOption?) where number != nil, (.trueFalse, .chooseOption?) where number != nil:
        quiz.cursor = number!   // a number chooses; Enter answers (as the footer says)
    case (.multiple, .tick?):
        quiz.ticked.formSymmetricDifference([quiz.cursor])
    case (.multiple, .chooseOption?) where number != nil:
        quiz.cursor = number!
        quiz.ticked.formSymmetricDifference([quiz.cursor])
    case (.multiple, .answer?):
        if quiz.ticked.isEmpty { state.status = "tick at least one option (Space), then Enter" }
        else { return answer(&state, &quiz, .options(quiz.ticked)) }
    case (.order, .tick?):
        quiz.holding.toggle()
    case (.order, .answer?):
        return answer(&state, &quiz, .order(quiz.arrangement))
    default: break
    }
    return []
}

/// ↑↓: moves the cursor, or (order questions, while holding) the item under it.
private func move(_ quiz: inout QuizSession, by delta: Int) {
    let target = quiz.cursor + delta
    guard quiz.choices.indices.contains(target) else { return }
    if quiz.holding { quiz.arrangement.swapAt(quiz.cursor, target) }
    quiz.cursor = target
}

private func answer(_ state: inout TutorState, _ quiz: inout QuizSession, _ answer: QuizAnswer) -> [Effect] {
    guard let question = quiz.question else { return [] }
    let mark = QuizMarking.mark(question, answer)
    quiz.mark = mark
    quiz.round.record(question.id, correct: mark.correct)
    let duration = Int((state.now.timeIntervalSince(quiz.shownAt) * 1000).rounded())
    let offer = offeredTask(state, quiz, mark) == nil ? "" : "p shows why in the lab · "
    state.status = mark.correct ? "right · Enter: next question" : "not quite · " + offer + "Enter: next question"
    return [.record(.quizAnswer(question: question.id, lesson: question.lessonID, answer: answer.logText,
                                correct: mark.correct, durationMs: max(0, duration), at: state.now))]
}

private func nextQuestion(_ state: inout TutorState, _ quiz: inout QuizSession) -> [Effect] {
    quiz.index += 1
    quiz.prepareQuestion(now: state.now)
    if let task = quiz.labTasks[quiz.index - 1], !quiz.isFinished {
        quiz.taskToOpen = task   // between two questions of the mixed review, in the live panels
        return []
    }
    guard quiz.isFinished else { return [] }
    let score = quiz.round.score
    state.status = "score \(score.correct)/\(score.total)"
    // Best and last scores are for whole rounds; a retry of the missed ones is practice.
    guard !quiz.isRetry else { return [] }
    if let lesson = quiz.round.lesson {
        var progress = state.progress.lessons[lesson] ?? LessonProgress()
        progress.lastScore = score
        if progress.bestScore.map(score.isBetter(than:)) ?? true { progress.bestScore = score }
        state.progress.lessons[lesson] = progress
    }
    return [.record(.quizFinished(lesson: quiz.round.lesson, score: score, at: state.now))]
}

enum QuizScreen {
    static func draw(_ state: TutorState, in rect: Rect, on grid: inout CellGrid) {
        guard let quiz = state.quiz else { return }
        let area = Rect(x: rect.x + 2, y: rect.y, width: max(0, min(rect.width - 4, 100)), height: rect.height)
        var page = Page(width: area.width, ascii: state.ascii)
        defer { page.draw(in: area, offset: quiz.scroll, on: &grid) }
        if quiz.isFinished {
            page.add(quiz.title, Style(bold: true))
            page.gap()
            let score = quiz.round.score
            page.add("You got \(score.correct) of \(score.total) right.", Style(bold: true))
            if let lesson = quiz.round.lesson, let best = state.progress.lessons[lesson]?.bestScore, !quiz.isRetry {
                page.add("Best score for this lesson: \(best.label).", Style(dim: true))
            }
            page.gap()
            if !quiz.taskResults.isEmpty {
                let right = quiz.taskResults.values.filter { $0 }.count
                page.add("Lab tasks: \(right) of \(quiz.taskResults.count) predicted right.", Style(bold: true))
            }
            if quiz.round.missed.isEmpty {
                page.add("Every answer was right.", Style(foreground: .green))
            } else {
                page.add("Missed:", Style(foreground: .red, bold: true))
                for question in quiz.round.missed { page.add(Inline.parse(question.prompt).plainText, prefix: state.ascii ? "- " : "• ") }
                page.gap()
                page.add("Press r to try the missed questions again.", Style(dim: true))
            }
            return
        }
        guard let question = quiz.question else { return }
        var heading = "\(quiz.title) · question \(quiz.index + 1) of \(quiz.round.questions.count)"
        if quiz.round.lesson == nil, let lesson = state.course.lessons.first(where: { $0.id == question.lessonID }) {
            heading += " · from \"\(lesson.title)\""
        }
        page.add(heading, Style(bold: true))
        page.gap()
        page.add(Inline.parse(question.prompt).plainText)
        page.gap()
        if case .number = question.kind {
            page.add("Your answer: " + quiz.typed.text + (quiz.mark == nil ? (state.ascii ? "|" : "▏") : ""), Style(bold: true))
        } else {
            for (i, choice) in quiz.choices.enumerated() {
                let marker: String
                switch question.kind {
                case .multiple: marker = quiz.ticked.contains(i) ? "[x]" : "[ ]"
                case .order: marker = quiz.holding && i == quiz.cursor && quiz.mark == nil ? (state.ascii ? "<>" : "⇅") : "\(i + 1)."
                default: marker = "\(i + 1)."
                }
                // The cursor stays on the chosen option after answering, so the learner sees what they picked.
                let here = i == quiz.cursor
                if here { page.anchorHere() }
                page.add(Inline.parse(choice).plainText, here && quiz.mark == nil ? Style(reverse: true) : (here ? Style(bold: true) : .plain),
                         prefix: "\(here ? (state.ascii ? ">" : "▶") : " ") \(marker) ")
            }
        }
        guard let mark = quiz.mark else { return }
        page.gap()
        page.anchorHere()
        page.add(mark.correct ? (state.ascii ? "Right." : "✓ Right.") : (state.ascii ? "Not quite." : "✗ Not quite."),
                 Style(foreground: mark.correct ? .green : .red, bold: true))
        for why in mark.whyWrong { page.add(Inline.parse(why).plainText, Style(foreground: .red)) }
        if !mark.correct { page.add("The answer: " + Inline.parse(shownAnswer(question, mark)).plainText, Style(bold: true)) }
        page.gap()
        page.add(Inline.parse(mark.explanation).plainText)
        if let task = offeredTask(state, quiz, mark) {
            page.gap()
            page.add("See why in the live network: press p for the lab task \"\(Inline.parse(task.prompt).plainText)\"",
                     Style(foreground: .cyan, bold: true))
        }
    }

    /// The right answer as the options read ("True", not "true").
    static func shownAnswer(_ question: QuizQuestion, _ mark: QuizMark) -> String {
        if case .trueFalse(let answer, _) = question.kind { return answer ? "True" : "False" }
        return mark.rightAnswer
    }
}
