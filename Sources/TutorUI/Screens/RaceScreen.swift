import Foundation
import RNNCore

// The experiment screens' keys (race and explorer share them where they can)
// and the race's drawing. Training itself runs on the worker: update only asks
// for it with an effect and takes in the snapshots the runtime sends back.

func openExperiment(_ state: inout TutorState, _ session: ExperimentSession) {
    state.open(.experiment(session))
    state.status = experimentHint(session)
}

func experimentProgress(_ state: inout TutorState, _ snapshot: ExperimentSnapshot) {
    guard var session = state.experiment, session.snapshot != nil, !session.stopped else { return }
    let wasRunning = session.isRunning
    session.snapshot = snapshot
    state.experiment = session
    if wasRunning && !snapshot.running {
        state.status = snapshot.race.isFinished ? finishedSummary(snapshot.race) : experimentHint(session)
    }
}

private func experimentHint(_ session: ExperimentSession) -> String {
    if session.isRunning { return "training in the background · Esc stops" }
    switch session.kind {
    case .race: return "← → T · + − steps · n next seed · Enter starts the race · q back"
    case .explorer: return "1 2 3 cell · + − W_hh · c clipping · ← → T · Enter trains · s one step · q back"
    }
}

private func finishedSummary(_ race: AddingRace) -> String {
    if race.standings.count == 1, let only = race.standings.first {
        let error = only.heldOutError ?? .nan
        return "done: \(only.cell.displayName) held-out error " + Numbers.error(error)
            + (AddingRace.learned(error) ? " (learned)" : " (not learned)") + " · Enter runs again · q back"
    }
    let learned = race.standings.filter { AddingRace.learned($0.heldOutError ?? .nan) }.map(\.cell.displayName)
    return "done: " + (learned.isEmpty ? "no cell learned the task" : learned.joined(separator: ", ") + " learned the task")
        + " · Enter runs again · q back"
}

func experimentKey(_ state: inout TutorState, _ key: Key) -> [Effect] {
    guard var session = state.experiment else { return [] }
    if session.isRunning {
        // After the last step the worker is scoring the held-out sequences: a moment, not worth stopping.
        if session.snapshot?.race.isFinished == true { return [] }
        guard state.action(for: key) == .back else { return [] }
        session.snapshot?.running = false
        session.stopped = true
        state.experiment = session
        state.status = "stopped at step \(session.snapshot?.race.step ?? 0) · Enter runs again · q back"
        return [.stopTraining]
    }
    var effects: [Effect] = []
    let action = state.action(for: key)
    switch action {
    case .back?:
        state.goBack()
        state.status = state.screen == .course ? "Enter opens a lesson · ? help · q quits" : "experiment closed"
        return []
    case .shorterSequence?, .longerSequence?:
        let lengths = ExperimentSession.lengths
        let index = lengths.firstIndex(of: session.settings.length) ?? 2
        session.settings.length = lengths[max(0, min(lengths.count - 1, index + (action == .shorterSequence ? -1 : 1)))]
        session.snapshot = nil
    case .train? where session.kind == .explorer && session.snapshot.map({ !$0.race.isFinished }) == true:
        // The explorer continues the run shown (stopped, or stepped with s) to the end of its steps.
        let snapshot = session.snapshot!
        session.snapshot = ExperimentSnapshot(race: snapshot.race, running: true)
        session.stopped = false
        effects.append(.train(session.snapshot!, until: session.settings.steps))
    case .train?:
        // A fresh run on the worker thread. The explorer keeps the finished run as a ghost and
        // takes the next seed, so the new run is another sample, not the same one again.
        if session.kind == .explorer, let previous = session.snapshot?.race.standings.first {
            session.ghost = (previous.cell, previous.lossCurve)
            session.settings.seed += 1
        }
        let race = AddingRace(session.settings)
        session.snapshot = ExperimentSnapshot(race: race, running: true)
        session.stopped = false
        effects.append(.train(session.snapshot!, until: session.settings.steps))
    case .nextSeed?:
        // Another seed: other weights and batches, to see how much one run is luck.
        session.settings.seed += 1
        session.snapshot = nil
    case .oneStep?:
        // One step at a time, continuing the run shown.
        let snapshot = session.snapshot ?? ExperimentSnapshot(race: AddingRace(session.settings), running: false)
        guard !snapshot.race.isFinished else { state.status = "the run is over · Enter starts a new one"; return [] }
        session.snapshot = ExperimentSnapshot(race: snapshot.race, running: true)
        effects.append(.train(session.snapshot!, until: snapshot.race.step + 1))
    case .chooseRNN?, .chooseLSTM?, .chooseGRU?:
        session.settings.cells = [action == .chooseRNN ? .rnn : action == .chooseLSTM ? .lstm : .gru]
        session.snapshot = nil
    case .scaleUp?, .scaleDown?, .moreSteps?, .fewerSteps?:
        let up = action == .scaleUp || action == .moreSteps
        if session.kind == .explorer {
            session.settings.whhScale = min(4, max(0.25, session.settings.whhScale + (up ? 0.25 : -0.25)))
        } else {
            // Longer runs give the LSTM at T = 100 time to learn; shorter ones show the start quickly.
            let choices = ExperimentSession.stepChoices
            let index = choices.firstIndex(of: session.settings.steps) ?? 2
            session.settings.steps = choices[max(0, min(choices.count - 1, index + (up ? 1 : -1)))]
        }
        session.snapshot = nil
    case .clipping?:
        session.settings.clipNorm = session.settings.clipNorm == nil ? 1 : nil
        session.snapshot = nil
    default:
        return []
    }
    state.experiment = session
    state.status = experimentHint(session)
    return effects
}

