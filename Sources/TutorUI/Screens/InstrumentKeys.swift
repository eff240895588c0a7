import Course
import Foundation
import RNNCore
import Trace

// The keys of the lab's instruments (LabInstruments): the Jacobian panel, and what
// opening a lesson sets up for them. The drawing is in Panels/.

/// `J`: the Jacobian panel to the front, or away again.
func toggleJacobian(_ state: inout TutorState) {
    state.lessonOnScreen.instruments.showsJacobian.toggle()
    state.lessonOnScreen.refreshInstruments(models: state.models)
    guard state.lessonOnScreen.instruments.showsJacobian else {
        state.status = "Jacobian panel put away (J brings it back)"
        return
    }
    guard let bound = state.lessonOnScreen.instruments.jacobian?.bound, let trace = state.lessonOnScreen.trace else {
        state.status = "no Jacobian: \(state.lessonOnScreen.traceError ?? "no trace")"
        return
    }
    let layer = bound.layers[state.lessonOnScreen.instruments.shownLayer(of: trace.layers)]
    // The product runs over the steps s = 1 … K (the first word has no step into it).
    let k = bound.lossStep
    guard k > 0 else {
        state.status = "Jacobian: the loss is on the first word, so no step carries its gradient back · J puts it away"
        return
    }
    let above = layer.largestSingularValues[1...k].filter { $0 > 1 }.count
    let first = layer.bound.first.map(Numbers.scientific) ?? "–"
    state.status = "Jacobian: σ_max > 1 at \(above) of the \(k) steps to the loss; Π from word 2 on \(first)"
        + " · + − W_hh · J puts it away"
}

/// `w` in a lesson: the network writes on from the sentence up to the cursor's word.
func startWriting(_ state: inout TutorState) {
    guard let trace = state.lessonOnScreen.trace, state.models.indices.contains(state.lessonOnScreen.modelIndex) else {
        state.status = "nothing to write from: \(state.lessonOnScreen.traceError ?? "no trace")"
        return
    }
    let upTo = min(state.lessonOnScreen.cursorWord, trace.tokens.count - 1)
    var writer = WriterSession(prefix: trace.tokens[...upTo].joined(separator: " "),
                               original: (state.lessonOnScreen.sentence, state.lessonOnScreen.lossWord, state.lessonOnScreen.cursorWord))
    writer.originalAxis = state.lessonOnScreen.gradientAxis
    state.lessonOnScreen.sweepFrom = nil
    writeAgain(&state, &writer)
}

/// Starts the writer from its prefix with its settings, the lab showing the prefix alone.
private func writeAgain(_ state: inout TutorState, _ writer: inout WriterSession) {
    let loaded = state.models[state.lessonOnScreen.modelIndex]
    writer.start(model: loaded.model, packedHead: loaded.head)
    state.lessonOnScreen.instruments.writer = writer
    if writer.isWriting { show(&state, sentence: writer.prefix) }
    state.status = writer.problem.map { "cannot write: \($0) · Esc back" }
        ?? "the \(loaded.model.cell.displayName) writes from \"\(TextLayout.fitted(writer.prefix, 40))\" · \(writer.settingsLine) · Space stops"
}

/// The lab on a sentence being written: the cursor on its last word, the loss on the word before.
private func show(_ state: inout TutorState, sentence: String) {
    state.lessonOnScreen.sentence = sentence
    let words = (try? state.model?.tokenize(sentence).count) ?? 1
    state.lessonOnScreen.lossWord = max(0, words - 2)
    state.lessonOnScreen.cursorWord = max(0, words - 1)   // before the trace: the head runs at the cursor's word
    state.retrace()
}

/// On every beat while writing: the next word every few beats, traced as it appears.
func advanceWriting(_ state: inout TutorState) {
    guard var writer = state.lessonOnScreen.instruments.writer, writer.isWriting else { return }
    let sentence = writer.beat()
    state.lessonOnScreen.instruments.writer = writer
    guard let sentence else { return }
    show(&state, sentence: sentence)
    if !writer.isWriting {
        state.status = writer.progressLine + " · Enter keeps the sentence · w writes again · Esc goes back"
    }
}

