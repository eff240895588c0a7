import RNNCore
import Trace

/// The gates of the current word, unit by unit, and their mean over the words
/// so far. LSTM: i f g o and the cell state c; GRU: r z n; the plain RNN has
/// no gates, so its pre-activation a (what goes into tanh) is shown instead.
public enum GatesPanel {
    /// The rows to show for one step: name, values, and whether they live in [0, 1] (else [−1, 1]).
    static func rows(_ trace: SentenceTrace, step t: Int) -> [(name: String, values: [Float], unitInterval: Bool)] {
        let s = trace.steps[t]
        switch trace.cell {
        case .rnn: return [("a", s.preActivation ?? [], false)]
        case .lstm:
            return s.gates.map { ($0.name, $0.values, $0.name != "g") } + [("c", s.cell ?? [], false)]
        case .gru: return s.gates.map { ($0.name, $0.values, $0.name != "n") }
        }
    }

    public static func draw(_ trace: SentenceTrace, step: Int, firstUnit: Int, in rect: Rect, on grid: inout CellGrid,
                            options: RenderOptions) {
        let what = trace.cell == .rnn ? "pre-activation a (the RNN has no gates)" : "gates"
        let legend: String
        switch trace.cell {
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
        let body = PanelFrame.draw("\(trace.cell.displayName) \(what) at \"\(trace.tokens[step])\", \(shown)",
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
