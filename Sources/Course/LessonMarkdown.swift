import Foundation

// Step 3 of reading a lesson file, inside a block: the Markdown subset of FORMAT.md
// (paragraphs, lists, headings, code and math) and the inline text.

extension BodyReader {
    /// The Markdown subset of FORMAT.md, line by line.
    mutating func markdown(_ lines: [SourceLine]) -> [Block] {
        var blocks: [Block] = []
        var i = 0
        while i < lines.count {
            let (text, number) = lines[i]
            let trimmed = text.trimmingWhitespace()
            if trimmed.isEmpty {
                i += 1
            } else if trimmed.hasASCIIPrefix("```") {
                let isMath = trimmed.dropFirst(3).trimmingWhitespace() == "math"
                var content: [String] = []
                i += 1
                while i < lines.count {
                    let inner = lines[i].text.trimmingWhitespace()
                    i += 1
                    if inner.count >= 3 && inner.allSatisfy({ $0 == "`" }) { break }
                    content.append(lines[i - 1].text)
                }
                let joined = content.joined(separator: "\n")
                blocks.append(isMath ? .math(joined) : .code(joined))
            } else if let heading = heading(trimmed, line: number) {
                blocks.append(heading)
                i += 1
            } else if let marker = listMarker(trimmed) {
                blocks.append(list(lines, from: &i, ordered: marker.ordered))
            } else if let refusal = refusal(trimmed) {
                problems.error(number, refusal)
                i += 1
            } else {
                var paragraph: [SourceLine] = []
                while i < lines.count {
                    let line = lines[i].text.trimmingWhitespace()
                    if line.isEmpty || startsBlock(line) { break }
                    paragraph.append((line, lines[i].line))
                    i += 1
                }
                blocks.append(.paragraph(inline(paragraph)))
            }
        }
        return blocks
    }

    mutating func list(_ lines: [SourceLine], from i: inout Int, ordered: Bool) -> Block {
        var items: [[Inline]] = []
        var item: [SourceLine] = []
        func finishItem(_ reader: inout BodyReader) {
            if !item.isEmpty { items.append(reader.inline(item)) }
            item = []
        }
        while i < lines.count {
            let (text, number) = lines[i]
            let trimmed = text.trimmingWhitespace()
            let startsAtMargin = !text.hasPrefix(" ")
            if trimmed.isEmpty {
                // A blank line ends the list, unless another item of it follows.
                var next = i + 1
                while next < lines.count, lines[next].text.trimmingWhitespace().isEmpty { next += 1 }
                guard next < lines.count, !lines[next].text.hasPrefix(" "),
                      listMarker(lines[next].text)?.ordered == ordered else { break }
                i = next
                continue
            }
            if let marker = listMarker(trimmed), startsAtMargin || item.isEmpty {
                guard marker.ordered == ordered else { break }
                finishItem(&self)
                item = [(marker.rest, number)]
            } else if startsAtMargin && startsBlock(trimmed) {
                break
            } else {
                if listMarker(trimmed) != nil {
                    problems.error(number, "lists have one level; write this item without indenting it")
                }
                item.append((trimmed, number))
            }
            i += 1
        }
        finishItem(&self)
        return .list(ordered: ordered, items: items)
    }

    mutating func heading(_ line: String, line number: Int) -> Block? {
        guard line.hasASCIIPrefix("#") else { return nil }
        let hashes = line.prefix { $0 == "#" }.count
        guard hashes > 0 else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.isEmpty || rest.hasPrefix(" ") else { return nil }
        if hashes > 3 { problems.error(number, "headings go three levels deep (#, ##, ###); this one has \(hashes)") }
        let text = rest.trimmingWhitespace()
        if text.isEmpty { problems.error(number, "the heading has no text") }
        return .heading(level: min(hashes, 3), text: inline([(text, number)]))
    }

    func listMarker(_ line: String) -> (ordered: Bool, rest: String)? {
        // Most lines start with a letter: a look at the first byte rules them out.
        guard let first = line.utf8.first, first == UInt8(ascii: "-") || (0x30...0x39).contains(first) else { return nil }
        if line.hasPrefix("- ") { return (false, String(line.dropFirst(2)).trimmingWhitespace()) }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, line.dropFirst(digits.count).hasPrefix(". ") else { return nil }
        return (true, String(line.dropFirst(digits.count + 2)).trimmingWhitespace())
    }

    /// Lines that end a paragraph: the start of another kind of block.
    func startsBlock(_ line: String) -> Bool {
        // Every such line starts with one of these bytes (0xE1 for U+1FEF, which `hasPrefix` takes for a backtick).
        switch line.utf8.first ?? 0 {
        case UInt8(ascii: "`"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "|"), UInt8(ascii: ">"),
             UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "#"), 0xE1: break
        default: return false
        }
        return line.hasPrefix("```") || listMarker(line) != nil || refusal(line) != nil
            || (line.hasPrefix("#") && (line.drop { $0 == "#" }.isEmpty || line.drop { $0 == "#" }.hasPrefix(" ")))
    }

    /// Why a line's Markdown is not part of the format, if it is not.
    func refusal(_ line: String) -> String? {
        if line == "---" || line == "***" || line == "___" {
            return "`\(line)` only separates a dilemma's question from its discussion; horizontal rules are not part of the lesson format"
        }
        if line.hasASCIIPrefix("|") { return "tables are not part of the lesson format; use a list or a code block" }
        if line.hasASCIIPrefix(">") { return "quotations (`>`) are not part of the lesson format" }
        return nil
    }

    mutating func inline(_ lines: [SourceLine]) -> [Inline] {
        guard let first = lines.first else { return [] }
        let text = lines.map(\.text).joined(separator: "\n")
        return InlineParser.parse(text, firstLine: first.line, problems: &problems, links: &links)
    }
}