enum RaceScreen {
    static func draw(_ state: TutorState, in rect: Rect, on grid: inout CellGrid) {
        guard let session = state.experiment else { return }
        if session.kind == .explorer { ExplorerScreen.draw(state, session, in: rect, on: &grid); return }
        let s = session.settings
        var y = rect.y
        grid.put("The adding race · T = \(s.length) · H = \(s.hidden) · \(s.steps) steps · seed \(s.seed)", x: rect.x + 1, y: y,
                 style: Style(bold: true), clip: rect)
        y += 1
        let about = "Two of the T numbers are marked; the target is their sum. Always answering 1 scores 0.167 "
            + "(the dotted line). The gates have to carry the first mark across T steps."
        for line in TextLayout.wrap(about, width: max(1, rect.width - 2)).prefix(3) {
            grid.put(line, x: rect.x + 1, y: y, style: PanelFrame.captionStyle, clip: rect)
            y += 1
        }
        y += 1
        guard let snapshot = session.snapshot else {
            let choices = ExperimentSession.lengths.map { $0 == s.length ? "[\($0)]" : " \($0) " }.joined(separator: " ")
            grid.put("T: \(choices)   (← →)    steps: \(s.steps) (+ −)    seed: \(s.seed) (n)    Enter starts",
                     x: rect.x + 1, y: y, clip: rect)
            let expectation = "RNN, LSTM and GRU train side by side on the same batches. With the defaults (T = 50) expect "
                + "the gated cells to fall well below the line within seconds, and the RNN to stay near it."
            for (i, line) in TextLayout.wrap(expectation, width: max(1, rect.width - 2)).enumerated() {
                grid.put(line, x: rect.x + 1, y: y + 2 + i, style: PanelFrame.captionStyle, clip: rect)
            }
            return
        }
        let race = snapshot.race
        // One line per cell: progress bar, loss, the gradient reaching the first step.
        let barWidth = max(5, min(30, rect.width / 4))
        for standing in race.standings {
            let style = Style(foreground: CellPalette.color(standing.cell), bold: true)
            var x = rect.x + 1
            x += grid.put(standing.cell.displayName.padding(toLength: 5, withPad: " ", startingAt: 0), x: x, y: y, style: style, clip: rect)
            x += grid.put(Bar.text(Double(race.step) / Double(max(1, s.steps)), width: barWidth, ascii: state.ascii),
                          x: x, y: y, style: style, clip: rect)
            let loss = standing.lossCurve.last ?? standing.lastLoss
            var text = " \(race.step)/\(s.steps) loss \(Numbers.value(loss)) ‖∂L/∂h₀‖ \(Numbers.magnitude(standing.firstStepCurve.last))"
            if let error = standing.heldOutError {
                text += " · held-out " + Numbers.error(error) + (AddingRace.learned(error) ? " learned" : " not learned")
                    + " · " + Numbers.seconds(standing.seconds)
            }
            grid.put(state.render.spell(text), x: x, y: y, clip: rect)
            y += 1
        }
        y += 1
        let plots = Rect(x: rect.x + 1, y: y, width: rect.width - 2, height: rect.maxY - y)
        guard plots.height >= 5 else { return }
        let (left, right) = CurvePlot.sideBySide(plots)
        let capacity = s.steps / race.sampleEvery
        let legend = race.standings.map { CellPalette.legend($0.cell, state.render) }.joined(separator: ", ")
        let lossBody = PanelFrame.draw("Training loss (\(legend))", caption: "squared error; dotted: 0.167, answering 1",
                                       in: left, on: &grid, options: state.render)
        CurvePlot.draw(race.standings.map { series($0.lossCurve, $0.cell) }, axis: .linear(low: 0, high: 0.3),
                       reference: (AddingProblem.baselineError, "0.167"), capacity: capacity, in: lossBody, on: &grid, options: state.render)
        if let right {
            let gradientBody = PanelFrame.draw("‖∂L/∂h₀‖ over training", caption: "log scale: how much gradient reaches the first step",
                                               in: right, on: &grid, options: state.render)
            CurvePlot.draw(race.standings.map { series($0.firstStepCurve, $0.cell) }, axis: .log, capacity: capacity,
                           in: gradientBody, on: &grid, options: state.render)
        }
    }

    static func series(_ values: [Float], _ cell: CellKind) -> CurvePlot.Series {
        CurvePlot.Series(values: values, style: CellPalette.style(cell), mark: CellPalette.letter(cell))
    }
}
