import Course

/// Lesson blocks laid out as wrapped lines of styled runs for a given width.
/// Inline styling survives the wrap (bold, italic, code), and each link to
/// another lesson keeps its number in reading order so the learner can select
/// and follow it.
public enum TextLayout {
    /// Where a link goes, and which link of the text it is (0, 1, 2… in reading order).
    public struct Link: Equatable, Sendable {
        public var ordinal: Int
        public var lessonID: String
    }

    /// A piece of a line in one style.
    public struct Run: Equatable, Sendable {
        public var text: String
        public var style: Style
        public var link: Link? = nil
    }

    public struct Line: Equatable, Sendable {
        public var runs: [Run]
        public var text: String { runs.map(\.text).joined() }
        public var links: [Link] { runs.compactMap(\.link) }
    }

    /// A word: no spaces inside, maybe several styles ("**LSTM**s").
    private struct Word {
        var runs: [Run] = []
        var width: Int { runs.reduce(0) { $0 + displayWidth(of: $1.text) } }
    }

    public static func lines(_ blocks: [Block], width: Int, ascii: Bool) -> [Line] {
        var out: [Line] = []
        var linkCount = 0
        func spell(_ s: String) -> String { ascii ? asciiSpelling(s) : s }

        func words(_ inlines: [Inline], _ base: Style) -> [Word] {
            var result: [Word] = [], current = Word()
            func emit(_ text: String, _ style: Style, _ link: Link?) {
                var piece = ""
                for character in spell(text) {
                    if character == " " || character == "\n" {
                        if !piece.isEmpty { current.runs.append(Run(text: piece, style: style, link: link)); piece = "" }
                        if !current.runs.isEmpty { result.append(current); current = Word() }
                    } else {
                        piece.append(character)
                    }
                }
                if !piece.isEmpty { current.runs.append(Run(text: piece, style: style, link: link)) }
            }
            func walk(_ inlines: [Inline], _ style: Style) {
                for inline in inlines {
                    switch inline {
                    case .text(let text): emit(text, style, nil)
                    case .code(let text): emit(text, Style(foreground: .cyan, bold: style.bold), nil)
                    case .emphasis(let inner): var s = style; s.italic = true; walk(inner, s)
                    case .strong(let inner): var s = style; s.bold = true; walk(inner, s)
                    case .lessonLink(let id, let text):
                        emit(text, Style(foreground: .blue, bold: style.bold, underline: true), Link(ordinal: linkCount, lessonID: id))
                        linkCount += 1
                    }
                }
            }
            walk(inlines, base)
            if !current.runs.isEmpty { result.append(current) }
            return result
        }

        func add(_ inlines: [Inline], _ style: Style = .plain, indent: Int = 0, bullet: String = "", bulletStyle: Style = .plain) {
            let available = max(1, width - indent - displayWidth(of: bullet))
            let wrapped = wrap(words(inlines, style), width: available)
            for (i, runs) in wrapped.enumerated() {
                let margin = String(repeating: " ", count: indent)
                let lead = i > 0 ? [Run(text: margin + String(repeating: " ", count: displayWidth(of: bullet)), style: .plain)]
                    : bulletStyle == .plain ? [Run(text: margin + bullet, style: .plain)]
                    : [Run(text: margin, style: .plain), Run(text: bullet, style: bulletStyle)]
                out.append(Line(runs: lead.filter { !$0.text.isEmpty } + runs))
            }
        }
        func add(_ text: String, _ style: Style, indent: Int) { add([.text(text)], style, indent: indent) }

        func layout(_ blocks: [Block], indent: Int) {
            for block in blocks {
                switch block {
                case .heading(_, let text): add(text, Style(bold: true), indent: indent)
                case .paragraph(let text): add(text, indent: indent)
                case .list(let ordered, let items):
                    for (i, item) in items.enumerated() {
                        add(item, indent: indent, bullet: ordered ? "\(i + 1). " : (ascii ? "- " : "• "))
                    }
                case .code(let text), .math(let text):
                    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                        out.append(Line(runs: [Run(text: String(repeating: " ", count: indent + 2) + spell(String(line)),
                                                   style: Style(foreground: .cyan))]))
                    }
                case .analogy(let inner):
                    add("Analogy", Style(foreground: .yellow, bold: true), indent: indent); layout(inner, indent: indent + 2)
                case .memoryAid(let inner):
                    add("Memory aid", Style(foreground: .yellow, bold: true), indent: indent); layout(inner, indent: indent + 2)
                case .example(let title, let body):
                    add("Example: " + title, Style(foreground: .green, bold: true), indent: indent); layout(body, indent: indent + 2)
                case .dilemma(let question, let discussion):
                    add("Dilemma", Style(foreground: .magenta, bold: true), indent: indent); layout(question, indent: indent + 2)
                    add("Discussion", Style(dim: true), indent: indent + 2); layout(discussion, indent: indent + 2)
                case .dialogue(let title, let turns):
                    add(title.isEmpty ? "Dialogue" : "Dialogue: " + title, Style(bold: true), indent: indent)
                    dialogue(turns, indent: indent + 2)
                case .figure(let title, let picture, let asciiPicture):
                    add("Figure: " + title, Style(foreground: .cyan, bold: true), indent: indent)
                    // Drawn as written, never wrapped: a line too long for the column is cut, not reflowed.
                    // Not indented further: a figure may be as wide as the text column (44) beside the panels.
                    for row in ascii ? asciiPicture : picture {
                        let shown = String(row.prefix(max(0, width - indent)))
                        out.append(Line(runs: [Run(text: String(repeating: " ", count: indent) + shown, style: .plain)]))
                    }
                case .objectives(let items):
                    add("In this lesson you will learn to", Style(foreground: .green, bold: true), indent: indent)
                    for item in items { add(item, indent: indent, bullet: ascii ? "- " : "• ") }
                case .recap(let points):
                    add("Recap", Style(foreground: .green, bold: true), indent: indent)
                    for point in points { add(point, indent: indent, bullet: ascii ? "* " : "✓ ") }
                }
                out.append(Line(runs: []))
            }
        }
        /// Each speaker's name in a column of its own, followed by a colon, with the turn wrapped beside it;
        /// when the names would leave the text too little room, each name stands on a line above its turn.
        func dialogue(_ turns: [DialogueTurn], indent: Int) {
            let names = turns.map { spell($0.speaker) + ":" }
            let column = (names.map { displayWidth(of: $0) }.max() ?? 0) + 1
            let beside = column * 3 <= width - indent
            for (turn, name) in zip(turns, names) {
                // The teacher in one colour, every student in another; bold keeps them apart without colour.
                let style = Style(foreground: turn.speaker.lowercased() == "teacher" ? .green : .yellow, bold: true)
                if beside {
                    add(turn.text, indent: indent, bullet: name + String(repeating: " ", count: column - displayWidth(of: name)),
                        bulletStyle: style)
                } else {
                    add([.text(name)], style, indent: indent)
                    add(turn.text, indent: indent + 2)
                }
            }
        }

