import Course
import Foundation
import ModelFile
import Practice
import RNNCore

// The lesson screen's keys (and the sentence editor's): what each action does to the
// lesson, and the effects it asks for. The drawing is in LessonScreen.swift.

/// Opens the selected lesson where the learner left it (depth and scroll), with
/// its lab preset loaded into the panels, over the screen in view.
func openLesson(_ state: inout TutorState) -> [Effect] {
    guard state.course.lessons.indices.contains(state.selectedLesson) else { return [] }
    let lesson = state.course.lessons[state.selectedLesson]
    let saved = state.progress.lessons[lesson.id]
    var session = LessonSession()
    session.lessonIndex = state.selectedLesson
    session.depth = saved?.depth.flatMap(LessonDepth.init(rawValue:)) ?? state.readingDepth
    let preset = lesson.lab
    // The lab as the learner left it (cell, cursor, an edited sentence), else the lesson's preset.
    let edited = saved?.labSentence.flatMap { $0 == preset.sentence ? nil : $0 }
    session.sentence = edited ?? preset.sentence
    session.whhScale = preset.whhScale
    session.cursorWord = saved?.labWord ?? 0
    session.overlay = preset.cell == .all
    session.modelIndex = state.lastModelIndex
    if let wanted = CellKind(rawValue: saved?.labCell ?? preset.cell.rawValue),
       let index = state.models.firstIndex(where: { $0.model.cell == wanted }) {
        session.modelIndex = index
    }
    session.instruments.showsJacobian = preset.panels.contains(.jacobian)
    var effects: [Effect] = []
    if let name = preset.model {
        if let index = state.models.index(named: name) {
            if state.models[index].model.cell.rawValue == preset.cell.rawValue { session.modelIndex = index }
        } else {
            effects.append(.loadModel(name: name))   // answered at once, with `.modelLoaded`
        }
    }
    state.open(.lesson(session))
    state.lessonOnScreen.textScroll = min(saved?.position ?? 0, state.maximumTextScroll)
    state.lessonOnScreen.lossWord = edited == nil ? (preset.lossStep ?? defaultLossWord(state)) : defaultLossWord(state)
    state.retrace()
    state.lessonOnScreen.probeGradientAxis(models: state.models)
    state.status = "\(lesson.title) · " + lessonHint([([.nextWord], "steps a word"), ([.backwardSweep], "sweeps backward"), ([.help], "keys")])
    return effects + noteIfRead(&state)
}

/// With no loss step chosen, a language model's loss goes on the last word whose next word the
/// sentence itself gives: after the very last word there is none, and a loss against the model's
/// own guess is close to zero, which explains little. Worked out from the words, before the trace.
private func defaultLossWord(_ state: TutorState) -> Int? {
    guard let model = state.model, model.task == .lm, let count = try? model.tokenize(state.lessonOnScreen.sentence).count, count >= 2
    else { return nil }
    return count - 2
}

/// On start: back into the lesson the learner was in when the tutor last closed.
func resume(_ state: inout TutorState) -> [Effect] {
    guard let id = state.progress.lastLesson, let index = state.course.lessons.firstIndex(where: { $0.id == id }) else { return [] }
    state.selectedLesson = index
    let effects = openLesson(&state)
    state.status = "Back in \"\(state.course.lessons[index].title)\" where you left off · "
        + lessonHint([([.back], "all lessons"), ([.help], "keys")])
    return effects
}

/// Where the learner is in the lesson, for the store (on leaving it or quitting).
func recordPosition(_ state: inout TutorState) -> [Effect] {
    guard let lesson = state.lesson, let here = state.lessonSession else { return [] }
    let cell = state.model?.cell.rawValue ?? lesson.lab.cell.rawValue
    // While the network writes, the learner's own sentence is what is kept (Enter keeps the written one).
    let own = here.instruments.writer?.original
    let word = own?.cursorWord ?? here.cursorWord
    let mine = own?.sentence ?? here.sentence
    let sentence = mine == lesson.lab.sentence ? nil : mine
    var progress = state.progress.lessons[lesson.id] ?? LessonProgress()
    progress.depth = here.depth.rawValue
    progress.position = here.textScroll
    progress.labWord = word
    progress.labCell = cell
    progress.labSentence = sentence
    state.progress.lessons[lesson.id] = progress
    state.progress.lastLesson = lesson.id
    // The next lesson opened without saved progress starts at this depth and cell.
    state.readingDepth = here.depth
    state.lastModelIndex = here.modelIndex
    return [.record(.position(lesson: lesson.id, depth: here.depth.rawValue, line: here.textScroll, at: state.now)),
            .record(.lab(lesson: lesson.id, word: word, cell: cell, sentence: sentence))]
}

