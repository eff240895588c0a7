import Course
import Foundation
import Lab
import ModelFile
import Practice

// A lab task in the tutor: the learner commits to a prediction, the tutor carries out the
// task's action in the lesson's live panels, marks what was measured and gives the verdict.
// The task itself is run by `TaskRun` (the same run `rnn-tutor task --plain` makes), so the
// key, the numbers and the review log's answer text are the plain mode's. Drawn in TaskScreen.swift.

/// A lab task staged in a lesson's panels: `LessonSession.task`. The lesson screen that holds it is
/// opened over the learner's own lesson (or the quiz that offered the task), which waits on the
/// return stack exactly as it was left: Esc gives it back.
public struct TaskSession: Equatable, Sendable {
    public enum Phase: Equatable, Sendable {
        /// The learner chooses a prediction; the panels show the setup.
        case predicting
        /// The action plays out in the panels on the timer beats (the answer is already kept).
        case acting(TaskVerdict)
        /// The measured numbers are marked and the verdict is given.
        case verdict(TaskVerdict)
    }

    /// The tasks `n` walks through: the lesson's, the one a quiz answer named, or one of a mixed review.
    public var tasks: [LabTask]
    public var index: Int
    public var phase: Phase = .predicting
    /// The option under the cursor (yes-no: 0 is yes, 1 no), or the power of ten chosen.
    public var choice = 0
    /// The task carried out on the loaded models when it opened: traces, measured values, keyed answer.
    public var run: LiveRun
    /// Timer beats since the action began.
    var ticks = 0
    /// Lines the task card is scrolled by (PgUp, PgDn).
    public var scroll = 0
    public var shownAt: Date
    /// How each task went in this visit, by id (a mixed review counts them).
    public var results: [String: Bool] = [:]

    public var task: LabTask { tasks[index] }
    public var isActing: Bool { if case .acting = phase { true } else { false } }
    public var verdict: TaskVerdict? {
        switch phase {
        case .predicting: nil
        case .acting(let verdict), .verdict(let verdict): verdict
        }
    }
    /// A sweep task keeps the gradient hidden until the learner has committed: the bars would tell.
    var holdsSweep: Bool { phase == .predicting && task.action == .sweep }

    /// What the learner's choice stands for.
    var answer: TaskAnswer { answer(choosing: choice) }

    /// What a choice stands for: an option, yes (0) or no (1), or a power of ten.
    func answer(choosing choice: Int) -> TaskAnswer {
        switch task.question {
        case .powerOfTen: .power(choice)
        case .yesNo: .yes(choice == 0)
        case .choose: .option(choice)
        }
    }

    /// The labels the cursor moves over (empty for a power of ten).
    var options: [String] {
        switch task.question {
        case .powerOfTen: []
        case .yesNo: ["Yes", "No"]
        case .choose(_, let options): options.map { Inline.parse($0.label).plainText }
        }
    }

    /// The powers of ten a prediction may name.
    static let powers = -15...5

    /// The instrument a task's measures read, brought to the front while the task runs.
    enum FrontPanel: Equatable, Sendable {
        /// σ_max and the bound: the Jacobian panel (J).
        case jacobian
        /// The plain RNN's slope 1 − h²: the gates panel, which shows the slopes, above the hidden state.
        case slopes
    }

    var frontPanel: FrontPanel? {
        let kinds = task.question.measures.map(\.kind)
        if kinds.contains(where: \.readsJacobian) { return .jacobian }
        if kinds.contains(where: \.rnnOnly) { return .slopes }
        return nil
    }
}

/// A `TaskRun` in the state: compared by its task and measured values (the traces follow from them).
public struct LiveRun: Equatable, Sendable {
    public let run: TaskRun
    public static func == (a: LiveRun, b: LiveRun) -> Bool {
        a.run.task == b.run.task && a.run.values == b.run.values && a.run.sentence == b.run.sentence
    }
}

extension TutorState {
    /// The task in view, if the screen is a lesson staging one.
    var taskOnScreen: TaskSession? {
        get { lessonSession?.task }
        set { if let newValue { lessonOnScreen.task = newValue } }
    }
}

// MARK: - Opening and leaving

