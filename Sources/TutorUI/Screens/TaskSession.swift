import Course
import Foundation
import Lab
import ModelFile
import Practice

// A lab task in the tutor: the learner commits to a prediction, the tutor carries out the
// task's action in the lesson's live panels, marks what was measured and gives the verdict.
// The task itself is run by `TaskRun` (the same run `rnn-tutor task --plain` makes), so the
// key, the numbers and the review log's answer text are the plain mode's. Drawn in TaskScreen.swift.

/// A task holding the lesson's panels, and the learner's own lab to give back on leaving.
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
    /// The learner's own lab and screen before the first task opened: Esc restores them.
    public var saved: LabPlace
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
    var answer: TaskAnswer {
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
}

/// A `TaskRun` in the state: compared by its task and measured values (the traces follow from them).
public struct LiveRun: Equatable, Sendable {
    public let run: TaskRun
    public static func == (a: LiveRun, b: LiveRun) -> Bool {
        a.run.task == b.run.task && a.run.values == b.run.values && a.run.sentence == b.run.sentence
    }
}

/// Everything a task changes, as the learner had it.
public struct LabPlace: Equatable, Sendable {
    var screen: TutorState.Screen
    var lesson: Int
    var depth: LessonDepth
    var textScroll: Int
    var focus: TutorState.Focus
    var sentence: String
    var modelIndex: Int
    var lossWord: Int?
    var whhScale: Float
    var cursorWord: Int
    var overlay: Bool
    var firstUnit: Int
    var gradientAxis: LogScale?

    init(_ s: TutorState) {
        (screen, lesson, depth, textScroll, focus) = (s.screen, s.selectedLesson, s.depth, s.textScroll, s.focus)
        (sentence, modelIndex, lossWord, whhScale, cursorWord) = (s.sentence, s.modelIndex, s.lossWord, s.whhScale, s.cursorWord)
        (overlay, firstUnit, gradientAxis) = (s.overlay, s.firstUnit, s.gradientAxis)
    }
}

// MARK: - Opening

/// `p` in a lesson: its next task not yet answered right (else the first), among those at the depth read.
func openLessonTask(_ state: inout TutorState) {
    guard let lesson = state.lesson else { return }
    let all = state.course.tasks(for: lesson.id)
    let tasks = all.filter { $0.depth <= state.depth }
    guard !tasks.isEmpty else {
        state.status = all.isEmpty ? "this lesson has no lab tasks"
            : "no lab tasks at \(state.depth.rawValue) depth; d goes deeper, and so do the tasks"
        return
    }
    let right = state.progress.lessons[lesson.id]?.tasksAnsweredRight ?? []
    openTask(&state, tasks, at: tasks.firstIndex { !right.contains($0.id) } ?? 0)
}

/// Opens `tasks[start]`, or the next one that can run: a task whose model is not loaded (or
/// that cannot run on it) says so in the status line and is skipped.
func openTask(_ state: inout TutorState, _ tasks: [LabTask], at start: Int) {
    let saved = state.task?.saved ?? LabPlace(state)
    let results = state.task?.results ?? [:]
    var skipped: [String] = []
    for offset in 0..<tasks.count {
        let index = (start + offset) % tasks.count
        let task = tasks[index]
        do {
            let run = try TaskRun.run(task, models: state.models.lab, preset: state.course.lesson(id: task.lessonID)?.lab.sentence)
            stage(&state, TaskSession(tasks: tasks, index: index, run: LiveRun(run: run), shownAt: state.now, saved: saved,
                                      results: results))
            if !skipped.isEmpty { state.status = "skipped: " + skipped.joined(separator: "; ") + " · " + state.status }
            return
        } catch {
            skipped.append("task \(index + 1) \(error.message)")
        }
    }
    if state.task != nil { leaveTask(&state) }
    state.status = "no lab task here can run: " + skipped.joined(separator: "; ")
}

/// Sets the lesson's panels to the task's setup. For a sweep the bars wait hidden for the commit.
private func stage(_ state: inout TutorState, _ session: TaskSession) {
    let task = session.task, setup = task.setup
    if let lesson = state.course.lessons.firstIndex(where: { $0.id == task.lessonID }) { state.selectedLesson = lesson }
    state.screen = .lesson
    state.editor = nil
    state.sentence = session.run.run.sentence
    state.modelIndex = modelIndex(state, setup.cells[0]) ?? state.modelIndex
    let toggles = if case .toggle = task.action { true } else { false }
    state.overlay = setup.cells.count > 1 && !toggles   // the toggle shows one cell, then the other
    state.lossWord = setup.lossStep
    state.whhScale = setup.whhScale
    state.cursorWord = setup.cursor ?? 0
    state.firstUnit = 0
    state.previousHidden = nil
    state.gradientGhost = nil
    state.retrace()
    state.probeGradientAxis()
    state.sweepFrom = task.action == .sweep ? (state.trace?.loss.step ?? 0) + 1 : nil
    state.task = session
    state.status = taskHint(session)
}

private func modelIndex(_ state: TutorState, _ cell: LabTask.Cell) -> Int? {
    state.models.firstIndex { $0.model.cell.rawValue == cell.rawValue }
}