/// The keys while the writer's panel is open.
func writerKey(_ state: inout TutorState, _ key: Key) -> [Effect] {
    guard var writer = state.lessonOnScreen.instruments.writer else { return [] }
    let words = state.lessonOnScreen.trace?.tokens.count ?? 0
    func settingChanged(_ what: String) {
        writeAgain(&state, &writer)
        state.status = what + " · " + writer.settingsLine + " · writing again"
    }
    switch state.action(for: key) {
    case .write: writeAgain(&state, &writer)
    case .stopWriting:
        writer.stopWriting()
        state.lessonOnScreen.instruments.writer = writer
        state.status = writer.progressLine + " · Enter keeps the sentence · w writes again · Esc goes back"
    case .keepWritten:
        writer.stopWriting()
        state.lessonOnScreen.instruments.writer = nil
        state.lessonOnScreen.gradientGhost = nil
        state.lessonOnScreen.probeGradientAxis(models: state.models)
        state.status = "the written sentence is now the lab's (\(counted(words, "word"))) · e edits it"
    case .cooler, .warmer:
        let all = WriterSession.temperatures
        let index = all.firstIndex(of: writer.temperature) ?? all.firstIndex(of: 1)!   // an unlisted value steps from 1
        let next = state.action(for: key) == .cooler ? max(0, index - 1) : min(all.count - 1, index + 1)
        writer.temperature = all[next]
        settingChanged(writer.temperature == 0 ? "greedy: always the most likely word" : "temperature \(writer.temperature)")
    case .fewerCandidates, .moreCandidates:
        let all = WriterSession.topKs
        let index = all.firstIndex(of: writer.topK) ?? all.count - 1
        let next = state.action(for: key) == .fewerCandidates ? max(0, index - 1) : min(all.count - 1, index + 1)
        writer.topK = all[next]
        settingChanged(writer.topK == 0 ? "every word is a candidate" : "only the \(writer.topK) most likely words are candidates")
    case .nextSeed:
        writer.seed += 1
        settingChanged("seed \(writer.seed)")
    case .nextWord:
        state.lessonOnScreen.cursorWord = min(state.lessonOnScreen.cursorWord + 1, max(words - 1, 0))
    case .previousWord:
        state.lessonOnScreen.cursorWord = max(state.lessonOnScreen.cursorWord - 1, 0)
    case .back:
        state.lessonOnScreen.instruments.writer = nil
        state.lessonOnScreen.sentence = writer.original.sentence
        state.lessonOnScreen.lossWord = writer.original.lossWord
        state.lessonOnScreen.cursorWord = writer.original.cursorWord
        state.retrace()
        // The axis is the sentence's, not the written one's: as it was before writing.
        if let axis = writer.originalAxis {
            state.lessonOnScreen.gradientAxis = axis
            state.lessonOnScreen.widenGradientAxis()
        } else {
            state.lessonOnScreen.probeGradientAxis(models: state.models)
        }
        state.status = "back to the sentence before the writing"
    default:
        state.status = Keymap.hint(.writer, [([.stopWriting], "stops"), ([.keepWritten], "keeps"), ([.cooler, .warmer], "temperature"),
                                             ([.fewerCandidates, .moreCandidates], "top-k"), ([.back], "back")])
    }
    return []
}

/// `u` in a lesson: find the unit, the span starting as the cursor's word alone.
func openFinder(_ state: inout TutorState) {
    guard let trace = state.lessonOnScreen.trace else {
        state.status = "nothing to rank: \(state.lessonOnScreen.traceError ?? "no trace")"
        return
    }
    var finder = UnitFinderSession(span: state.lessonOnScreen.cursorWord...state.lessonOnScreen.cursorWord, layer: state.lessonOnScreen.instruments.shownLayer(of: trace.layers))
    finder.rank(trace)
    state.lessonOnScreen.instruments.finder = finder
    state.lessonOnScreen.sweepFrom = nil
    state.status = Keymap.hint(.finder, [([.previousWord, .nextWord], "move"), ([.spanStart, .spanEnd], "mark the span at the cursor"),
                                         ([.up, .down], "choose a unit"), ([.searchUnit], "searches the held-out text"), ([.back], "closes")])
}