/// `p` in a lesson: its next task not yet answered right (else the first), among those at the depth read.
func openLessonTask(_ state: inout TutorState) {
    guard let lesson = state.lesson else { return }
    let depth = state.lessonOnScreen.depth
    let all = state.course.tasks(for: lesson.id)
    let tasks = all.filter { $0.depth <= depth }
    guard !tasks.isEmpty else {
        state.status = all.isEmpty ? "this lesson has no lab tasks"
            : "no lab tasks at \(depth.rawValue) depth; d goes deeper, and so do the tasks"
        return
    }
    let right = state.progress.lessons[lesson.id]?.tasksAnsweredRight ?? []
    openTask(&state, tasks, at: tasks.firstIndex { !right.contains($0.id) } ?? 0)
}

/// Opens `tasks[start]`, or the next one that can run, in a lesson screen of its own over the
/// screen in view (or in place of the task in view). A task whose model is not loaded (or that
/// cannot run on it) says so in the status line and is skipped.
func openTask(_ state: inout TutorState, _ tasks: [LabTask], at start: Int) {
    let results = state.taskOnScreen?.results ?? [:]
    var skipped: [String] = []
    for offset in 0..<tasks.count {
        let index = (start + offset) % tasks.count
        let task = tasks[index]
        do {
            let run = try TaskRun.run(task, models: state.models.lab, preset: state.course.lesson(id: task.lessonID)?.lab.sentence)
            let session = TaskSession(tasks: tasks, index: index, run: LiveRun(run: run), shownAt: state.now, results: results)
            let lab = stage(state, session)
            if state.taskOnScreen != nil { state.lessonSession = lab } else { state.open(.lesson(lab)) }
            state.status = (skipped.isEmpty ? "" : "skipped: " + skipped.joined(separator: "; ") + " · ") + taskHint(session)
            return
        } catch {
            skipped.append("task \(index + 1) \(error.message)")
        }
    }
    leaveTask(&state)
    state.status = "no lab task here can run: " + skipped.joined(separator: "; ")
}

/// The lesson's panels set to the task's setup. For a sweep the bars wait hidden for the commit.
private func stage(_ state: TutorState, _ session: TaskSession) -> LessonSession {
    let task = session.task, setup = task.setup
    var lab = LessonSession()
    lab.lessonIndex = state.course.lessons.firstIndex { $0.id == task.lessonID } ?? state.lessonSession?.lessonIndex ?? 0
    lab.depth = state.lessonSession?.depth ?? state.readingDepth
    lab.focus = state.lessonSession?.focus ?? .text
    lab.sentence = session.run.run.sentence
    lab.modelIndex = modelIndex(state, setup.cells[0]) ?? state.lessonSession?.modelIndex ?? state.lastModelIndex
    let toggles = if case .toggle = task.action { true } else { false }
    lab.overlay = setup.cells.count > 1 && !toggles   // the toggle shows one cell, then the other
    lab.lossWord = setup.lossStep
    lab.whhScale = setup.whhScale
    lab.cursorWord = setup.cursor ?? 0
    // The instrument the task reads comes to the front (the learner's own lesson, waiting under this screen, keeps its choice).
    lab.instruments.showsJacobian = session.frontPanel == .jacobian
    lab.retrace(models: state.models)
    lab.probeGradientAxis(models: state.models)
    lab.sweepFrom = task.action == .sweep ? (lab.trace?.loss.step ?? 0) + 1 : nil
    lab.task = session
    return lab
}

private func modelIndex(_ state: TutorState, _ cell: LabTask.Cell) -> Int? {
    state.models.firstIndex { $0.model.cell.rawValue == cell.rawValue }
}

/// Esc: back to the screen the task was opened over, as it was (the learner's own sentence, cell,
/// loss step, scale and cursor, or the quiz that offered it, which learns how the task went).
func leaveTask(_ state: inout TutorState) {
    guard let session = state.taskOnScreen else { return }
    state.goBack()
    if var quiz = state.quiz {
        quiz.taskResults.merge(session.results) { $1 }
        if quiz.mark == nil { quiz.shownAt = state.now }   // the next question's time starts now
        state.quiz = quiz
        state.status = quiz.mark == nil ? "back to the quiz" : "back to the quiz · Enter: next question"
    } else {
        state.status = "your own sentence and settings are back · p: the next lab task"
    }
}

