import Trace

/// Find the unit: the sentence with the marked span, the units that follow it best
/// (each one's value at every word as a heat strip), and for the chosen unit the lines of
/// the held-out text where it is most active, every word coloured by the unit's value.
public enum UnitFinderPanel {
    public static func draw(_ finder: UnitFinderSession, trace: SentenceTrace, cursor: Int, in rect: Rect, on grid: inout CellGrid,
                            options: RenderOptions) {
        let span = trace.tokens[finder.spanStart...finder.spanEnd].joined(separator: " ")
        var body = PanelFrame.draw("Find the unit (\(options.name(trace))) · span: words \(finder.spanStart + 1)–\(finder.spanEnd + 1), \"\(TextLayout.fitted(span, 30))\"",
                                   caption: "score = (mean over the span − mean outside) / the unit's spread over the sentence; [ ] mark the span at the cursor",
                                   in: rect, on: &grid, options: options)
        guard body.height > 0 else { return }
        // The sentence, the span underlined, the cursor reversed.
        var x = body.x
        for (t, word) in trace.tokens.enumerated() {
            let inside = t >= finder.spanStart && t <= finder.spanEnd
            let style = Style(foreground: inside ? .yellow : .default, bold: inside, reverse: t == cursor, underline: inside)
            let text = options.spell(word)
            if x + displayWidth(of: text) > body.maxX { break }
            x += grid.put(text, x: x, y: body.y, style: style, clip: body) + 1
        }
        body = body.splitTop(1).rest
        if let problem = finder.problem {
            grid.put(TextLayout.fitted(problem, body.width), x: body.x, y: body.y, style: Style(foreground: .red), clip: body)
            return
        }
        // The ranking: unit, score, and the unit's value over the sentence (the span's words marked under it).
        let strip = max(0, min(trace.tokens.count, body.width - 30))
        let hidden = trace.forward.layers[finder.layer].hidden, h = trace.hiddenSize
        let first = max(0, min(cursor - strip / 2, trace.tokens.count - strip))
        for (row, score) in finder.ranking.enumerated() where row < body.height {
            let chosen = row == finder.selected
            let label = (chosen ? "▶" : " ") + " unit " + String(score.unit).leftPadded(to: 3) + "  " + signed(score.score)
            grid.put(options.spell(label), x: body.x, y: body.y + row, style: Style(bold: chosen, reverse: chosen), clip: body)
            for i in 0..<strip {
                let t = first + i
                let inside = t >= finder.spanStart && t <= finder.spanEnd
                var cell = HeatStrip.cell(hidden[t * h + score.unit], .diverging(limit: 1), options)
                cell.style.underline = inside
                grid.put(cell.text, x: body.x + 18 + i, y: body.y + row, style: cell.style, clip: body)
            }
        }
        let listed = min(finder.ranking.count, body.height)
        if listed < body.height && strip > 0 {
            grid.put("underlined: the span", x: body.x + 18 + strip + 1, y: body.y, style: PanelFrame.captionStyle, clip: body)
        }
        body = Rect(x: body.x, y: body.y + listed, width: body.width, height: body.height - listed)
        guard body.height > 0 else { return }
        guard let chosen = finder.chosen else { return }
        let heading: String
        if let found = finder.found, found.request == finder.search {
            heading = found.problem.map { "cannot search: \($0)" }
                ?? "Where unit \(chosen.unit) is \(found.request.highest ? "highest" : "lowest") in the held-out text (\(found.lines) lines); blue −1 … red +1"
        } else if finder.searching {
            heading = "Searching the held-out text for unit \(chosen.unit)…"
        } else if finder.forTask {
            heading = "Where else does unit \(chosen.unit) fire? Esc, then u in your lab: mark a span, Enter searches"
        } else {
            heading = "Enter: where else does unit \(chosen.unit) fire? (the held-out text)"
        }
        grid.put(TextLayout.fitted(options.spell(heading), body.width), x: body.x, y: body.y, style: PanelFrame.titleStyle, clip: body)
        guard let found = finder.found, found.request == finder.search else { return }
        for (row, context) in found.contexts.enumerated() where row + 1 < body.height {
            drawContext(context, y: body.y + 1 + row, in: body, on: &grid, options: options)
        }
    }

    /// One context: the line's words around the peak, each on the colour of the unit's value.
    static func drawContext(_ context: UnitContext, y: Int, in body: Rect, on grid: inout CellGrid, options: RenderOptions) {
        let number = signed(context.peakValue) + " "
        var x = body.x + grid.put(number, x: body.x, y: y, style: PanelFrame.captionStyle, clip: body)
        // Start far enough back that the peak sits about a third of the way in.
        var start = context.peak, room = (body.maxX - x) / 3
        while start > 0 && room - displayWidth(of: context.tokens[start - 1]) - 1 > 0 {
            room -= displayWidth(of: context.tokens[start - 1]) + 1
            start -= 1
        }
        if start > 0 { x += grid.put("…", x: x, y: y, style: PanelFrame.captionStyle, clip: body) }
        for t in start..<context.tokens.count {
            let text = options.spell(context.tokens[t])
            guard x + displayWidth(of: text) <= body.maxX else { break }
            var style: Style
            if options.color {
                style = Style(background: DivergingRamp.color(context.values[t], limit: 1))
            } else {
                style = Style(bold: context.values[t] > 0.5, dim: context.values[t] < -0.5)
            }
            style.reverse = t == context.peak && !options.color
            style.underline = t == context.peak
            x += grid.put(text, x: x, y: y, style: style, clip: body) + 1
        }
    }

    static func signed(_ x: Float) -> String { x.isFinite ? String(format: "%+.2f", x) : Numbers.value(x) }
}