/// Marks the lesson read the first time its last line is on screen (`limit`: the scroll
/// limit when the caller has already laid the text out).
private func noteIfRead(_ state: inout TutorState, limit: Int? = nil) -> [Effect] {
    guard let lesson = state.lesson, state.lessonOnScreen.textScroll >= limit ?? state.maximumTextScroll,
          state.progress.lessons[lesson.id]?.read != true else { return [] }
    state.progress.lessons[lesson.id, default: LessonProgress()].read = true
    return [.record(.read(lesson: lesson.id, at: state.now))]
}

/// Leaves the lesson: back to the screen it was opened over (a lesson whose link opened it,
/// the FAQ answer), else to the course.
private func leaveLesson(_ state: inout TutorState) -> [Effect] {
    let effects = recordPosition(&state)
    state.goBack()
    switch state.screen {
    case .lesson: state.status = "back in \"\(state.lesson?.title ?? "")\"" + (state.returnStack.isEmpty ? "" : " · " + lessonHint([([.back], "goes back further")]))
    case .faq: state.status = FAQScreen.answerStatus
    default: state.status = TutorState.courseStatus
    }
    return effects
}

/// The links of the lesson text in reading order, each with the line it starts on.
func linkLines(_ lines: [TextLayout.Line]) -> [(link: TextLayout.Link, line: Int)] {
    var seen = Set<Int>(), result: [(link: TextLayout.Link, line: Int)] = []
    for (number, line) in lines.enumerated() {
        for link in line.links where seen.insert(link.ordinal).inserted { result.append((link, number)) }
    }
    return result
}

/// `g`: selects the next link (the first one in view when none is selected) and scrolls it into view.
private func selectNextLink(_ state: inout TutorState) {
    let lines = state.lessonLines
    let links = linkLines(lines)
    guard !links.isEmpty else { state.status = "this text has no links at this depth"; return }
    let next: (link: TextLayout.Link, line: Int)
    if let selected = state.lessonOnScreen.selectedLink {
        next = links.first { $0.link.ordinal > selected } ?? links[0]
    } else {
        next = links.first { $0.line >= state.lessonOnScreen.textScroll } ?? links[0]
    }
    state.lessonOnScreen.selectedLink = next.link.ordinal
    let height = state.lessonLayout.textBody.height
    if next.line < state.lessonOnScreen.textScroll || next.line >= state.lessonOnScreen.textScroll + height {
        state.lessonOnScreen.textScroll = min(max(0, next.line - 2), max(0, lines.count - height))
    }
    let title = state.course.lessons.first { $0.id == next.link.lessonID }?.title ?? next.link.lessonID
    state.status = "link to \"\(title)\" · " + lessonHint([([.followLink], "follows it"), ([.selectLink], "next link")])
}

/// Enter on a selected link: opens that lesson; Esc comes back here.
private func followLink(_ state: inout TutorState) -> [Effect] {
    guard let selected = state.lessonOnScreen.selectedLink,
          let link = linkLines(state.lessonLines).first(where: { $0.link.ordinal == selected })?.link,
          let target = state.course.lessons.firstIndex(where: { $0.id == link.lessonID }) else {
        state.status = "no link selected: " + lessonHint([([.selectLink], "selects one")])
        return []
    }
    var effects = recordPosition(&state)
    state.selectedLesson = target
    effects += openLesson(&state)
    state.status = "\(state.lesson?.title ?? "") · " + lessonHint([([.back], "goes back to the lesson you came from")])
    return effects
}

