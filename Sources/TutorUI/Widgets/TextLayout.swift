import Course

/// Lesson blocks laid out as wrapped lines of styled text for a given width.
public enum TextLayout {
    public struct Line: Equatable, Sendable {
        public var text: String
        public var style: Style
    }

    public static func lines(_ blocks: [Block], width: Int, ascii: Bool) -> [Line] {
        var out: [Line] = []
        func spell(_ s: String) -> String { ascii ? asciiSpelling(s) : s }
        func add(_ text: String, _ style: Style = .plain, indent: Int = 0, bullet: String = "") {
            let lines = wrap(spell(text), width: max(1, width - indent - bullet.count))
            for (i, line) in lines.enumerated() {
                let prefix = String(repeating: " ", count: indent) + (i == 0 ? bullet : String(repeating: " ", count: bullet.count))
                out.append(Line(text: prefix + line, style: style))
            }
        }
        func layout(_ blocks: [Block], indent: Int) {
            for block in blocks {
                switch block {
                case .heading(_, let text): add(text.plainText, Style(bold: true), indent: indent)
                case .paragraph(let text): add(text.plainText, indent: indent)
                case .list(let ordered, let items):
                    for (i, item) in items.enumerated() {
                        add(item.plainText, indent: indent, bullet: ordered ? "\(i + 1). " : (ascii ? "- " : "• "))
                    }
                case .code(let text), .math(let text):
                    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                        out.append(Line(text: String(repeating: " ", count: indent + 2) + spell(String(line)), style: Style(foreground: .cyan)))
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
                }
                out.append(Line(text: "", style: .plain))
            }
        }
        layout(blocks, indent: 0)
        return out
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
