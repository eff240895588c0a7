import Foundation
import RNNCore

/// The gradient explorer: one cell learning the adding problem with a chosen
/// W_hh scale and clipping, showing how the gradient fades, holds or blows up
/// on its way back through time, beside the loss and the gradient norm.
enum ExplorerScreen {
    static func draw(_ state: TutorState, _ session: ExperimentSession, in rect: Rect, on grid: inout CellGrid) {
        let s = session.settings
        let cell = s.cells.first ?? .rnn
        let clipping = s.clipNorm.map { "clipping on (norm \(Numbers.tick($0)))" } ?? "clipping off"
        let title = "Gradient explorer · \(cell.displayName) (1 2 3) · T = \(s.length) (← →) · W_hh × "
            + Numbers.setting(s.whhScale) + " (+ −) · \(clipping) (c)"
        var y = rect.y
        for line in TextLayout.wrap(state.render.spell(title), width: max(1, rect.width - 2)).prefix(2) {
            grid.put(line, x: rect.x + 1, y: y, style: Style(bold: true), clip: rect)
            y += 1
        }
        let explain = "The adding problem: a sequence of \(s.length) random numbers in [0, 1], two of them marked, one in each half; "
            + "the network must output their sum at the last step, so it has to carry the first number across the whole sequence. "
            + "Answering 1 every time scores 0.167. Enter trains (up to \(s.steps) steps; again: it goes on, or after the end "
            + "starts a new run with the next seed, the last one left as a dim ghost), s takes one step."
        for line in TextLayout.wrap(state.render.spell(explain), width: max(1, rect.width - 2)).prefix(3) {
            grid.put(line, x: rect.x + 1, y: y, style: PanelFrame.captionStyle, clip: rect)
            y += 1
        }
        y += 1
        guard let snapshot = session.snapshot, let standing = snapshot.race.standings.first else {
            grid.put("Set the knobs, then Enter (train) or s (one step).", x: rect.x + 1, y: y, clip: rect)
            return
        }
        let race = snapshot.race
        let loss = " (training loss at this step " + Numbers.value(standing.lastLoss) + ")"
        let verdictLines = TextLayout.wrap(verdict(standing, settings: s, step: race.step) + loss, width: max(1, rect.width - 2))
        for (i, line) in verdictLines.prefix(3).enumerated() {
            grid.put(line, x: rect.x + 1, y: y + i, style: Style(bold: true), clip: rect)
        }
        let top = y + min(3, verdictLines.count) + 1
        let area = Rect(x: rect.x + 1, y: top, width: rect.width - 2, height: rect.maxY - top)
        guard area.height >= 6 else { return }
        let (upper, lower) = area.splitTop(area.height / 2)
        let columns = LogBarChart.Columns(steps: s.length, series: 1, width: upper.width - LogBarChart.axisWidth)
        let sampled = columns.sampled ? "; \(columns.slots) of \(s.length) steps shown" : ""
        let profileBody = PanelFrame.draw("‖∂L/∂hₜ‖ at each step t, step \(race.step) of training",
                                          caption: "log scale; the loss is at t = \(s.length - 1), on the right" + sampled, in: upper,
                                          on: &grid, options: state.render)
        LogBarChart.draw([LogBarChart.Series(values: standing.profile, style: CellPalette.style(cell), letter: "#")],
                         through: s.length - 1, firstNumber: 0,
                         emptyMessage: "no gradient at all: every step's gradient is zero or not finite",
                         letters: state.ascii, in: profileBody, on: &grid)
        let capacity = s.steps / race.sampleEvery
        let (left, right) = CurvePlot.sideBySide(lower)
        let ghostNote = session.ghost.map { "; dim: previous run (\($0.cell.displayName))" } ?? ""
        let lossBody = PanelFrame.draw("Loss over training", caption: "dotted: 0.167, always 1; ! not finite" + ghostNote,
                                       in: left, on: &grid, options: state.render)
        let ghost = session.ghost.map { [CurvePlot.Series(values: $0.lossCurve, style: Style(dim: true), mark: ".")] } ?? []
        CurvePlot.draw(ghost + [RaceScreen.series(standing.lossCurve, cell)], axis: .linear(low: 0, high: 0.5),
                       reference: (AddingProblem.baselineError, "0.167"), capacity: capacity, in: lossBody, on: &grid, options: state.render)
        if let right {
            let normBody = PanelFrame.draw("Gradient norm before clipping", caption: "log scale; ! not finite (an explosion)",
                                           in: right, on: &grid, options: state.render)
            CurvePlot.draw([RaceScreen.series(standing.normCurve, cell)], axis: .log, capacity: capacity, in: normBody,
                           on: &grid, options: state.render)
        }
    }

    /// Two orders of magnitude between the first step and the loss: less is "holds" (early inputs
    /// still get a usable signal), more either way is vanishing or exploding.
    static let decadesThatCount = 2
    /// Above this share of hidden values at ±1, saturation (not W_hh) explains a vanishing gradient:
    /// a third of the units with tanh′ ≈ 0 is enough to cut most paths back through time.
    static let saturationThatExplains: Float = 0.3

    /// What the latest step shows, in words: vanishing, holding, exploding, or
    /// overflowed; and when a large W_hh vanishes anyway, that saturation is why.
    static func verdict(_ standing: AddingRace.Standing, settings: AddingRace.Settings, step: Int) -> String {
        let profile = standing.profile
        guard let last = profile.last, let first = profile.first else { return "" }
        let overflowed = !standing.lastLoss.isFinite || !(standing.normCurve.last ?? 0).isFinite
            || profile.contains { !$0.isFinite }
        if overflowed {
            return "Step \(step): the numbers overflowed (NaN or inf): the gradient exploded. The step was skipped, not applied"
                + (settings.clipNorm == nil ? "; clipping (c) caps every step's size before this happens." : ".")
        }
        guard last > 0 else { return "Step \(step): no gradient reaches the last step." }
        let ratio = Double(first / last)
        let exponent = ratio > 0 ? Int(log10(ratio).rounded()) : -99   // no gradient at t = 0 at all: as vanished as it gets
        let share = "at t = 0 the gradient is about 10^\(exponent) of its size at the loss"
        let saturated = Int((standing.saturation * 100).rounded())
        if exponent <= -decadesThatCount {
            if settings.whhScale > 1 && standing.saturation > saturationThatExplains {
                return "Step \(step): \(share): it vanishes although W_hh is scaled up. \(saturated)% of the hidden values sit "
                    + "at ±1, where tanh is flat: each step back multiplies by tanh′ ≈ 0, which beats the larger weights."
            }
            return "Step \(step): \(share): it vanishes, shrinking at every step back through time."
        }
        if exponent >= decadesThatCount {
            return "Step \(step): \(share): it explodes, growing at every step back"
                + (settings.clipNorm == nil ? "; switch clipping on (c) to cap the update." : "; clipping caps the update it causes.")
        }
        return "Step \(step): \(share): it holds, so early inputs still get a learning signal."
    }
}
