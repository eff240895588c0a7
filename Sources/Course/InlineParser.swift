import Foundation

// Inline Markdown: `code`, *emphasis*, **strong** and links to other lessons.
// Everything else is plain text, except what the format refuses outright
// (raw HTML, images, links to the web), which is reported where it stands.

enum InlineParser {
    /// Parses `text` (source lines joined with "\n"; `firstLine` is the first
    /// one's number) and reports refused Markdown. Lesson links are collected
    /// so that their ids can be checked once the whole pack is read.
    static func parse(_ text: String, firstLine: Int, problems: inout FileProblems, links: inout [LessonLinkUse]) -> [Inline] {
        var parser = Scanner(characters: Array(text), firstLine: firstLine)
        let result = parser.inlines(in: 0..<parser.characters.count)
        for problem in parser.problems { problems.error(problem.line, problem.message) }
        links += parser.links
        return result
    }

    private struct Scanner {
        let characters: [Character]
        /// The source line of each character, for messages.
        let lines: [Int]
        var problems: [(line: Int, message: String)] = []
        var links: [LessonLinkUse] = []

        init(characters: [Character], firstLine: Int) {
            self.characters = characters
            var line = firstLine
            var lines: [Int] = []
            lines.reserveCapacity(characters.count)
            for character in characters {
                lines.append(line)
                if character == "\n" { line += 1 }
            }
            self.lines = lines
        }

        mutating func inlines(in range: Range<Int>) -> [Inline] {
            var result: [Inline] = []
            var plain = ""
            func flush() {
                if !plain.isEmpty { result.append(.text(plain)) }
                plain = ""
            }
            var i = range.lowerBound
            while i < range.upperBound {
                let character = characters[i]
                if character == "`" {
                    if let (code, end) = codeSpan(at: i, before: range.upperBound) {
                        flush()
                        result.append(.code(code))
                        i = end
                    } else {
                        problems.append((lines[i], "a code span opened with ` is never closed (add the closing `)"))
                        plain.append(character)
                        i += 1
                    }
                } else if character == "*", let (inner, end, strong) = emphasis(at: i, before: range.upperBound) {
                    flush()
                    let content = inlines(in: inner)
                    result.append(strong ? .strong(content) : .emphasis(content))
                    i = end
                } else if character == "!", i + 1 < range.upperBound, characters[i + 1] == "[",
                          let (_, _, end) = link(at: i + 1, before: range.upperBound) {
                    problems.append((lines[i], "images are not part of the lesson format; describe the picture in words"))
                    i = end
                } else if character == "[", let (label, target, end) = link(at: i, before: range.upperBound) {
                    if target.hasPrefix("lesson:") {
                        let id = String(target.dropFirst("lesson:".count))
                        flush()
                        result.append(.lessonLink(id: id, text: label))
                        links.append(LessonLinkUse(id: id, line: lines[i]))
                        if label.trimmingWhitespace().isEmpty {
                            problems.append((lines[i], "the link to lesson \(quoted(id)) has no text: write [the words](lesson:\(id))"))
                        }
                    } else {
                        problems.append((lines[i], Self.looksLikeWebAddress(target)
                            ? "links to the web are not allowed in the text; put the source in the references block"
                            : "a link must go to another lesson, written [text](lesson:id), not \(quoted(target))"))
                        plain += label
                    }
                    i = end
                } else if character == "<", let tag = htmlTag(at: i, before: range.upperBound) {
                    problems.append((lines[i], "raw HTML \(tag) is not allowed (write it in backticks if it is meant literally)"))
                    plain.append(character)
                    i += 1
                } else if let address = webAddress(at: i, before: range.upperBound) {
                    problems.append((lines[i], "web address \(address) is not allowed in the text; put the source in the references block"))
                    plain += address
                    i += address.count
                } else {
                    plain.append(character == "\n" ? " " : character)
                    i += 1
                }
            }
            flush()
            return result
        }

        /// `` `x` `` or ``` ``x`` ```: a run of backticks closed by a run of the same length.
        func codeSpan(at start: Int, before end: Int) -> (String, Int)? {
            var fence = 0
            while start + fence < end, characters[start + fence] == "`" { fence += 1 }
            var i = start + fence
            while i < end {
                if characters[i] == "`" {
                    var run = 0
                    while i + run < end, characters[i + run] == "`" { run += 1 }
                    if run == fence {
                        let inner = String(characters[(start + fence)..<i]).replacingOccurrences(of: "\n", with: " ")
                        return (fence > 1 ? inner.trimmingWhitespace() : inner, i + run)
                    }
                    i += run
                } else {
                    i += 1
                }
            }
            return nil
        }

