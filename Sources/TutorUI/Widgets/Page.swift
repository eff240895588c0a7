import Course

/// A page of wrapped lines built up piece by piece (the quiz and flashcard
/// screens), drawn so that one chosen line is always in view: when the page is
/// taller than the screen it scrolls to that line, and says so at the edges.
struct Page {
    struct Line {
        var text: String
        var style: Style
    }
    private(set) var lines: [Line] = []
    let width: Int
    let ascii: Bool
    /// The line that must stay in view (the option under the cursor, the verdict).
    var anchor = 0

    /// `width` includes one column at the right kept for the scroll marks.
    init(width: Int, ascii: Bool) {
        self.width = max(1, width - 1)
        self.ascii = ascii
    }

    /// Wrapped text; `prefix` (a marker such as "▶ [x] ") stands before the first
    /// line, and the following lines align under the text.
    mutating func add(_ text: String, _ style: Style = .plain, prefix: String = "") {
        let spelled = ascii ? asciiSpelling(text) : text
        let indent = displayWidth(of: prefix)
        for (i, piece) in TextLayout.wrap(spelled, width: max(1, width - indent)).enumerated() {
            let lead = i == 0 ? prefix : String(repeating: " ", count: indent)
            lines.append(Line(text: lead + piece, style: style))
        }
    }

    mutating func gap() { lines.append(Line(text: "", style: .plain)) }

    /// Marks the next line to be added as the one to keep in view.
    mutating func anchorHere() { anchor = lines.count }

    /// `offset`: lines the learner scrolled from the anchored position (↑↓ on the screens that allow it).
    func draw(in rect: Rect, offset: Int = 0, on grid: inout CellGrid) {
        guard rect.height > 0 else { return }
        var first = 0
        if lines.count > rect.height {
            // Keep the anchor in view with as much after it as fits (the options, the explanation).
            let anchored = max(0, min(anchor - 1, lines.count - rect.height))
            first = max(0, min(anchored + offset, lines.count - rect.height))
        }
        let text = Rect(x: rect.x, y: rect.y, width: max(0, rect.width - 1), height: rect.height)
        for (row, line) in lines.dropFirst(first).prefix(rect.height).enumerated() {
            grid.put(line.text, x: text.x, y: text.y + row, style: line.style, clip: text)
        }
        // The marks sit in the kept column, never over the text.
        let mark = Style(reverse: true, dim: true)
        if first > 0 { grid.put("↑", x: rect.maxX - 1, y: rect.y, style: mark, clip: rect) }
        if first + rect.height < lines.count {
            grid.put("↓", x: rect.maxX - 1, y: rect.maxY - 1, style: mark, clip: rect)
        }
    }

    /// Whether the page is taller than `height` (so ↑↓ scroll it).
    func overflows(_ height: Int) -> Bool { lines.count > height }
}
