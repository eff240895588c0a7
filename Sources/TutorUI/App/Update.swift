import Course
import Foundation
import RNNCore

/// The one place where the tutor's state changes: a message in, the next state out.
public func update(_ state: inout TutorState, _ message: Message) {
    switch message {
    case .resize(let width, let height):
        state.width = width
        state.height = height
    case .tick:
        advanceSweep(&state)
    case .key(.controlC):
        state.quit = true
    case .key(let key):
        if state.showHelp {
            state.showHelp = false   // any key closes help
            return
        }
        if key == .character("?") { state.showHelp = true; return }
        switch state.screen {
        case .course: courseKey(&state, key)
        case .lesson: lessonKey(&state, key)
        }
    }
}

private func courseKey(_ state: inout TutorState, _ key: Key) {
    let count = state.course.lessons.count
    switch key {
    case .up, .character("k"): state.selectedLesson = max(0, state.selectedLesson - 1)
    case .down, .character("j"): state.selectedLesson = min(max(count - 1, 0), state.selectedLesson + 1)
    case .home: state.selectedLesson = 0
    case .end: state.selectedLesson = max(count - 1, 0)
    case .enter, .right, .character("l"): openLesson(&state)
    case .escape, .character("q"): state.quit = true
    default: break
    }
}

/// Opens the selected lesson and loads its lab preset into the panels.
func openLesson(_ state: inout TutorState) {
    guard let lesson = state.lesson else { return }
    state.screen = .lesson
    state.textScroll = 0
    state.focus = .text
    let preset = lesson.lab
    state.sentence = preset.sentence
    state.lossStep = preset.lossStep
    state.whhScale = preset.whhScale
    state.step = 0
    state.sweepFrom = nil
    state.overlay = preset.cell == .all
    if let wanted = CellKind(rawValue: preset.cell.rawValue),
       let index = state.models.firstIndex(where: { $0.model.cell == wanted }) {
        state.modelIndex = index
    }
    state.retrace()
    state.status = "\(lesson.title) · → steps a word · b sweeps backward · ? keys"
}

private func lessonKey(_ state: inout TutorState, _ key: Key) {
    let words = state.trace?.tokens.count ?? 0
    switch key {
    case .escape, .character("q"):
        state.screen = .course
        state.status = "Enter opens a lesson · ? help · q quits"
    case .right, .character("l"):
        state.step = min(state.step + 1, max(words - 1, 0))
        describeStep(&state)
    case .left, .character("h"):
        state.step = max(state.step - 1, 0)
        describeStep(&state)
    case .home: state.step = 0; describeStep(&state)
    case .end: state.step = max(words - 1, 0); describeStep(&state)
    case .up, .character("k"):
        if state.focus == .text { state.textScroll = max(0, state.textScroll - 1) } else { state.firstUnit = max(0, state.firstUnit - 1) }
    case .down, .character("j"):
        if state.focus == .text { state.textScroll += 1 } else { state.firstUnit += 1 }
    case .pageUp: state.textScroll = max(0, state.textScroll - max(1, state.height - 4))
    case .pageDown: state.textScroll += max(1, state.height - 4)
    case .tab:
        state.focus = state.focus == .text ? .panels : .text
        state.status = state.focus == .text ? "↑↓ scroll the lesson text" : "↑↓ scroll the hidden units"
    case .character("d"):
        let all = LessonDepth.allCases
        state.depth = all[(all.firstIndex(of: state.depth)! + 1) % all.count]
        state.textScroll = 0
        state.status = "depth: \(state.depth.rawValue)"
    case .character("1"), .character("2"), .character("3"):
        let wanted: CellKind = key == .character("1") ? .rnn : key == .character("2") ? .lstm : .gru
        if let index = state.models.firstIndex(where: { $0.model.cell == wanted }) { chooseModel(&state, index) }
        else { state.status = "no \(wanted.displayName) model is loaded" }
    case .character("c"):
        if !state.models.isEmpty { chooseModel(&state, (state.modelIndex + 1) % state.models.count) }
    case .character("["), .character("]"):
        let current = state.lossStep ?? max(words - 1, 0)
        let next = key == .character("[") ? max(0, current - 1) : min(max(words - 1, 0), current + 1)
        state.lossStep = next
        state.retrace()
        state.status = "loss now at word \(next + 1)"
    case .character("o"):
        state.overlay.toggle()
        state.retrace()
        state.status = state.overlay ? "gradient plot: every cell overlaid" : "gradient plot: \(state.model?.cell.displayName ?? "") only"
    case .character("b"):
        guard let trace = state.trace else { return }
        state.sweepFrom = trace.loss.step + 1
        state.status = "backward sweep from word \(trace.loss.step + 1)…"
    case .character("+"), .character("="), .character("-"):
        let delta: Float = key == .character("-") ? -0.25 : 0.25
        state.whhScale = min(4, max(0, (state.whhScale + delta) * 4).rounded() / 4)
        state.retrace()
        describeGradient(&state, prefix: "W_hh × \(String(format: "%.2f", state.whhScale))")
    default: break
    }
}

private func chooseModel(_ state: inout TutorState, _ index: Int) {
    state.modelIndex = index
    state.retrace()
    describeGradient(&state, prefix: state.models[index].model.cell.displayName)
}

private let sweepPace = 3   // ticks per revealed word

private func advanceSweep(_ state: inout TutorState) {
    guard let from = state.sweepFrom else { return }
    state.sweepTicks += 1
    guard state.sweepTicks % sweepPace == 0 else { return }
    if from <= 0 {
        state.sweepFrom = nil
        describeGradient(&state, prefix: "sweep done")
    } else {
        state.sweepFrom = from - 1
    }
}

private func describeStep(_ state: inout TutorState) {
    guard let trace = state.trace else { return }
    let word = trace.tokens[state.step]
    let guess = trace.steps[state.step].top.first.map { " · expects \"\($0.label)\" next (\(Int(($0.probability * 100).rounded()))%)" } ?? ""
    state.status = "word \(state.step + 1): \"\(word)\"\(guess)"
}

/// Says in words what the gradient plot shows: how much reaches the first word.
func describeGradient(_ state: inout TutorState, prefix: String) {
    guard let trace = state.trace else { state.status = prefix; return }
    let norms = trace.hiddenGradientNorms
    let atLoss = norms[trace.loss.step], atFirst = norms[0]
    if !atLoss.isFinite || !atFirst.isFinite {
        state.status = "\(prefix): the gradient is not finite (it exploded)"
    } else if atLoss > 0 {
        let ratio = Double(atFirst / atLoss)
        let exponent = ratio > 0 ? Int(log10(ratio).rounded()) : -99
        state.status = "\(prefix): gradient at word 1 is about 10^\(exponent) of its value at the loss (word \(trace.loss.step + 1))"
    } else {
        state.status = prefix
    }
}