// MARK: - Keys and beats

func taskKey(_ state: inout TutorState, _ key: Key) -> [Effect] {
    guard var session = state.taskOnScreen else { return [] }
    let action = state.action(for: key)
    switch action {
    case .back?:
        leaveTask(&state)
        return []
    case .switchFocus?:
        state.lessonOnScreen.focus = state.lessonOnScreen.focus == .text ? .panels : .text
        return []
    case .pageUp?, .pageDown?:
        session.scroll = max(-100, min(100, session.scroll + (action == .pageUp ? -5 : 5)))
        state.taskOnScreen = session
        return []
    case .redoTask?:
        openTask(&state, session.tasks, at: session.index)
        return []
    case .nextTask?:
        nextTask(&state, session)
        return []
    default: break
    }
    switch session.phase {
    case .verdict:
        if action == .answer { nextTask(&state, session) }
        return []
    case .acting:
        return []
    case .predicting:
        break
    }
    let options = session.options
    switch action {
    case .up?:
        session.choice = options.isEmpty ? min(session.choice + 1, TaskSession.powers.upperBound) : max(0, session.choice - 1)
    case .down?:
        session.choice = options.isEmpty ? max(session.choice - 1, TaskSession.powers.lowerBound) : min(options.count - 1, session.choice + 1)
    case .chooseOption?:
        if case .character(let c) = key, let n = c.wholeNumberValue, !options.isEmpty, (1...options.count).contains(n) {
            session.choice = n - 1
        }
    case .answer?:
        return commit(&state, &session)
    default:
        break
    }
    state.taskOnScreen = session
    return []
}

/// `n` (or Enter after the verdict): the next task; a task opened from a quiz goes back to it.
private func nextTask(_ state: inout TutorState, _ session: TaskSession) {
    if session.tasks.count == 1 {
        if state.returnStack.last?.kind == .quiz {
            leaveTask(&state)
        } else {
            state.status = "this is the only lab task here · r does it again · Esc goes back"
        }
        return
    }
    let next = (session.index + 1) % session.tasks.count
    openTask(&state, session.tasks, at: next)
    if next == 0 { state.status = "that was the last task; here is the first again · " + state.status }
}

/// Enter: the prediction is kept (as `task --plain` keeps it), then the action plays out.
private func commit(_ state: inout TutorState, _ session: inout TaskSession) -> [Effect] {
    let task = session.task
    let verdict = session.run.run.mark(session.answer)
    session.phase = .acting(verdict)
    session.ticks = 0
    session.results[task.id] = verdict.correct
    // `p` then opens the next task not yet right; the store's count follows when the answer is saved.
    if verdict.correct {
        state.progress.lessons[task.lessonID, default: LessonProgress()].tasksAnsweredRight.insert(task.id)
    } else {
        state.progress.lessons[task.lessonID]?.tasksAnsweredRight.remove(task.id)
    }
    var lab = state.lessonOnScreen
    let ghost = lab.shownGradient
    switch task.action {
    case .toggle(let cell):
        lab.modelIndex = modelIndex(state, cell) ?? lab.modelIndex
        lab.retrace(models: state.models)
        lab.gradientGhost = ghost
    case .scale:
        lab.gradientGhost = ghost   // the bars before the change stay dim behind the new ones
    case .sweep, .step:
        break
    }
    if !state.lessonLayout.sideBySide { lab.focus = .panels }   // a narrow window shows the panels for the action
    lab.task = session
    state.lessonSession = lab
    state.status = "you predicted \(session.run.run.describe(session.answer)) · now watch the panels: \(TaskText.action(task))…"
    let duration = Int((state.now.timeIntervalSince(session.shownAt) * 1000).rounded())
    return [.record(.taskAnswer(task: task.id, lesson: task.lessonID, answer: verdict.logText, correct: verdict.correct,
                                durationMs: max(0, duration), at: state.now))]
}

/// Beats per step of an action: a word of the cursor's walk, a quarter of the W_hh scale.
private let actionPace = 3

