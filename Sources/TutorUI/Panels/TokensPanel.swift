import Trace

/// The sentence with the cursor on the current word and a mark on the loss step.
public enum TokensPanel {
    public static func draw(_ trace: SentenceTrace, step: Int, in rect: Rect, on grid: inout CellGrid, ascii: Bool = false) {
        let body = PanelFrame.draw("Sentence (\(trace.cell.displayName), word \(step + 1) of \(trace.tokens.count))",
                                   caption: "← → move the cursor; [ ] move the loss (underlined ^)", in: rect, on: &grid, ascii: ascii)
        guard body.height > 0 else { return }
        // Keep the cursor in view: start early enough that the current word fits.
        var x = body.x
        let widths = trace.tokens.map { displayWidth(of: $0) + 1 }
        var first = 0
        while first < step && widths[first...step].reduce(0, +) > body.width { first += 1 }
        for t in first..<trace.tokens.count {
            let style = t == step ? Style(reverse: true) : (t == trace.loss.step ? Style(bold: true) : .plain)
            let used = grid.put(trace.tokens[t], x: x, y: body.y, style: style, clip: body)
            if t == trace.loss.step && body.height > 1 { grid.put("^", x: x, y: body.y + 1, style: Style(foreground: .magenta), clip: body) }
            x += used + 1
            if x >= body.maxX { break }
        }
    }
}
