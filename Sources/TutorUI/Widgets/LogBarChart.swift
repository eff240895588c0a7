/// Bars on a labelled log axis, one group per step (a bar per series, then a gap):
/// the gradient panel's ‖∂L/∂hₜ‖ and the explorer's gradient profile. Bars grow in
/// eighths of a cell; with `letters` (no colour, or ASCII) a series' letter fills
/// every cell at least half full instead, so series stay apart without colour.
enum LogBarChart {
    static let axisWidth = 6
    static let ghostStyle = Style(dim: true)
    static let markStyle = Style(foreground: .cyan, bold: true)

    struct Series {
        var values: [Float]
        var style: Style
        /// Fills the bar when letters stand in for colour.
        var letter: String
        /// The same series before the last key, drawn dimly above a shorter bar.
        var ghost: [Float]? = nil
    }

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

    /// Steps `from` … `through` are drawn, numbered from `firstNumber`. When they do not
    /// fit, a sample is drawn that keeps the first, the cursor's and the last step. `axis`
    /// fixes the scale (else it fits the values); `marks` puts a ◆ per step at that height
    /// (the LSTM's cell-state gradient); `reference` draws a dotted line at that value
    /// wherever no bar covers it (the Jacobian's line at 1).
    static func draw(_ series: [Series], through last: Int, from revealedFrom: Int = 0, firstNumber: Int = 1,
                     emptyMessage: String, axis: LogScale? = nil, marks: [Float]? = nil, cursor: Int? = nil,
                     reference: Float? = nil, letters: Bool, in body: Rect, on grid: inout CellGrid) {
        guard let first = series.first?.values else { return }
        guard body.height >= 3 else {
            if body.height > 0 { grid.put("(taller window: the plot)", x: body.x, y: body.y, style: PanelFrame.captionStyle, clip: body) }
            return
        }
        guard let scale = axis ?? LogScale.covering(series.map(\.values) + [marks ?? []]) else {
            grid.put(emptyMessage, x: body.x, y: body.y, clip: body)
            return
        }
        let plotHeight = body.height - 1
        let plot = Rect(x: body.x + axisWidth, y: body.y, width: body.width - axisWidth, height: plotHeight)
        grid.put(Numbers.decade(scale.highDecade).leftPadded(to: axisWidth - 1), x: body.x, y: plot.y, clip: body)
        grid.put(Numbers.decade(scale.lowDecade).leftPadded(to: axisWidth - 1), x: body.x, y: plot.maxY - 1, clip: body)
        let layout = Columns(steps: first.count, series: series.count, width: plot.width)
        let (barWidth, group) = (layout.barWidth, layout.group)
        let lastStep = min(last, first.count - 1)
        let drawn = ColumnSampling.steps(count: first.count, slots: layout.slots, keep: [cursor, lastStep].compactMap { $0 })
        func eighths(_ value: Float) -> Int {
            guard value.isFinite || value == .infinity else { return 0 }
            return Int((min(max(scale.position(value), 0), 1) * Double(plotHeight * 8)).rounded())
        }
        let referenceRow = reference.map { value in min(plotHeight - 1, max(0, (eighths(value) - 1) / 8)) }
        if let referenceRow {
            grid.put(String(repeating: letters ? "-" : "┄", count: plot.width), x: plot.x, y: plot.maxY - 1 - referenceRow,
                     style: Style(dim: true), clip: plot)
        }
        for (slot, t) in drawn.enumerated() where t >= revealedFrom && t <= last {
            for (c, line) in series.enumerated() {
                let height = eighths(line.values[t])
                let before = line.ghost.flatMap { $0.indices.contains(t) ? eighths($0[t]) : nil }
                for row in 0..<plotHeight {
                    let filled = min(max(height - row * 8, 0), 8)
                    var symbol = letters ? (filled >= 4 ? line.letter : " ") : BlockGlyphs.rising[filled]
                    var style = line.style
                    if filled == 0, row == referenceRow {
                        symbol = letters ? "-" : "┄"
                        style = Style(dim: true)
                    } else if let before, filled == 0, before - row * 8 >= 4 {
                        // The ghost: where the bar stood before the last key, above today's bar.
                        symbol = letters ? ":" : "░"
                        style = ghostStyle
                    } else if let before, before > 0, before < height, row == (before - 1) / 8 {
                        // Inside today's taller bar, a notch marks where the ghost's top was.
                        symbol = "─"
                        style.reverse = true
                    }
                    for dx in 0..<barWidth {
                        grid.put(symbol, x: plot.x + slot * group + c * barWidth + dx, y: plot.maxY - 1 - row, style: style,
                                 clip: plot)
                    }
                }
            }
            if let marks, marks.indices.contains(t), marks[t] > 0 {
                let row = min(plotHeight - 1, max(0, (eighths(marks[t]) - 1) / 8))
                grid.put(letters ? "o" : "◆", x: plot.x + slot * group, y: plot.maxY - 1 - row, style: markStyle, clip: plot)
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