/// The sentence editor has every key but Ctrl-C while it is open.
private func editorKey(_ state: inout TutorState, _ key: Key) {
    guard var editor = state.lessonOnScreen.editor else { return }
    switch state.action(for: key) {
    case .keepSentence:
        state.lessonOnScreen.editor = nil
        state.status = "sentence unchanged"
    case .traceSentence:
        let text = editor.text
        guard !Tokenizer.words(in: text, lowercase: false).isEmpty else {
            state.status = "type at least one word (" + Keymap.hint(.editor, [([.keepSentence], "keeps the old sentence")]) + ")"
            return
        }
        let old = state.lessonOnScreen.sentence
        state.lessonOnScreen.sentence = text
        state.lessonOnScreen.cursorWord = 0
        state.lessonOnScreen.lossWord = defaultLossWord(state)
        state.lessonOnScreen.sweepFrom = nil
        state.retrace()
        if let error = state.lessonOnScreen.traceError {
            state.lessonOnScreen.sentence = old
            state.lessonOnScreen.lossWord = nil
            state.retrace()
            state.status = "cannot trace that: \(error)"
            return
        }
        state.lessonOnScreen.editor = nil
        state.lessonOnScreen.gradientGhost = nil
        state.lessonOnScreen.probeGradientAxis(models: state.models)
        let unknown = state.model.map { model in state.lessonOnScreen.trace?.ids.filter { $0 == model.unknownID }.count ?? 0 } ?? 0
        state.status = "new sentence, \(state.lessonOnScreen.trace?.tokens.count ?? 0) words"
            + (unknown > 0 ? ", \(unknown) unknown to the model (read as \(state.model?.unknownToken ?? "unknown"))" : "")
    default:
        if editor.apply(key) {
            if case .character = key, editor.text == state.lessonOnScreen.editor?.text, editor.text.count >= LineEditor.limit {
                state.status = "the sentence is at its \(LineEditor.limit)-character limit"
            }
            state.lessonOnScreen.editor = editor
        } else {
            state.status = Keymap.hint(.editor, [([.traceSentence], "traces the sentence"), ([.keepSentence], "keeps the old one")])
        }
    }
}

/// A key on the lesson screen: the editor's while it is open, else the lesson's. ▲▼ then
/// compare the hidden state at the cursor before and after the key, on the same sentence,
/// cell and layer (a step compares two words; a knob turn the same word).
func lessonKey(_ state: inout TutorState, _ key: Key) -> [Effect] {
    state.lessonOnScreen.previousHidden = nil
    let before = state.lessonOnScreen
    let effects: [Effect]
    if before.editor != nil {
        editorKey(&state, key)
        effects = []
    } else {
        effects = lessonActionKey(&state, key)
    }
    guard let after = state.lessonSession, after.task == nil, after.lessonIndex == before.lessonIndex, after.sentence == before.sentence,
          after.modelIndex == before.modelIndex, after.instruments.layer == before.instruments.layer, let old = before.currentHidden, let new = after.currentHidden,
          old != new, old.count == new.count else { return effects }
    state.lessonOnScreen.previousHidden = old
    return effects
}