/// Esc: the learner's own sentence, cell, loss step, scale, cursor and screen come back.
func leaveTask(_ state: inout TutorState) {
    guard let session = state.task else { return }
    let place = session.saved
    state.task = nil
    state.screen = place.screen
    state.selectedLesson = place.lesson
    state.depth = place.depth
    state.textScroll = place.textScroll
    state.focus = place.focus
    state.sentence = place.sentence
    state.modelIndex = place.modelIndex
    state.lossWord = place.lossWord
    state.whhScale = place.whhScale
    state.cursorWord = place.cursorWord
    state.overlay = place.overlay
    state.firstUnit = place.firstUnit
    state.sweepFrom = nil
    state.gradientGhost = nil
    state.previousHidden = nil
    state.retrace()
    state.gradientAxis = place.gradientAxis
    if place.screen == .quiz, var quiz = state.quiz {
        quiz.taskResults.merge(session.results) { $1 }
        if quiz.mark == nil { quiz.shownAt = state.now }   // the next question's time starts now
        state.quiz = quiz
        state.status = "back to the quiz · Enter: next question"
    } else {
        state.status = "your own sentence and settings are back · p: the next lab task"
    }
}

// MARK: - Keys and beats

func taskKey(_ state: inout TutorState, _ key: Key) -> [Effect] {
    guard var session = state.task else { return [] }
    let action = state.action(for: key)
    switch action {
    case .back?:
        leaveTask(&state)
        return []
    case .switchFocus?:
        state.focus = state.focus == .text ? .panels : .text
        return []
    case .pageUp?, .pageDown?:
        session.scroll = max(-100, min(100, session.scroll + (action == .pageUp ? -5 : 5)))
        state.task = session
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
        if case .character(let c) = key, let n = c.wholeNumberValue, (1...options.count).contains(n) { session.choice = n - 1 }
    case .answer?:
        return commit(&state, &session)
    default:
        break
    }
    state.task = session
    return []
}

/// `n` (or Enter after the verdict): the next task; a task opened from a quiz goes back to it.
private func nextTask(_ state: inout TutorState, _ session: TaskSession) {
    if session.tasks.count == 1 {
        if session.saved.screen == .lesson {
            state.status = "this is the only lab task here · r does it again · Esc goes back"
        } else {
            leaveTask(&state)
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
    let ghost = state.shownGradient
    switch task.action {
    case .toggle(let cell):
        state.modelIndex = modelIndex(state, cell) ?? state.modelIndex
        state.retrace()
        state.gradientGhost = ghost
    case .scale:
        state.gradientGhost = ghost   // the bars before the change stay dim behind the new ones
    case .sweep, .step:
        break
    }
    if !state.lessonLayout.sideBySide { state.focus = .panels }   // a narrow window shows the panels for the action
    state.status = "you predicted \(session.run.run.describe(session.answer)) · now watch the panels: \(TaskText.action(task))…"
    state.task = session
    let duration = Int((state.now.timeIntervalSince(session.shownAt) * 1000).rounded())
    return [.record(.taskAnswer(task: task.id, lesson: task.lessonID, answer: verdict.logText, correct: verdict.correct,
                                durationMs: max(0, duration), at: state.now))]
}

/// Beats per step of an action: a word of the cursor's walk, a quarter of the W_hh scale.
private let actionPace = 3

/// On each beat while acting: the cursor walks, the scale turns, the sweep runs (LessonKeys'
/// `advanceSweep` reveals its bars); when the action is over, the verdict.
func taskTick(_ state: inout TutorState) {
    guard var session = state.task, case .acting(let verdict) = session.phase else { return }
    session.ticks += 1
    var done = false
    switch session.task.action {
    case .sweep:
        done = state.sweepFrom == nil
    case .toggle:
        done = session.ticks >= 2 * actionPace
    case .step(let target):
        if session.ticks % actionPace == 0 {
            if state.cursorWord == target { done = true } else { state.cursorWord += state.cursorWord < target ? 1 : -1 }
        }
    case .scale(let target):
        if session.ticks % actionPace == 0 {
            if state.whhScale == target {
                done = true
            } else {
                let step: Float = state.whhScale < target ? 0.25 : -0.25
                state.whhScale = abs(target - state.whhScale) <= 0.25 ? target : state.whhScale + step
                state.retrace()
            }
        }
    }
    if done {
        session.phase = .verdict(verdict)
        markMeasure(&state, session)
        let card: [([Action], String)] = state.lessonLayout.sideBySide ? [] : [([.switchFocus], "the explanation")]
        state.status = verdict.summary + " · " + Keymap.hint(.task, card + [([.redoTask], "redo"), ([.nextTask], "next"), ([.back], "back")])
    }
    state.task = session
}

/// Puts the cursor on the step the measure reads (the keyed option's, for a choice), so every
/// panel shows that step; a unit measure scrolls the unit into view.
private func markMeasure(_ state: inout TutorState, _ session: TaskSession) {
    let run = session.run.run
    var measure = run.task.question.measures[0]
    if case .choose(_, let options) = run.task.question, case .option(let i) = run.key { measure = options[i].measure }
    let step: Int? = switch measure.kind {
    case .gradientRatio: measure.to
    case .loss: state.trace?.loss.step
    default: measure.step
    }
    if let step, let count = state.trace?.tokens.count, step < count { state.cursorWord = step }
    if let unit = measure.unit { state.firstUnit = unit }
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
            && task.question.measures.allSatisfy { loaded.contains($0.cell.rawValue) }
            && task.setup.cells.allSatisfy { loaded.contains($0.rawValue) }
    }
    let keyed = candidates.map { task -> (key: Double, task: LabTask) in
        let right = state.progress.lessons[task.lessonID]?.tasksAnsweredRight.contains(task.id) ?? false
        let unit = (Double(StableHash.fnv1a64("\(seed) \(task.id)") >> 11) + 0.5) / Double(1 << 53)
        return (pow(unit, 1 / (right ? 1 : 2)), task)
    }
    return keyed.sorted { $0.key > $1.key }.prefix(max(0, count)).map(\.task)
}