        /// `*x*` or `**x**`. As in CommonMark, a star followed by a space is a
        /// plain star, so `a * b` stays arithmetic.
        func emphasis(at start: Int, before end: Int) -> (Range<Int>, Int, Bool)? {
            let strong = start + 1 < end && characters[start + 1] == "*"
            let width = strong ? 2 : 1
            let innerStart = start + width
            guard innerStart < end, !characters[innerStart].isWhitespace, characters[innerStart] != "*" else { return nil }
            var i = innerStart + 1
            while i + width <= end {
                if characters[i] == "`", let (_, after) = codeSpan(at: i, before: end) {
                    i = after   // a star inside code does not close emphasis
                    continue
                }
                let closes = (0..<width).allSatisfy { characters[i + $0] == "*" }
                    && !characters[i - 1].isWhitespace
                    && (strong || i + 1 >= end || characters[i + 1] != "*")
                    && (strong || characters[i - 1] != "*")
                if closes { return (innerStart..<i, i + width, strong) }
                // A single star skips over a whole `**…**` inside it.
                if !strong, characters[i] == "*", i + 1 < end, characters[i + 1] == "*" {
                    i += 2
                    continue
                }
                i += 1
            }
            return nil
        }

        /// `[label](target)` on the lines given.
        func link(at start: Int, before end: Int) -> (String, String, Int)? {
            guard let close = (start + 1..<end).first(where: { characters[$0] == "]" }),
                  close + 1 < end, characters[close + 1] == "(",
                  let targetEnd = (close + 2..<end).first(where: { characters[$0] == ")" }) else { return nil }
            let label = String(characters[(start + 1)..<close]).replacingOccurrences(of: "\n", with: " ")
            let target = String(characters[(close + 2)..<targetEnd]).trimmingWhitespaceAndNewlines()
            return (label, target, targetEnd + 1)
        }

        /// `<b>`, `</p>`, `<a href=…>`, `<br/>`, `<!--`: what a browser would take for HTML.
        func htmlTag(at start: Int, before end: Int) -> String? {
            var i = start + 1
            if i + 2 < end, String(characters[i..<(i + 3)]) == "!--" { return "<!--" }
            if i < end, characters[i] == "/" { i += 1 }
            guard i < end, characters[i].isASCII, characters[i].isLetter else { return nil }
            while i < end, characters[i].isASCII, characters[i].isLetter || characters[i].isNumber || characters[i] == "-" { i += 1 }
            guard i < end else { return nil }
            if characters[i] == ">" { return String(characters[start...i]) }
            if characters[i] == "/", i + 1 < end, characters[i + 1] == ">" { return String(characters[start...(i + 1)]) }
            guard characters[i] == " " else { return nil }
            guard let close = (i..<end).first(where: { characters[$0] == ">" || characters[$0] == "<" || characters[$0] == "\n" }),
                  characters[close] == ">" else { return nil }
            return String(characters[start...close])
        }

        /// A bare `https://…`, `http://…` or `www.…`, up to the next space.
        func webAddress(at start: Int, before end: Int) -> String? {
            // Called at every character, so rule out the common case cheaply first.
            switch characters[start].unicodeScalars.first?.value {
            case 0x48, 0x57, 0x68, 0x77: break   // H W h w
            default: return nil
            }
            // "http…" or "www.": most h and w start no address, and the next letter says so cheaply.
            guard start + 1 < end, ["t", "T", "w", "W"].contains(characters[start + 1]) else { return nil }
            guard start == 0 || !(characters[start - 1].isLetter || characters[start - 1].isNumber) else { return nil }
            let ahead = String(characters[start..<min(end, start + 8)]).lowercased()
            guard ahead.hasPrefix("http://") || ahead.hasPrefix("https://") || ahead.hasPrefix("www.") else { return nil }
            var i = start
            while i < end, !characters[i].isWhitespace { i += 1 }
            // Punctuation after an address belongs to the sentence.
            while i > start, ").,;:!?\"'".contains(characters[i - 1]) { i -= 1 }
            return String(characters[start..<i])
        }

        static func looksLikeWebAddress(_ target: String) -> Bool {
            let lower = target.lowercased()
            return lower.hasPrefix("http:") || lower.hasPrefix("https:") || lower.hasPrefix("www.")
                || lower.hasPrefix("mailto:") || lower.hasPrefix("ftp:") || lower.contains("://")
        }
    }
}