private func lessonActionKey(_ state: inout TutorState, _ key: Key) -> [Effect] {
    if state.lessonOnScreen.instruments.writer != nil { return writerKey(&state, key) }
    if state.lessonOnScreen.instruments.finder != nil { return finderKey(&state, key) }
    let words = state.lessonOnScreen.trace?.tokens.count ?? 0
    // The bars before a toggle or a knob turn stay as a ghost until the next key.
    let barsBefore = state.lessonOnScreen.shownGradient
    state.lessonOnScreen.gradientGhost = nil
    func keepGhost() { if barsBefore != state.lessonOnScreen.shownGradient { state.lessonOnScreen.gradientGhost = barsBefore } }
    switch state.action(for: key) {
    case .back: return leaveLesson(&state)
    case .selectLink: selectNextLink(&state)
    case .openTask: openLessonTask(&state)
    case .lessonQuiz: return recordPosition(&state) + startQuiz(&state, lesson: state.lesson)
    case .reviewCards: return recordPosition(&state) + startReview(&state, lesson: state.lesson)
    case .experiment:
        guard let lab = state.lesson?.lab else { return [] }
        switch lab.experiment {
        case .adding:
            let effects = recordPosition(&state)
            openExperiment(&state, .race())
            return effects
        case .explorer:
            let effects = recordPosition(&state)
            openExperiment(&state, .explorer(cell: state.model?.cell ?? .rnn, whhScale: max(0.25, state.lessonOnScreen.whhScale),
                                             clipping: lab.clipping))
            return effects
        case .none:
            state.status = "this lesson has no experiment of its own; " + lessonHint([([.explorer], "opens the gradient explorer")])
                + ", and " + Keymap.hint(.course, [([.race], "on the course screen the race")])
        }
    case .explorer:
        let effects = recordPosition(&state)
        openExperiment(&state, .explorer(cell: state.model?.cell ?? .rnn, whhScale: max(0.25, state.lessonOnScreen.whhScale),
                                         clipping: state.lesson?.lab.clipping ?? false))
        return effects
    case .followLink: return followLink(&state)
    case .editSentence:
        state.lessonOnScreen.editor = LineEditor(state.lessonOnScreen.sentence)
        state.status = "edit the sentence · " + Keymap.hint(.editor, [([.traceSentence], "traces it"), ([.keepSentence], "keeps the old one")])
    case .nextWord:
        state.lessonOnScreen.cursorWord = min(state.lessonOnScreen.cursorWord + 1, max(words - 1, 0))
        describeCursorWord(&state)
    case .previousWord:
        state.lessonOnScreen.cursorWord = max(state.lessonOnScreen.cursorWord - 1, 0)
        describeCursorWord(&state)
    case .firstWord: state.lessonOnScreen.cursorWord = 0; describeCursorWord(&state)
    case .lastWord: state.lessonOnScreen.cursorWord = max(words - 1, 0); describeCursorWord(&state)
    case .up:
        if state.lessonOnScreen.focus == .text { return scrollText(&state, by: -1) } else { state.lessonOnScreen.firstUnit = max(0, state.lessonOnScreen.firstUnit - 1) }
    case .down:
        if state.lessonOnScreen.focus == .text { return scrollText(&state, by: 1) } else { state.lessonOnScreen.firstUnit = min(state.lessonOnScreen.firstUnit + 1, state.lessonOnScreen.trace?.hiddenSize ?? 0) }
    case .pageUp: return scrollText(&state, by: -max(1, state.lessonLayout.textBody.height - 2))
    case .pageDown: return scrollText(&state, by: max(1, state.lessonLayout.textBody.height - 2))
    case .switchFocus:
        state.lessonOnScreen.focus = state.lessonOnScreen.focus == .text ? .panels : .text
        state.status = lessonHint([([.up, .down], state.lessonOnScreen.focus == .text ? "scroll the lesson text" : "scroll the hidden units")])
    case .cycleDepth:
        let all = LessonDepth.allCases
        state.lessonOnScreen.depth = all[(all.firstIndex(of: state.lessonOnScreen.depth)! + 1) % all.count]
        state.lessonOnScreen.textScroll = 0
        state.lessonOnScreen.selectedLink = nil
        state.status = "depth: \(state.lessonOnScreen.depth.rawValue)"
        return noteIfRead(&state)
    case .chooseRNN, .chooseLSTM, .chooseGRU:
        let wanted: CellKind = state.action(for: key) == .chooseRNN ? .rnn : state.action(for: key) == .chooseLSTM ? .lstm : .gru
        if let index = state.models.firstIndex(where: { $0.model.cell == wanted }) { chooseModel(&state, index); keepGhost() }
        else { state.status = "no \(wanted.displayName) model is loaded" }
    case .cycleCell:
        if !state.models.isEmpty { chooseModel(&state, (state.lessonOnScreen.modelIndex + 1) % state.models.count); keepGhost() }
    case .lossEarlier, .lossLater:
        let current = state.lessonOnScreen.lossWord ?? max(words - 1, 0)
        let next = state.action(for: key) == .lossEarlier ? max(0, current - 1) : min(max(words - 1, 0), current + 1)
        state.lessonOnScreen.lossWord = next
        state.retrace()
        state.status = state.lessonOnScreen.trace.map { LossLabel.text($0, classifier: state.model?.task == .classify) } ?? "loss now at word \(next + 1)"
    case .overlay:
        state.lessonOnScreen.overlay.toggle()
        state.retrace()
        state.status = state.lessonOnScreen.overlay ? "gradient plot: every cell overlaid" : "gradient plot: \(state.model?.cell.displayName ?? "") only"
    case .backwardSweep:
        guard let trace = state.lessonOnScreen.trace else { return [] }
        state.lessonOnScreen.sweepFrom = trace.loss.step + 1
        state.status = "backward sweep from word \(trace.loss.step + 1)…"
    case .scaleUp, .scaleDown:
        let delta: Float = state.action(for: key) == .scaleDown ? -0.25 : 0.25
        state.lessonOnScreen.whhScale = min(4, max(0, (state.lessonOnScreen.whhScale + delta) * 4).rounded() / 4)
        state.retrace()
        keepGhost()
        describeGradient(&state, prefix: "W_hh × \(String(format: "%.2f", state.lessonOnScreen.whhScale))")
    case .jacobianPanel: toggleJacobian(&state)
    case .write: startWriting(&state)
    case .findUnit: openFinder(&state)
    case .cycleLayer: cycleLayer(&state)
    default: break
    }
    return []
}

