import Trace

/// ‖∂L/∂h_t‖ for every word, on a log scale: how much of the loss's gradient
/// reaches each step going back through time. During the backward sweep only
/// the steps from the loss back to `revealedFrom` are drawn.
public enum GradientPanel {
    static let levels = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    public static func draw(_ trace: SentenceTrace, revealedFrom: Int, in rect: Rect, on grid: inout CellGrid, ascii: Bool) {
        let norms = trace.hiddenGradientNorms
        let body = PanelFrame.draw("Gradient through time ‖∂L/∂hₜ‖ (loss at word \(trace.loss.step + 1))",
                                   caption: "log scale; each column a word; b replays the backward sweep", in: rect, on: &grid)
        guard body.height >= 3, let scale = LogScale(values: norms) else {
            if body.height > 0 { grid.put("no gradient reaches any word", x: body.x, y: body.y, clip: body) }
            return
        }
        let axisWidth = 6, plotHeight = body.height - 1
        let plot = Rect(x: body.x + axisWidth, y: body.y, width: body.width - axisWidth, height: plotHeight)
        grid.put(LogScale.label(scale.highDecade).leftPadded(to: axisWidth - 1), x: body.x, y: plot.y, clip: body)
        grid.put(LogScale.label(scale.lowDecade).leftPadded(to: axisWidth - 1), x: body.x, y: plot.maxY - 1, clip: body)
        let columnWidth = max(1, min(3, plot.width / max(norms.count, 1)))
        for t in 0..<min(norms.count, plot.width / columnWidth) {
            guard t >= revealedFrom && t <= trace.loss.step else { continue }
            // Height in eighths of a cell, from the bottom of the plot.
            let eighths = Int((scale.position(norms[t]) * Double(plotHeight * 8)).rounded())
            for row in 0..<plotHeight {
                let filled = min(max(eighths - row * 8, 0), 8)
                let symbol = ascii ? (filled >= 4 ? "#" : " ") : levels[filled]
                let y = plot.maxY - 1 - row
                for dx in 0..<columnWidth - (columnWidth > 1 ? 1 : 0) {
                    grid.put(symbol, x: plot.x + t * columnWidth + dx, y: y, style: Style(foreground: .magenta), clip: plot)
                }
            }
        }
        // Word numbers under the columns (counted from 1, as the screen counts words).
        for t in stride(from: 0, to: min(norms.count, plot.width / columnWidth), by: max(1, 4 / columnWidth)) {
            grid.put(String(t + 1), x: plot.x + t * columnWidth, y: body.maxY - 1, style: PanelFrame.captionStyle, clip: body)
        }
    }

    /// Several cells' gradients on one log axis, side by side for each word, so
    /// that the plain RNN's decay can be seen next to the gated cells'.
    public static func drawOverlay(_ traces: [SentenceTrace], revealedFrom: Int, in rect: Rect, on grid: inout CellGrid,
                                   ascii: Bool) {
        guard let first = traces.first else { return }
        let colors: [Color] = [.red, .green, .blue]
        let legend = traces.enumerated().map { "\($0.element.cell.displayName) \(ascii ? String($0.element.cell.rawValue.prefix(1)) : ["red", "green", "blue"][$0.offset % 3])" }
        let body = PanelFrame.draw("Gradient through time ‖∂L/∂hₜ‖, all cells (loss at word \(first.loss.step + 1))",
                                   caption: "log scale; " + legend.joined(separator: ", ") + "; o: one cell", in: rect, on: &grid)
        guard body.height >= 3, let scale = LogScale(values: traces.flatMap(\.hiddenGradientNorms)) else { return }
        let axisWidth = 6, plotHeight = body.height - 1
        let plot = Rect(x: body.x + axisWidth, y: body.y, width: body.width - axisWidth, height: plotHeight)
        grid.put(LogScale.label(scale.highDecade).leftPadded(to: axisWidth - 1), x: body.x, y: plot.y, clip: body)
        grid.put(LogScale.label(scale.lowDecade).leftPadded(to: axisWidth - 1), x: body.x, y: plot.maxY - 1, clip: body)
        let words = first.hiddenGradientNorms.count
        let group = traces.count + 1   // one column per cell and a gap
        for t in 0..<min(words, plot.width / group) where t >= revealedFrom && t <= first.loss.step {
            for (c, trace) in traces.enumerated() {
                let eighths = Int((scale.position(trace.hiddenGradientNorms[t]) * Double(plotHeight * 8)).rounded())
                for row in 0..<plotHeight {
                    let filled = min(max(eighths - row * 8, 0), 8)
                    let symbol = ascii ? (filled >= 4 ? String(trace.cell.rawValue.prefix(1)) : " ") : levels[filled]
                    grid.put(symbol, x: plot.x + t * group + c, y: plot.maxY - 1 - row,
                             style: Style(foreground: colors[c % colors.count]), clip: plot)
                }
            }
        }
        for t in stride(from: 0, to: min(words, plot.width / group), by: max(1, 4 / group)) {
            grid.put(String(t + 1), x: plot.x + t * group, y: body.maxY - 1, style: PanelFrame.captionStyle, clip: body)
        }
    }
}
