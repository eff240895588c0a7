import Trace

/// ‖∂L/∂h_t‖ for every word, on a log scale: how much of the loss's gradient
/// reaches each step going back through time. During the backward sweep only
/// the steps from the loss back to `revealedFrom` are drawn. With several
/// traces (the overlay), each word gets one bar per cell on a shared axis. The
/// LSTM's cell-state gradient ‖∂L/∂c_t‖ is a mark on each word's column.
public enum GradientPanel {

    /// What the lesson adds to the bars: the lesson's fixed axis, the bars from before the
    /// last key (a dim ghost), the cursor's word (its exact value is printed).
    public struct Extras: Sendable {
        public var axis: LogScale?
        public var ghost: [[Float]]?
        public var cursor: Int?
        public init(axis: LogScale? = nil, ghost: [[Float]]? = nil, cursor: Int? = nil) {
            self.axis = axis
            self.ghost = ghost
            self.cursor = cursor
        }
    }

    /// `whhScale`: the knob's value, named in the title when it is not 1.
    public static func draw(_ trace: SentenceTrace, revealedFrom: Int, whhScale: Float = 1, extras: Extras = Extras(),
                            in rect: Rect, on grid: inout CellGrid, options: RenderOptions) {
        let cellNorms = trace.cellGradientNorms
        let legend = cellNorms == nil ? "" : (options.ascii ? "; # h, o c (cell state)" : "; bars h, cyan ◆ c (cell state)")
        let title = "Gradient ‖∂L/∂hₜ‖" + (cellNorms == nil ? "" : " and ‖∂L/∂cₜ‖") + (options.modelName.map { " (\($0))" } ?? "") + " · "
            + LossLabel.text(trace) + knob(whhScale)
        let series = LogBarChart.Series(values: trace.hiddenGradientNorms, style: Style(foreground: .magenta), letter: "#")
        plot([trace], [series], title: title, legend: legend, cellMarks: cellNorms, extras: extras, revealedFrom: revealedFrom,
             letters: options.ascii, in: rect, on: &grid, options: options)
    }

    /// Every cell's bars side by side on one axis, each in its own colour (`CellPalette`).
    public static func drawOverlay(_ traces: [SentenceTrace], revealedFrom: Int, whhScale: Float = 1, extras: Extras = Extras(),
                                   in rect: Rect, on grid: inout CellGrid, options: RenderOptions) {
        guard let first = traces.first else { return }
        let series = traces.map { LogBarChart.Series(values: $0.hiddenGradientNorms, style: CellPalette.style($0.cell),
                                                     letter: CellPalette.letter($0.cell)) }
        let legend = traces.map { CellPalette.legend($0.cell, options) }
        plot(traces, series, title: "Gradient ‖∂L/∂hₜ‖, all cells · " + LossLabel.text(first) + knob(whhScale),
             legend: "; " + legend.joined(separator: ", ") + "; o: one cell", cellMarks: nil, extras: extras,
             revealedFrom: revealedFrom, letters: options.letters, in: rect, on: &grid, options: options)
    }

    static func knob(_ scale: Float) -> String { scale == 1 ? "" : " · W_hh × " + Numbers.setting(scale) }

    private static func plot(_ traces: [SentenceTrace], _ series: [LogBarChart.Series], title: String, legend: String,
                             cellMarks: [Float]?, extras: Extras, revealedFrom: Int, letters: Bool, in rect: Rect,
                             on grid: inout CellGrid, options: RenderOptions) {
        guard let first = traces.first else { return }
        let layout = LogBarChart.Columns(steps: first.hiddenGradientNorms.count, series: traces.count,
                                         width: rect.width - LogBarChart.axisWidth)
        let columns = layout.sampled ? "; \(layout.slots) of \(first.tokens.count) words shown" : ""
        let fixed = extras.axis == nil ? "log scale" : "log scale, fixed for this lesson"
        let ghost = extras.ghost == nil ? "" : (options.ascii ? "; : before the last key" : "; dim: before the last key")
        var body = PanelFrame.draw(title, caption: fixed + legend + ghost + columns, in: rect, on: &grid, options: options)
        // The exact value at the cursor's word, each cell's when overlaid.
        if let cursor = extras.cursor, first.tokens.indices.contains(cursor), body.height >= 5 {
            var parts = traces.map { t in
                (traces.count > 1 ? t.cell.displayName + " " : "") + "‖∂L/∂h‖ " + Numbers.scientific(t.hiddenGradientNorms[cursor])
            }
            if let c = cellMarks { parts.append("‖∂L/∂c‖ " + Numbers.scientific(c[cursor])) }
            let after = cursor > first.loss.step ? " (after the loss: no gradient)" : ""
            let line = "word \(cursor + 1) \"\(first.tokens[cursor])\": " + parts.joined(separator: " · ") + after
            grid.put(TextLayout.fitted(options.spell(line), body.width), x: body.x, y: body.y, clip: body)
            body = body.splitTop(1).rest
        }
        // A ghost is drawn only when it matches the bars it stands behind, one series per trace.
        var withGhosts = series
        if let ghost = extras.ghost, ghost.count == series.count, ghost.allSatisfy({ $0.count == first.hiddenGradientNorms.count }) {
            for i in withGhosts.indices { withGhosts[i].ghost = ghost[i] }
        }
        LogBarChart.draw(withGhosts, through: first.loss.step, from: revealedFrom, emptyMessage: "no gradient reaches any word",
                         axis: extras.axis, marks: cellMarks, cursor: extras.cursor, letters: letters, in: body, on: &grid)
    }
}