/// The keys while find the unit is open.
func finderKey(_ state: inout TutorState, _ key: Key) -> [Effect] {
    guard var finder = state.lessonOnScreen.instruments.finder, let trace = state.lessonOnScreen.trace else { return [] }
    let words = trace.tokens.count
    let before = finder.chosen?.unit
    switch state.action(for: key) {
    case .nextWord, .previousWord, .firstWord, .lastWord:
        let action = state.action(for: key)
        let cursor = state.lessonOnScreen.cursorWord
        state.lessonOnScreen.cursorWord = action == .nextWord ? min(cursor + 1, words - 1) : action == .previousWord ? max(cursor - 1, 0)
            : action == .firstWord ? 0 : words - 1
    case .spanStart:
        finder.spanStart = state.lessonOnScreen.cursorWord
        finder.spanEnd = max(finder.spanEnd, state.lessonOnScreen.cursorWord)
        finder.rank(trace)
    case .spanEnd:
        finder.spanEnd = state.lessonOnScreen.cursorWord
        finder.spanStart = min(finder.spanStart, state.lessonOnScreen.cursorWord)
        finder.rank(trace)
    case .up: finder.selected = max(0, finder.selected - 1)
    case .down: finder.selected = min(max(0, finder.ranking.count - 1), finder.selected + 1)
    case .searchUnit:
        guard let chosen = finder.chosen else {
            state.status = finder.problem ?? "no unit to search for"
            return []
        }
        let request = UnitSearchRequest(model: state.lessonOnScreen.modelIndex, layer: finder.layer, unit: chosen.unit, highest: chosen.score >= 0)
        finder.search = request
        state.lessonOnScreen.instruments.finder = finder
        state.status = "searching the held-out text for where unit \(chosen.unit) is \(request.highest ? "highest" : "lowest")…"
        return [.searchUnit(request)]
    case .back:
        state.lessonOnScreen.instruments.finder = nil
        state.status = "find the unit closed"
        return []
    default:
        state.status = Keymap.hint(.finder, [([.spanStart, .spanEnd], "mark the span"), ([.up, .down], "choose"),
                                             ([.searchUnit], "searches"), ([.back], "closes")])
        return []
    }
    if finder.chosen?.unit != before { finder.search = nil; finder.found = nil }   // the contexts were another unit's
    state.lessonOnScreen.instruments.finder = finder
    if let problem = finder.problem {
        state.status = problem
    } else if let chosen = finder.chosen {
        state.status = "span: words \(finder.spanStart + 1)–\(finder.spanEnd + 1) · unit \(chosen.unit) scores "
            + String(format: "%+.2f", chosen.score) + " · Enter searches the held-out text"
    }
    return []
}

/// The runtime's answer to a search: kept when it is the one the finder still waits for.
func unitSearched(_ state: inout TutorState, _ answer: UnitSearchAnswer) {
    guard var finder = state.lessonOnScreen.instruments.finder, finder.search == answer.request else { return }
    finder.found = answer
    state.lessonOnScreen.instruments.finder = finder
    state.status = answer.problem.map { "cannot search: \($0)" }
        ?? "unit \(answer.request.unit): its \(answer.contexts.count) \(answer.request.highest ? "strongest" : "weakest") lines of \(answer.lines) held-out lines"
}

/// `L`: the next layer of a stacked model in every panel (after the top one, the bottom one).
func cycleLayer(_ state: inout TutorState) {
    guard let model = state.model else { return }
    let layers = model.architecture.layerCount
    guard layers > 1 else {
        state.status = "the \(model.cell.displayName) has one layer; L moves among the layers of a stacked model (c reaches one where a lesson loads it)"
        return
    }
    let next = (state.lessonOnScreen.instruments.shownLayer(of: layers) + 1) % layers
    state.lessonOnScreen.instruments.layer = next == layers - 1 ? nil : next
    state.lessonOnScreen.refreshInstruments(models: state.models)
    state.status = "layer \(next + 1) of \(layers)" + (next == layers - 1
        ? ": the top one, whose state the prediction reads"
        : ": its hₜ is the input of layer \(next + 2) at the same word")
}

/// The answer to `loadModel`: the model joins the loaded ones, and the lab moves to it when the
/// lesson open names it for its cell.
func modelLoaded(_ state: inout TutorState, _ delivery: ModelDelivery) {
    guard let model = delivery.model else {
        state.status = "the lesson's model \(delivery.name) could not be loaded: \(delivery.problem ?? "unknown problem")"
        return
    }
    guard state.models.index(named: delivery.name) == nil else { return }
    state.addModel(model, name: delivery.name)
    guard state.lessonSession != nil, let preset = state.lesson?.lab, preset.model == delivery.name,
          model.cell.rawValue == preset.cell.rawValue else { return }
    state.lessonOnScreen.modelIndex = state.models.count - 1
    state.retrace()
    state.lessonOnScreen.probeGradientAxis(models: state.models)
}
