import Trace

/// The sentence with the cursor on the current word, a mark on the loss step,
/// and the words the model does not know in red.
public enum TokensPanel {
    public static func draw(_ trace: SentenceTrace, step: Int, unknownID: Int? = nil, in rect: Rect, on grid: inout CellGrid,
                            options: RenderOptions) {
        let hasUnknown = unknownID.map { trace.ids.contains($0) } ?? false
        let caption = "← → move the cursor; [ ] move the loss (^); e edits" + (hasUnknown ? "; red: unknown word" : "")
        let body = PanelFrame.draw("Sentence (\(options.name(trace)), word \(step + 1) of \(trace.tokens.count))",
                                   caption: caption, in: rect, on: &grid, options: options)
        guard body.height > 0, body.width > 2 else { return }
        // Show the cursor and, when both fit, the loss step too; "…" marks words out of view.
        let widths = trace.tokens.map { displayWidth(of: $0) + 1 }
        func fits(_ range: ClosedRange<Int>) -> Bool { widths[range].reduce(0, +) + 4 <= body.width }
        let last = max(step, min(trace.loss.step, trace.tokens.count - 1))
        var first = 0
        while first < step && !fits(first...max(last, first)) { first += 1 }
        var x = body.x
        // A loss word out of view keeps its caret, under the mark of the words it is among.
        func caretAt(_ x: Int) { if body.height > 1 { grid.put("^", x: x, y: body.y + 1, style: Style(foreground: .magenta), clip: body) } }
        if first > 0 {
            if trace.loss.step < first { caretAt(x) }
            x += grid.put(options.ascii ? "< " : "… ", x: x, y: body.y, style: PanelFrame.captionStyle, clip: body)
        }
        for t in first..<trace.tokens.count {
            let remaining = body.maxX - x
            if t != step && displayWidth(of: trace.tokens[t]) > remaining - (t < trace.tokens.count - 1 ? 2 : 0) {
                grid.put(options.ascii ? ">" : "…", x: body.maxX - 1, y: body.y, style: PanelFrame.captionStyle, clip: body)
                if trace.loss.step >= t { caretAt(body.maxX - 1) }
                break
            }
            var style = t == step ? Style(reverse: true) : (t == trace.loss.step ? Style(bold: true) : .plain)
            if trace.ids[t] == unknownID { style.foreground = .red; style.underline = true }
            let used = grid.put(trace.tokens[t], x: x, y: body.y, style: style, clip: body)
            if t == trace.loss.step { caretAt(x) }
            x += used + 1
        }
    }
}
