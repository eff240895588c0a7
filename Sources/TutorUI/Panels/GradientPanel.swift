import Trace

/// ‖∂L/∂h_t‖ for every word, on a log scale: how much of the loss's gradient
/// reaches each step going back through time. During the backward sweep only
/// the steps from the loss back to `revealedFrom` are drawn. With several
/// traces (the overlay), each word gets one bar per cell on a shared axis.
public enum GradientPanel {
    static let levels = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let overlayColors: [(color: Color, name: String)] = [(.red, "red"), (.green, "green"), (.blue, "blue")]

    public static func draw(_ trace: SentenceTrace, revealedFrom: Int, in rect: Rect, on grid: inout CellGrid, ascii: Bool) {
        plot([trace], styles: [Style(foreground: .magenta)], marks: ["#"],
             title: "Gradient through time ‖∂L/∂hₜ‖ (loss at word \(trace.loss.step + 1))",
             caption: "log scale; each column a word; b replays the backward sweep",
             revealedFrom: revealedFrom, in: rect, on: &grid, ascii: ascii)
    }

    public static func drawOverlay(_ traces: [SentenceTrace], revealedFrom: Int, in rect: Rect, on grid: inout CellGrid,
                                   ascii: Bool) {
        guard let first = traces.first else { return }
        let marks = traces.map { String($0.cell.rawValue.prefix(1)) }
        let legend = traces.indices.map { "\(traces[$0].cell.displayName) \(ascii ? marks[$0] : overlayColors[$0 % 3].name)" }
        plot(traces, styles: traces.indices.map { Style(foreground: overlayColors[$0 % 3].color) }, marks: marks,
             title: "Gradient through time ‖∂L/∂hₜ‖, all cells (loss at word \(first.loss.step + 1))",
             caption: "log scale; " + legend.joined(separator: ", ") + "; o: one cell",
             revealedFrom: revealedFrom, in: rect, on: &grid, ascii: ascii)
    }

    static func plot(_ traces: [SentenceTrace], styles: [Style], marks: [String], title: String, caption: String,
                     revealedFrom: Int, in rect: Rect, on grid: inout CellGrid, ascii: Bool) {
        guard let first = traces.first else { return }
        let body = PanelFrame.draw(title, caption: caption, in: rect, on: &grid, ascii: ascii)
        bars(traces.map(\.hiddenGradientNorms), through: first.loss.step, from: revealedFrom, styles: styles, marks: marks,
             emptyMessage: "no gradient reaches any word", in: body, on: &grid, ascii: ascii)
    }

    /// One group of bars per step (a bar per series, then a gap) under a labelled
    /// log axis, for steps `from` … `through`; steps are numbered from `firstNumber`.
    /// When the steps do not fit, every k-th one is drawn and labelled.
    static func bars(_ series: [[Float]], through last: Int, from revealedFrom: Int = 0, styles: [Style], marks: [String],
                     firstNumber: Int = 1, emptyMessage: String, in body: Rect, on grid: inout CellGrid, ascii: Bool) {
        guard let first = series.first else { return }
        guard body.height >= 3, let scale = LogScale(values: series.flatMap { $0 }) else {
            if body.height > 0 { grid.put(emptyMessage, x: body.x, y: body.y, clip: body) }
            return
        }
        let axisWidth = 6, plotHeight = body.height - 1
        let plot = Rect(x: body.x + axisWidth, y: body.y, width: body.width - axisWidth, height: plotHeight)
        grid.put(LogScale.label(scale.highDecade).leftPadded(to: axisWidth - 1), x: body.x, y: plot.y, clip: body)
        grid.put(LogScale.label(scale.lowDecade).leftPadded(to: axisWidth - 1), x: body.x, y: plot.maxY - 1, clip: body)
        let steps = first.count
        // A lone series gets bars two cells wide when there is room.
        let barWidth = series.count == 1 && plot.width >= 3 * steps ? 2 : 1
        let group = series.count * barWidth + 1
        let every = max(1, (steps + max(1, plot.width / group) - 1) / max(1, plot.width / group))
        let drawn = Array(stride(from: 0, to: steps, by: every))
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