/// Scrolls the lesson text, never past its end; a selected link that leaves the view is let go.
private func scrollText(_ state: inout TutorState, by count: Int) -> [Effect] {
    let lines = state.lessonLines, height = state.lessonLayout.textBody.height
    let limit = max(0, lines.count - height)
    state.lessonOnScreen.textScroll = min(max(0, state.lessonOnScreen.textScroll + count), limit)
    if let selected = state.lessonOnScreen.selectedLink, let line = linkLines(lines).first(where: { $0.link.ordinal == selected })?.line,
       line < state.lessonOnScreen.textScroll || line >= state.lessonOnScreen.textScroll + height {
        state.lessonOnScreen.selectedLink = nil
    }
    return noteIfRead(&state, limit: limit)
}

private func chooseModel(_ state: inout TutorState, _ index: Int) {
    state.lessonOnScreen.modelIndex = index
    state.retrace()
    describeGradient(&state, prefix: state.models[index].model.cell.displayName)
}

private let sweepPace = 3   // ticks per revealed word

func advanceSweep(_ state: inout TutorState) {
    guard let from = state.lessonOnScreen.sweepFrom else { return }
    state.lessonOnScreen.sweepTicks += 1
    guard state.lessonOnScreen.sweepTicks % sweepPace == 0 else { return }
    if from <= 0 {
        state.lessonOnScreen.sweepFrom = nil
        describeGradient(&state, prefix: "sweep done")
    } else {
        state.lessonOnScreen.sweepFrom = from - 1
    }
}

private func describeCursorWord(_ state: inout TutorState) {
    state.lessonOnScreen.showCursorWord(models: state.models)
    guard let trace = state.lessonOnScreen.trace else { return }
    let word = trace.tokens[state.lessonOnScreen.cursorWord]
    let guess = trace.steps[state.lessonOnScreen.cursorWord].top.first.map { " · expects \"\($0.label)\" next (\(Numbers.chance($0.probability)))" } ?? ""
    state.status = "word \(state.lessonOnScreen.cursorWord + 1): \"\(word)\"\(guess)"
}

/// Says in words what the gradient plot shows: how much reaches the first word (on h, and
/// on the LSTM's cell state c), what the loss predicts, and when a scaled-up RNN's
/// gradient vanishes anyway, that saturation is why.
func describeGradient(_ state: inout TutorState, prefix: String) {
    guard let trace = state.lessonOnScreen.trace else { state.status = prefix; return }
    state.status = GradientSummary.text(trace, prefix: prefix, whhScale: state.lessonOnScreen.whhScale, classifier: state.model?.task == .classify)
}

/// A status-line hint in the lesson's own keys.
private func lessonHint(_ parts: [([Action], String)]) -> String { Keymap.hint(.lesson, parts) }
