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

    /// One group of bars per word (a bar per trace, then a gap) under a labelled log axis.
    static func plot(_ traces: [SentenceTrace], styles: [Style], marks: [String], title: String, caption: String,
                     revealedFrom: Int, in rect: Rect, on grid: inout CellGrid, ascii: Bool) {
        guard let first = traces.first else { return }
        let body = PanelFrame.draw(title, caption: caption, in: rect, on: &grid, ascii: ascii)
        guard body.height >= 3, let scale = LogScale(values: traces.flatMap(\.hiddenGradientNorms)) else {
            if body.height > 0 { grid.put("no gradient reaches any word", x: body.x, y: body.y, clip: body) }
            return
        }
        let axisWidth = 6, plotHeight = body.height - 1
        let plot = Rect(x: body.x + axisWidth, y: body.y, width: body.width - axisWidth, height: plotHeight)
        grid.put(LogScale.label(scale.highDecade).leftPadded(to: axisWidth - 1), x: body.x, y: plot.y, clip: body)
        grid.put(LogScale.label(scale.lowDecade).leftPadded(to: axisWidth - 1), x: body.x, y: plot.maxY - 1, clip: body)
        let words = first.hiddenGradientNorms.count
        // A lone series gets bars two cells wide when there is room.
        let barWidth = traces.count == 1 && plot.width >= 3 * words ? 2 : 1
        let group = traces.count * barWidth + 1
        let shown = min(words, plot.width / group)
        for t in 0..<shown where t >= revealedFrom && t <= first.loss.step {
            for (c, trace) in traces.enumerated() {
                // Height in eighths of a cell, from the bottom of the plot.
                let eighths = Int((scale.position(trace.hiddenGradientNorms[t]) * Double(plotHeight * 8)).rounded())
                for row in 0..<plotHeight {
                    let filled = min(max(eighths - row * 8, 0), 8)
                    let symbol = ascii ? (filled >= 4 ? marks[c] : " ") : levels[filled]
                    for dx in 0..<barWidth {
                        grid.put(symbol, x: plot.x + t * group + c * barWidth + dx, y: plot.maxY - 1 - row, style: styles[c],
                                 clip: plot)
                    }
                }
            }
        }
        // Word numbers under the groups (counted from 1, as the screen counts words).
        for t in stride(from: 0, to: shown, by: max(1, 4 / group)) {
            grid.put(String(t + 1), x: plot.x + t * group, y: body.maxY - 1, style: PanelFrame.captionStyle, clip: body)
        }
    }
}
