import Trace

/// ‖∂L/∂h_t‖ for every word, on a log scale: how much of the loss's gradient
/// reaches each step going back through time. During the backward sweep only
/// the steps from the loss back to `revealedFrom` are drawn. With several
/// traces (the overlay), each word gets one bar per cell on a shared axis. The
/// LSTM's cell-state gradient ‖∂L/∂c_t‖ is a mark on each word's column.
public enum GradientPanel {
    static let levels = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let overlayColors: [(color: Color, name: String)] = [(.red, "red"), (.green, "green"), (.blue, "blue")]
    static let cellMarkStyle = Style(foreground: .cyan, bold: true)
    static let ghostStyle = Style(dim: true)

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
                            in rect: Rect, on grid: inout CellGrid, ascii: Bool) {
        let cellNorms = trace.cellGradientNorms
        let legend = cellNorms == nil ? "" : (ascii ? "; # h, o c (cell state)" : "; bars h, cyan ◆ c (cell state)")
        let title = "Gradient ‖∂L/∂hₜ‖" + (cellNorms == nil ? "" : " and ‖∂L/∂cₜ‖") + " · "
            + LossLabel.text(trace) + knob(whhScale)
        plot([trace], styles: [Style(foreground: .magenta)], marks: ["#"], title: title, legend: legend,
             cellMarks: cellNorms, extras: extras, revealedFrom: revealedFrom, letters: ascii, in: rect, on: &grid, ascii: ascii)
    }

    public static func drawOverlay(_ traces: [SentenceTrace], revealedFrom: Int, whhScale: Float = 1, color: Bool = true,
                                   extras: Extras = Extras(), in rect: Rect, on grid: inout CellGrid, ascii: Bool) {
        guard let first = traces.first else { return }
        let letters = ascii || !color
        let marks = traces.map { String($0.cell.rawValue.prefix(1)) }
        let legend = traces.indices.map { "\(traces[$0].cell.displayName) \(letters ? marks[$0] : overlayColors[$0 % 3].name)" }
        plot(traces, styles: traces.indices.map { Style(foreground: overlayColors[$0 % 3].color) }, marks: marks,
             title: "Gradient ‖∂L/∂hₜ‖, all cells · " + LossLabel.text(first) + knob(whhScale),
             legend: "; " + legend.joined(separator: ", ") + "; o: one cell", cellMarks: nil, extras: extras,
             revealedFrom: revealedFrom, letters: letters, in: rect, on: &grid, ascii: ascii)
    }

    static func knob(_ scale: Float) -> String { scale == 1 ? "" : " · W_hh × " + String(format: "%.2f", scale) }

    static func plot(_ traces: [SentenceTrace], styles: [Style], marks: [String], title: String, legend: String,
                     cellMarks: [Float]?, extras: Extras, revealedFrom: Int, letters: Bool, in rect: Rect,
                     on grid: inout CellGrid, ascii: Bool) {
        guard let first = traces.first else { return }
        let layout = Columns(steps: first.hiddenGradientNorms.count, series: traces.count, width: rect.width - axisWidth)
        let columns = layout.sampled ? "; \(layout.slots) of \(first.tokens.count) words shown" : ""
        let fixed = extras.axis == nil ? "log scale" : "log scale, fixed for this lesson"
        let ghost = extras.ghost == nil ? "" : (ascii ? "; : before the last key" : "; dim: before the last key")
        var body = PanelFrame.draw(title, caption: fixed + legend + ghost + columns, in: rect, on: &grid, ascii: ascii)
        // The exact value at the cursor's word, each cell's when overlaid.
        if let cursor = extras.cursor, first.tokens.indices.contains(cursor), body.height >= 5 {
            var parts = traces.map { t in
                (traces.count > 1 ? t.cell.displayName + " " : "") + "‖∂L/∂h‖ " + LogScale.value(t.hiddenGradientNorms[cursor])
            }
            if let c = cellMarks { parts.append("‖∂L/∂c‖ " + LogScale.value(c[cursor])) }
            let after = cursor > first.loss.step ? " (after the loss: no gradient)" : ""
            let line = "word \(cursor + 1) \"\(first.tokens[cursor])\": " + parts.joined(separator: " · ") + after
            grid.put(TextLayout.fitted(ascii ? plain(line) : line, body.width), x: body.x, y: body.y, clip: body)
            body = body.splitTop(1).rest
        }
        bars(traces.map(\.hiddenGradientNorms), through: first.loss.step, from: revealedFrom, styles: styles, marks: marks,
             emptyMessage: "no gradient reaches any word", axis: extras.axis, ghost: extras.ghost, cellMarks: cellMarks,
             cursor: extras.cursor, in: body, on: &grid, ascii: letters)
    }

    static let axisWidth = 6

    /// How steps map to columns: a bar per series per step, a gap between steps when
    /// there is room, two columns per bar when there is plenty, and a sample of the
    /// steps (see `ColumnSampling`) when even gapless bars do not fit.
    struct Columns {
        var barWidth: Int, group: Int, slots: Int
        var sampled: Bool
        init(steps: Int, series: Int, width: Int) {
            let width = max(0, width)
            if series == 1 && width >= 3 * steps {
                (barWidth, group) = (2, 3)
            } else if width >= steps * (series + 1) || series > 1 {
                (barWidth, group) = (1, series + 1)   // several cells: the gap tells one word's bars from the next
            } else {
                (barWidth, group) = (1, 1)   // no gap: as many words as columns
            }
            slots = max(1, width / group)
            sampled = slots < steps
        }
    }

    /// One group of bars per step (a bar per series, then a gap) under a labelled
    /// log axis, for steps `from` … `through`; steps are numbered from `firstNumber`.
    /// When the steps do not fit, a sample of them is drawn that keeps the first, the
    /// cursor's and the last (loss) step. `axis` fixes the scale (else it fits the values);
    /// `ghost` draws earlier values dimly; `cellMarks` puts a mark per step at that height.
    static func bars(_ series: [[Float]], through last: Int, from revealedFrom: Int = 0, styles: [Style], marks: [String],
                     firstNumber: Int = 1, emptyMessage: String, axis: LogScale? = nil, ghost: [[Float]]? = nil,
                     cellMarks: [Float]? = nil, cursor: Int? = nil, in body: Rect, on grid: inout CellGrid, ascii: Bool) {
        guard let first = series.first else { return }
        guard body.height >= 3 else {
            if body.height > 0 { grid.put("(taller window: the plot)", x: body.x, y: body.y, style: PanelFrame.captionStyle, clip: body) }
            return
        }
        guard let scale = axis ?? LogScale.covering(series + [cellMarks ?? []]) else {
            grid.put(emptyMessage, x: body.x, y: body.y, clip: body)
            return
        }
        let plotHeight = body.height - 1
        let plot = Rect(x: body.x + axisWidth, y: body.y, width: body.width - axisWidth, height: plotHeight)
        grid.put(LogScale.label(scale.highDecade).leftPadded(to: axisWidth - 1), x: body.x, y: plot.y, clip: body)
        grid.put(LogScale.label(scale.lowDecade).leftPadded(to: axisWidth - 1), x: body.x, y: plot.maxY - 1, clip: body)
        let layout = Columns(steps: first.count, series: series.count, width: plot.width)
        let (barWidth, group) = (layout.barWidth, layout.group)
        let lastStep = min(last, first.count - 1)
        let drawn = ColumnSampling.steps(count: first.count, slots: layout.slots, keep: [cursor, lastStep].compactMap { $0 })
        func eighths(_ value: Float) -> Int {
            guard value.isFinite || value == .infinity else { return 0 }
            return Int((min(max(scale.position(value), 0), 1) * Double(plotHeight * 8)).rounded())
        }
        let ghostUsable = ghost.map { $0.count == series.count && $0.allSatisfy { $0.count == first.count } } ?? false
        for (slot, t) in drawn.enumerated() where t >= revealedFrom && t <= last {
            for (c, values) in series.enumerated() {
                let height = eighths(values[t])
                let before = ghostUsable ? eighths(ghost![c][t]) : nil
                for row in 0..<plotHeight {
                    let filled = min(max(height - row * 8, 0), 8)
                    var symbol = ascii ? (filled >= 4 ? marks[c] : " ") : levels[filled]
                    var style = styles[c]
                    if let before, filled == 0, before - row * 8 >= 4 {
                        // The ghost: where the bar stood before the last key, above today's bar.
                        symbol = ascii ? ":" : "░"
                        style = ghostStyle
                    } else if let before, before > 0, before < height, row == (before - 1) / 8 {
                        // Inside today's taller bar, a notch marks where the ghost's top was.
                        symbol = ascii ? "-" : "─"
                        style.reverse = true
                    }
                    for dx in 0..<barWidth {
                        grid.put(symbol, x: plot.x + slot * group + c * barWidth + dx, y: plot.maxY - 1 - row, style: style,
                                 clip: plot)
                    }
                }
            }
            if let cellMarks, cellMarks.indices.contains(t), cellMarks[t] > 0 {
                let row = min(plotHeight - 1, max(0, (eighths(cellMarks[t]) - 1) / 8))
                grid.put(ascii ? "o" : "◆", x: plot.x + slot * group, y: plot.maxY - 1 - row, style: cellMarkStyle, clip: plot)
            }
        }
        // Step numbers under the groups, the cursor's first (reversed), then the others where they fit.
        var taken: [ClosedRange<Int>] = []
        if let cursor, let slot = drawn.firstIndex(of: cursor) {
            let x = plot.x + slot * group, label = String(cursor + firstNumber)
            grid.put(label, x: x, y: body.maxY - 1, style: Style(reverse: true), clip: body)
            taken.append(x...(x + label.count))
        }
        var nextFree = plot.x
        for (slot, t) in drawn.enumerated() where t != cursor {
            let x = plot.x + slot * group, label = String(t + firstNumber)
            let span = x...(x + label.count)
            guard x >= nextFree, !taken.contains(where: { $0.overlaps(span) }) else { continue }
            grid.put(label, x: x, y: body.maxY - 1, style: PanelFrame.captionStyle, clip: body)
            nextFree = x + label.count + 1
        }
    }
}
