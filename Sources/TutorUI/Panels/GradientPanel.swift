import Trace

/// ‖∂L/∂h_t‖ for every word, on a log scale: how much of the loss's gradient
/// reaches each step going back through time. During the backward sweep only
/// the steps from the loss back to `revealedFrom` are drawn. With several
/// traces (the overlay), each word gets one bar per cell on a shared axis.
public enum GradientPanel {
    static let levels = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let overlayColors: [(color: Color, name: String)] = [(.red, "red"), (.green, "green"), (.blue, "blue")]

    /// `whhScale`: the knob's value, named in the title when it is not 1. Without colour the
    /// overlay tells the cells apart by letter, as in ASCII.
    public static func draw(_ trace: SentenceTrace, revealedFrom: Int, whhScale: Float = 1, in rect: Rect, on grid: inout CellGrid,
                            ascii: Bool) {
        plot([trace], styles: [Style(foreground: .magenta)], marks: ["#"],
             title: "Gradient through time ‖∂L/∂hₜ‖ (loss at word \(trace.loss.step + 1))" + knob(whhScale),
             caption: "log scale; b replays the backward sweep",
             revealedFrom: revealedFrom, letters: ascii, in: rect, on: &grid, ascii: ascii)
    }

    public static func drawOverlay(_ traces: [SentenceTrace], revealedFrom: Int, whhScale: Float = 1, color: Bool = true,
                                   in rect: Rect, on grid: inout CellGrid, ascii: Bool) {
        guard let first = traces.first else { return }
        let letters = ascii || !color
        let marks = traces.map { String($0.cell.rawValue.prefix(1)) }
        let legend = traces.indices.map { "\(traces[$0].cell.displayName) \(letters ? marks[$0] : overlayColors[$0 % 3].name)" }
        plot(traces, styles: traces.indices.map { Style(foreground: overlayColors[$0 % 3].color) }, marks: marks,
             title: "Gradient through time ‖∂L/∂hₜ‖, all cells (loss at word \(first.loss.step + 1))" + knob(whhScale),
             caption: "log scale; " + legend.joined(separator: ", ") + "; o: one cell",
             revealedFrom: revealedFrom, letters: letters, in: rect, on: &grid, ascii: ascii)
    }

    static func knob(_ scale: Float) -> String { scale == 1 ? "" : " · W_hh × " + String(format: "%.2f", scale) }

    static func plot(_ traces: [SentenceTrace], styles: [Style], marks: [String], title: String, caption: String,
                     revealedFrom: Int, letters: Bool, in rect: Rect, on grid: inout CellGrid, ascii: Bool) {
        guard let first = traces.first else { return }
        let layout = Columns(steps: first.hiddenGradientNorms.count, series: traces.count, width: rect.width - axisWidth)
        let columns = layout.every == 1 ? "a column per word" : "every \(layout.every) words a column (too many for the width)"
        let body = PanelFrame.draw(title, caption: caption + "; " + columns, in: rect, on: &grid, ascii: ascii)
        bars(traces.map(\.hiddenGradientNorms), through: first.loss.step, from: revealedFrom, styles: styles, marks: marks,
             emptyMessage: "no gradient reaches any word", in: body, on: &grid, ascii: letters)
    }

    static let axisWidth = 6

    /// How steps map to columns: bar width, a group per step (a bar per series and a gap),
    /// and which steps are drawn (every k-th) when they do not all fit.
    struct Columns {
        var barWidth: Int, group: Int, every: Int
        init(steps: Int, series: Int, width: Int) {
            barWidth = series == 1 && width >= 3 * steps ? 2 : 1
            group = series * barWidth + 1
            let fit = max(1, width / group)
            every = max(1, (steps + fit - 1) / fit)
        }
    }

    /// One group of bars per step (a bar per series, then a gap) under a labelled
    /// log axis, for steps `from` … `through`; steps are numbered from `firstNumber`.
    /// When the steps do not fit, every k-th one is drawn and labelled.
    static func bars(_ series: [[Float]], through last: Int, from revealedFrom: Int = 0, styles: [Style], marks: [String],
                     firstNumber: Int = 1, emptyMessage: String, in body: Rect, on grid: inout CellGrid, ascii: Bool) {
        guard let first = series.first else { return }
        guard body.height >= 3 else {
            if body.height > 0 { grid.put("(taller window: the plot)", x: body.x, y: body.y, style: PanelFrame.captionStyle, clip: body) }
            return
        }
        guard let scale = LogScale(values: series.flatMap { $0 }) else {
            grid.put(emptyMessage, x: body.x, y: body.y, clip: body)
            return
        }
        let plotHeight = body.height - 1
        let plot = Rect(x: body.x + axisWidth, y: body.y, width: body.width - axisWidth, height: plotHeight)
        grid.put(LogScale.label(scale.highDecade).leftPadded(to: axisWidth - 1), x: body.x, y: plot.y, clip: body)
        grid.put(LogScale.label(scale.lowDecade).leftPadded(to: axisWidth - 1), x: body.x, y: plot.maxY - 1, clip: body)
        let layout = Columns(steps: first.count, series: series.count, width: plot.width)
        let (barWidth, group) = (layout.barWidth, layout.group)
        // When steps are sampled, the last one (the loss) is always among them.
        var drawn = Array(stride(from: 0, to: first.count, by: layout.every))
        if let end = drawn.last, end < min(last, first.count - 1), layout.every > 1 { drawn[drawn.count - 1] = min(last, first.count - 1) }
        for (slot, t) in drawn.enumerated() where t >= revealedFrom && t <= last {
            for (c, values) in series.enumerated() {
                // Height in eighths of a cell, from the bottom of the plot.
                let eighths = Int((scale.position(values[t]) * Double(plotHeight * 8)).rounded())
                for row in 0..<plotHeight {
                    let filled = min(max(eighths - row * 8, 0), 8)
                    let symbol = ascii ? (filled >= 4 ? marks[c] : " ") : levels[filled]
                    for dx in 0..<barWidth {
                        grid.put(symbol, x: plot.x + slot * group + c * barWidth + dx, y: plot.maxY - 1 - row, style: styles[c],
                                 clip: plot)
                    }
                }
            }
        }
        // Step numbers under the groups.
        var nextFree = plot.x
        for (slot, t) in drawn.enumerated() {
            let x = plot.x + slot * group, label = String(t + firstNumber)
            guard x >= nextFree else { continue }
            grid.put(label, x: x, y: body.maxY - 1, style: PanelFrame.captionStyle, clip: body)
            nextFree = x + label.count + 1
        }
    }
}