        layout(blocks, indent: 0)
        return out
    }

    /// Greedy wrap of styled words; words join with one space (underlined
    /// inside a link, so a link reads as one piece), and a word longer than the
    /// line is cut.
    private static func wrap(_ words: [Word], width: Int) -> [[Run]] {
        var lines: [[Run]] = [], current: [Run] = [], currentWidth = 0
        var previousLink: Link? = nil
        for word in words {
            let wordWidth = word.width
            if !current.isEmpty && currentWidth + 1 + wordWidth <= width {
                let link = word.runs.first?.link
                let joinsLink = link != nil && link == previousLink
                current.append(Run(text: " ", style: joinsLink ? word.runs[0].style : .plain, link: joinsLink ? link : nil))
                current += word.runs
                currentWidth += 1 + wordWidth
            } else if current.isEmpty && wordWidth <= width {
                current = word.runs
                currentWidth = wordWidth
            } else {
                if !current.isEmpty { lines.append(current) }
                current = []; currentWidth = 0
                // Cut an over-long word character by character, keeping each character's run.
                for run in word.runs {
                    for character in run.text {
                        let w = displayWidth(of: String(character))
                        if currentWidth + w > width && !current.isEmpty { lines.append(current); current = []; currentWidth = 0 }
                        if let last = current.last, last.style == run.style, last.link == run.link {
                            current[current.count - 1].text.append(character)
                        } else {
                            current.append(Run(text: String(character), style: run.style, link: run.link))
                        }
                        currentWidth += w
                    }
                }
            }
            previousLink = word.runs.last?.link
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// `text` cut to `width` columns with "…" when it does not fit (leading spaces kept). The cut
    /// falls between words when one ends in the last third of the line: half a word reads as a typo.
    public static func fitted(_ text: String, _ width: Int) -> String {
        guard displayWidth(of: text) > width, width > 1 else { return text }
        var cut = ""
        for character in text {
            guard displayWidth(of: cut + String(character)) < width else { break }
            cut.append(character)
        }
        let wordGoesOn = text.dropFirst(cut.count).first.map { $0 != " " } ?? false
        if wordGoesOn, let space = cut.lastIndex(of: " "), displayWidth(of: String(cut[..<space])) >= width * 2 / 3 {
            cut = String(cut[..<space])
        }
        while let last = cut.last, " ,;:·(".contains(last) { cut.removeLast() }
        return cut + "…"
    }

    /// Greedy word wrap by display width; a word longer than the line is cut.
    public static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], current = "", currentWidth = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let wordWidth = displayWidth(of: word)
            let candidateWidth = current.isEmpty ? wordWidth : currentWidth + 1 + wordWidth
            if candidateWidth <= width {
                current = current.isEmpty ? word : current + " " + word
                currentWidth = candidateWidth
            } else {
                if !current.isEmpty { lines.append(current) }
                var rest = word
                while displayWidth(of: rest) > width {
                    var head = ""
                    for character in rest where displayWidth(of: head + String(character)) <= width { head.append(character) }
                    if head.isEmpty { break }
                    lines.append(head)
                    rest.removeFirst(head.count)
                }
                current = rest
                currentWidth = displayWidth(of: rest)
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}

extension TextLayout {
    /// Draws laid-out lines into `body` from line `scroll` (kept in range), the selected link
    /// reversed, and a mark on the right edge that says whether more follows. Returns the first
    /// line drawn. The lesson text and a FAQ answer scroll the same way.
    @discardableResult
    static func draw(_ lines: [Line], scroll: Int, selectedLink: Int?, in body: Rect, on grid: inout CellGrid) -> Int {
        let first = min(scroll, max(0, lines.count - body.height))
        for (row, line) in lines.dropFirst(first).prefix(body.height).enumerated() {
            var x = body.x
            for run in line.runs {
                var style = run.style
                if let link = run.link, link.ordinal == selectedLink { style.reverse = true }
                x += grid.put(run.text, x: x, y: body.y + row, style: style, clip: body)
            }
        }
        if lines.count > body.height, body.height > 2 {
            let more = first + body.height < lines.count
            grid.put(more ? "↓" : "∎", x: body.maxX - 1, y: body.maxY - 1, style: Style(dim: true), clip: body)
        }
        return first
    }
}
