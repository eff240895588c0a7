import Course
import RNNCore
import Trace

/// The gates of the current word, unit by unit, and their mean over the words
/// so far. LSTM: i f g o and the cell state c; GRU: r z n. The plain tanh RNN has
/// no gates: it shows what multiplies the gradient on its way back through each
/// unit, the slope 1 − hₜ² of tanh, with the saturated units (slope near 0) marked.
/// A ReLU RNN, whose slope is only 0 or 1, shows its pre-activation a instead.
public enum GatesPanel {
    /// Below this slope a unit counts as saturated: |hₜ| above about 0.95, so less than a
    /// tenth of any gradient gets back through it (the `slope-saturated` task measure counts the same units).
    static let saturatedSlope = LabTask.Measure.saturatedSlope

    /// Whether the RNN's slope is shown (a tanh RNN) rather than its pre-activation.
    static func showsSlope(_ trace: SentenceTrace) -> Bool {
        trace.cell == .rnn && trace.forward.architecture.nonlinearity != .relu
    }

    /// What this panel shows for the trace's cell, in two words (for a note that it was left out).
    static func shortName(_ trace: SentenceTrace) -> String {
        showsSlope(trace) ? "slopes" : trace.cell == .rnn ? "pre-activation" : "gates"
    }

    /// The rows to show for one step: name, values, and whether they live in [0, 1] (else [−1, 1]).
    static func rows(_ trace: SentenceTrace, step t: Int) -> [(name: String, values: StepValues, unitInterval: Bool)] {
        let s = trace.steps[t]
        switch trace.cell {
        case .rnn where showsSlope(trace): return [("s", StepValues(s.hidden.map { 1 - $0 * $0 }), true)]
        case .rnn: return [("a", s.preActivation ?? StepValues([]), false)]
        case .lstm:
            return s.gates.map { ($0.name, $0.values, $0.name != "g") } + [("c", s.cell ?? StepValues([]), false)]
        case .gru: return s.gates.map { ($0.name, $0.values, $0.name != "n") }
        }
    }

    public static func draw(_ trace: SentenceTrace, step: Int, firstUnit: Int, in rect: Rect, on grid: inout CellGrid,
                            options: RenderOptions) {
        let slope = showsSlope(trace)
        let saturated = slope ? trace.steps[step].hidden.filter { 1 - $0 * $0 < saturatedSlope }.count : 0
        let what = slope ? "slope s = 1 − hₜ² (no gates)" : trace.cell == .rnn ? "pre-activation a (the RNN has no gates)" : "gates"
        let legend: String
        switch trace.cell {
        case .rnn where slope:
            legend = "s: what each unit passes back, 0 " + (options.color ? "dark" : "low") + " … 1 " + (options.color ? "bright" : "high")
                + "; \(saturated) saturated (s < \(Numbers.tick(saturatedSlope)), marked \(options.ascii ? "x" : "×"))"
        case .rnn: legend = "a = W_ih·x + b_ih + W_hh·h + b_hh" + (trace.forward.architecture.nonlinearity == .relu ? ", h = max(0, a)" : "")
        case .lstm: legend = "i f o: 0 " + (options.color ? "dark … 1 bright" : "low … 1 high") + "; g, c: −1 … +1"
        case .gru: legend = "r z: 0 " + (options.color ? "dark … 1 bright" : "low … 1 high") + "; n: −1 … +1"
        }
        // The strip's width decides how many units show; the title says which.
        let innerWidth = max(0, rect.width)
        let sparkWidth = min(step + 1, max(0, innerWidth / 3))
        let stripWidth = max(0, innerWidth - 3 - sparkWidth - 1)
        let first = min(max(firstUnit, 0), max(0, trace.hiddenSize - stripWidth))
        let shown = stripWidth >= trace.hiddenSize ? "all \(trace.hiddenSize) units"
            : "units \(first + 1)–\(min(trace.hiddenSize, first + stripWidth)) of \(trace.hiddenSize)"
        let body = PanelFrame.draw("\(options.name(trace)) \(what) at \"\(trace.tokens[step])\", \(shown)",
                                   caption: legend + "; a column per unit; right: each row over the words",
                                   in: rect, on: &grid, options: options)
        let current = rows(trace, step: step)
        // Rows that do not fit are named on the last line rather than silently dropped.
        let shownRows = current.count <= body.height ? current.count : max(0, body.height - 1)
        if shownRows < current.count, body.height > 0 {
            let missing = current[shownRows...].map(\.name).joined(separator: " ")
            grid.put("\(missing): not shown (a taller window shows them)", x: body.x, y: body.y + shownRows,
                     style: PanelFrame.captionStyle, clip: body)
        }
        // The saturated units marked on the row under the slope, when there is one free.
        if slope, shownRows == current.count, body.height > current.count {
            let values = current[0].values
            for (i, unit) in (first..<min(trace.hiddenSize, first + stripWidth)).enumerated() where values[unit] < saturatedSlope {
                grid.put(options.ascii ? "x" : "×", x: body.x + 3 + i, y: body.y + 1, style: Style(foreground: .red, bold: true), clip: body)
            }
        }
        for (row, gate) in current.prefix(shownRows).enumerated() {
            let y = body.y + row
            grid.put(gate.name, x: body.x, y: y, style: Style(bold: true), clip: body)
            for (i, unit) in (first..<min(trace.hiddenSize, first + stripWidth)).enumerated() {
                let cell = HeatStrip.cell(gate.values[unit], gate.unitInterval ? .sequential : .diverging(limit: 1), options)
                grid.put(cell.text, x: body.x + 3 + i, y: y, style: cell.style, clip: body)
            }
            // The mean of this row at each word so far, as a sparkline.
            let means = (max(0, step + 1 - sparkWidth)...step).map { t -> Float in
                let values = rows(trace, step: t)[row].values
                return values.reduce(0, +) / Float(max(values.count, 1))
            }
            var x = body.maxX - sparkWidth
            for m in means {
                let position = gate.unitInterval ? m : (m + 1) / 2
                grid.put(options.ascii ? String(SequentialRamp.character(position)) : BlockGlyphs.spark(position), x: x, y: y,
                         style: Style(foreground: .yellow), clip: body)
                x += 1
            }
        }
    }
}