/// On each beat while acting: the cursor walks, the scale turns, the sweep runs (LessonKeys'
/// `advanceSweep` reveals its bars); when the action is over, the verdict.
func taskTick(_ state: inout TutorState) {
    guard var lab = state.lessonSession, var session = lab.task, case .acting(let verdict) = session.phase else { return }
    session.ticks += 1
    var done = false
    switch session.task.action {
    case .sweep:
        done = lab.sweepFrom == nil
    case .toggle:
        done = session.ticks >= 2 * actionPace
    case .step(let target):
        if session.ticks % actionPace == 0 {
            if lab.cursorWord == target {
                done = true
            } else {
                lab.cursorWord += lab.cursorWord < target ? 1 : -1   // update runs the head at the new word
            }
        }
    case .scale(let target):
        if session.ticks % actionPace == 0 {
            if lab.whhScale == target {
                done = true
            } else {
                let step: Float = lab.whhScale < target ? 0.25 : -0.25
                lab.whhScale = abs(target - lab.whhScale) <= 0.25 ? target : lab.whhScale + step
                lab.retrace(models: state.models)
            }
        }
    }
    if done {
        session.phase = .verdict(verdict)
        markMeasure(&lab, session)
        let card: [([Action], String)] = state.lessonLayout.sideBySide ? [] : [([.switchFocus], "the explanation")]
        state.status = verdict.summary + " · " + Keymap.hint(.task, card + [([.redoTask], "redo"), ([.nextTask], "next"), ([.back], "back")])
    }
    lab.task = session
    state.lessonSession = lab
}

/// Puts the cursor on the step the measure reads (the keyed option's, for a choice), so every
/// panel shows that step; a unit measure scrolls the unit into view; a unit's score opens find the unit.
private func markMeasure(_ lab: inout LessonSession, _ session: TaskSession) {
    let run = session.run.run
    var measure = run.task.question.measures[0]
    if case .choose(_, let options) = run.task.question, case .option(let i) = run.key { measure = options[i].measure }
    let step: Int? = switch measure.kind {
    case .gradientRatio: measure.to
    case .unitScore: measure.from
    case .loss: lab.trace?.loss.step
    default: measure.step
    }
    if let step, let count = lab.trace?.tokens.count, step < count {
        lab.cursorWord = step   // update runs the head at the new word
    }
    if let unit = measure.unit { lab.firstUnit = unit }
    // A unit's score is find the unit's: its panel opens on the span with that unit chosen (only now:
    // while the learner predicts, its ranking would give the answer away).
    if measure.kind == .unitScore, let trace = lab.trace, let from = measure.from, let to = measure.to {
        var finder = UnitFinderSession(span: from...to, layer: trace.layers - 1)
        finder.rank(trace)
        finder.selected = finder.ranking.firstIndex { $0.unit == measure.unit } ?? 0
        finder.forTask = true
        lab.instruments.finder = finder
    }
}

/// The status line while the learner predicts, in the task table's own keys.
func taskHint(_ session: TaskSession) -> String {
    if case .powerOfTen = session.task.question {
        return Keymap.hint(.task, [([.up, .down], "choose a power of ten"), ([.answer], "commits"), ([.back], "leaves")])
    }
    return Keymap.hint(.task, [([.up, .down, .chooseOption], "choose"), ([.answer], "commits"), ([.back], "leaves")])
}

// MARK: - The mixed review

/// A few lab tasks for the mixed review, weighted like its questions (never answered right: twice
/// as likely), among those at the depth each lesson is read at whose models are loaded. Each is
/// done in the live panels between two questions: watching the network act is what a task is for,
/// so it is not asked as a static question.
func mixedReviewTasks(_ state: TutorState, count: Int, seed: UInt64) -> [LabTask] {
    let loaded = Set(state.models.map { $0.model.cell.rawValue })
    let candidates = state.course.tasks.filter { task in
        task.depth <= state.progress.practiceDepth(of: task.lessonID)
            && task.runs(onCells: loaded)
    }
    let keyed = candidates.map { task -> (key: Double, task: LabTask) in
        let right = state.progress.lessons[task.lessonID]?.tasksAnsweredRight.contains(task.id) ?? false
        let unit = (Double(StableHash.fnv1a64("\(seed) \(task.id)") >> 11) + 0.5) / Double(1 << 53)
        return (pow(unit, 1 / (right ? 1 : 2)), task)
    }
    return keyed.sorted { $0.key > $1.key }.prefix(max(0, count)).map(\.task)
}
