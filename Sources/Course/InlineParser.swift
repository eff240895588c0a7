import Foundation

// Inline Markdown: `code`, *emphasis*, **strong** and links to other lessons.
// Everything else is plain text, except what the format refuses outright
// (raw HTML, images, links to the web), which is reported where it stands.

enum InlineParser {
    /// Parses `text` (source lines joined with "\n"; `firstLine` is the first
    /// one's number) and reports refused Markdown. Lesson links are collected
    /// so that their ids can be checked once the whole pack is read.
    static func parse(_ text: String, firstLine: Int, problems: inout FileProblems, links: inout [LessonLinkUse]) -> [Inline] {
        var text = text
        if let plain = text.withUTF8({ mayHaveMarkup($0) ? nil : plainText($0) }) { return plain.isEmpty ? [] : [.text(plain)] }
        return scan(text, firstLine: firstLine, problems: &problems, links: &links)
    }

    private static func scan(_ text: String, firstLine: Int, problems: inout FileProblems, links: inout [LessonLinkUse]) -> [Inline] {
        var parser = Scanner(UnitText(text), firstLine: firstLine)
        let result = parser.inlines(in: 0..<parser.text.count)
        for problem in parser.problems { problems.error(problem.line, problem.message) }
        links += parser.links
        return result
    }

    /// Reports refused Markdown in `text` and collects its lesson links, like `parse`, for a text
    /// whose parsed form is not kept (a quiz's or card's prose, a block's title).
    static func check(_ text: String, firstLine: Int, problems: inout FileProblems, links: inout [LessonLinkUse]) {
        var text = text
        guard text.withUTF8(mayHaveMarkup) else { return }
        _ = scan(text, firstLine: firstLine, problems: &problems, links: &links)
    }

    /// False when the UTF-8 `bytes` can hold nothing but plain text: no character that opens code,
    /// emphasis, a link, an image or HTML, no U+1FEF (taken for a backtick) and no "http" or "www."
    /// in any case. Most prose has none, and needs no scan by units.
    static func mayHaveMarkup(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        let mayOpen = mayOpenMarkup
        for k in 0..<n where mayOpen[Int(bytes[k])] {
            switch bytes[k] {
            case 0x60, 0x2A, 0x21, 0x5B, 0x3C: return true   // ` * ! [ <
            case 0x48, 0x68:   // "http", any case
                if k + 3 < n, bytes[k + 1] | 0x20 == 0x74, bytes[k + 2] | 0x20 == 0x74, bytes[k + 3] | 0x20 == 0x70 { return true }
            case 0x57, 0x77:   // "www.", any case
                if k + 3 < n, bytes[k + 1] | 0x20 == 0x77, bytes[k + 2] | 0x20 == 0x77, bytes[k + 3] == 0x2E { return true }
            case 0xE1:   // U+1FEF
                if k + 2 < n, bytes[k + 1] == 0xBF, bytes[k + 2] == 0xAF { return true }
            default: break
            }
        }
        return false
    }

    /// The bytes `mayHaveMarkup` looks at more closely, as a table: one load per byte.
    private static let mayOpenMarkup: [Bool] = (0..<256).map { [0x60, 0x2A, 0x21, 0x5B, 0x3C, 0x48, 0x68, 0x57, 0x77, 0xE1].contains($0) }

    /// Plain text as the scanner makes it: each line feed (alone, not CR LF) a space.
    static func plainText(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.contains(0x0A) else { return String(decoding: bytes, as: UTF8.self) }
        var plain = Array(bytes)
        for k in plain.indices where plain[k] == 0x0A && (k == 0 || plain[k - 1] != 0x0D) { plain[k] = 0x20 }
        return String(decoding: plain, as: UTF8.self)
    }

    /// The text as the rules read it: one unit per `Character` (grapheme cluster), kept as its
    /// first scalar's value (`multiScalar` set when the cluster has more scalars) and its place in
    /// the UTF-8 bytes. Every syntax character is ASCII, so the scanner compares integers and
    /// copies plain text as runs of bytes instead of one `Character` at a time.
    struct UnitText {
        let bytes: [UInt8]
        /// The first scalar of each unit, with `multiScalar` set when the unit has more than one.
        private(set) var codes: [UInt32] = []
        /// Where each unit starts in `bytes`, and `bytes.count` at the end.
        private(set) var starts: [Int] = []

        static let multiScalar: UInt32 = 0x8000_0000

        var count: Int { codes.count }

        init(_ text: String) {
            bytes = Array(text.utf8)
            if !readScalars() { readCharacters(text) }
        }

        /// One unit per scalar, which is exact while every scalar is a grapheme cluster of its own
        /// and none is canonically equal to an ASCII character. False when a scalar is not known to be
        /// (a combining mark, an emoji, CR LF…): then the text is read `Character` by `Character`.
        private mutating func readScalars() -> Bool {
            let n = bytes.count
            var count = 0
            var codes = [UInt32](repeating: 0, count: n)
            var starts = [Int](repeating: 0, count: n + 1)
            let exact = bytes.withUnsafeBufferPointer { bytes in
                codes.withUnsafeMutableBufferPointer { codes in
                    starts.withUnsafeMutableBufferPointer { starts in
                        var i = 0
                        while i < n {
                            let lead = bytes[i]
                            starts[count] = i
                            if lead < 0x80 {
                                if lead == 0x0D, i + 1 < n, bytes[i + 1] == 0x0A { return false }
                                codes[count] = UInt32(lead)
                                count += 1
                                i += 1
                                continue
                            }
                            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                            var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                            for k in 1..<length { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
                            guard Self.standsAlone(value) else { return false }
                            codes[count] = value
                            count += 1
                            i += length
                        }
                        starts[count] = n
                        return true
                    }
                }
            }
            guard exact else { return false }
            codes.removeLast(n - count)
            starts.removeLast(n - count)
            self.codes = codes
            self.starts = starts
            return true
        }

        private mutating func readCharacters(_ text: String) {
            codes.reserveCapacity(bytes.count)
            starts.reserveCapacity(bytes.count + 1)
            var offset = 0
            for character in text {
                let scalars = character.unicodeScalars
                var code = scalars.first!.value
                if scalars.index(after: scalars.startIndex) != scalars.endIndex { code |= Self.multiScalar }
                codes.append(code)
                starts.append(offset)
                offset += character.utf8.count
            }
            starts.append(offset)
        }

        /// Non-ASCII scalars that are a grapheme cluster of their own beside ASCII and beside each
        /// other, and equal to no ASCII character: Latin-1 and Latin extensions, spacing modifiers,
        /// Greek and Cyrillic letters, phonetic letters, punctuation, super- and subscripts,
        /// currency, and the symbol blocks from letterlike to Coptic (arrows, mathematical
        /// operators, box drawing, shapes). U+037E (Greek question mark, equal to ";") and U+212A
        /// (Kelvin sign, equal to "K") are left out. `InlineParserTests` checks every one.
        static func standsAlone(_ value: UInt32) -> Bool {
            switch value {
            case 0x80..<0x300, 0x370..<0x37E, 0x37F..<0x483, 0x1D00..<0x1DC0, 0x2010..<0x2028, 0x2030..<0x2060,
                 0x2070..<0x20D0, 0x2100..<0x212A, 0x212B..<0x2CEF: true
            default: false
            }
        }

        /// The unit's first scalar.
        func scalar(_ i: Int) -> Unicode.Scalar { Unicode.Scalar(codes[i] & ~Self.multiScalar)! }

        /// Whether unit `i` is exactly the ASCII character `c`.
        func isUnit(_ i: Int, _ c: UInt8) -> Bool { codes[i] == UInt32(c) }

        /// A backtick, or U+1FEF (Greek varia), which `Character` comparison takes for one.
        func isBacktick(_ i: Int) -> Bool { codes[i] == 0x60 || codes[i] == 0x1FEF }

        /// `Character.isWhitespace`, `isLetter`, `isNumber`: properties of the first scalar.
        func isWhitespace(_ i: Int) -> Bool {
            let code = codes[i] & ~Self.multiScalar
            if code < 0x80 { return code == 0x20 || (0x09...0x0D).contains(code) }
            return scalar(i).properties.isWhitespace
        }

        func isLetterOrNumber(_ i: Int) -> Bool {
            let code = codes[i] & ~Self.multiScalar
            if code < 0x80 { return (0x30...0x39).contains(code) || (0x41...0x5A).contains(code) || (0x61...0x7A).contains(code) }
            let properties = scalar(i).properties
            return properties.isAlphabetic || properties.numericType != nil
        }

        /// A single ASCII letter (`Character.isASCII` is also true for CR LF, which is no letter).
        func isASCIILetter(_ i: Int) -> Bool {
            let code = codes[i]
            return (0x41...0x5A).contains(code) || (0x61...0x7A).contains(code)
        }

        func isASCIIDigit(_ i: Int) -> Bool { (0x30...0x39).contains(codes[i]) }

        /// Units `range` as a String, exactly as they stand.
        func string(_ range: Range<Int>) -> String {
            String(decoding: bytes[starts[range.lowerBound]..<starts[range.upperBound]], as: UTF8.self)
        }

        /// Units `range` with their line feeds made spaces, as `replacingOccurrences(of: "\n", with: " ")` does:
        /// every line feed, except (Foundation's rule) one that a combining mark follows; such rare text is
        /// left to Foundation itself.
        func stringJoiningLines(_ range: Range<Int>) -> String {
            let slice = bytes[starts[range.lowerBound]..<starts[range.upperBound]]
            guard let firstFeed = slice.firstIndex(of: 0x0A) else { return String(decoding: slice, as: UTF8.self) }
            var joined = Array(slice[..<firstFeed])
            joined.reserveCapacity(slice.count)
            for k in firstFeed..<slice.endIndex {
                let byte = slice[k]
                if byte == 0x0A {
                    if k + 1 < slice.endIndex, slice[k + 1] >= 0x80 {
                        return String(decoding: slice, as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
                    }
                    joined.append(0x20)
                } else {
                    joined.append(byte)
                }
            }
            return String(decoding: joined, as: UTF8.self)
        }

        /// Appends units `range` to `plain`, a line feed (alone, not CR LF) becoming a space.
        func appendPlain(_ range: Range<Int>, to plain: inout [UInt8]) {
            let from = starts[range.lowerBound], to = starts[range.upperBound]
            guard from < to else { return }
            var k = from
            while k < to {
                let byte = bytes[k]
                plain.append(byte == 0x0A && (k == 0 || bytes[k - 1] != 0x0D) ? 0x20 : byte)
                k += 1
            }
        }
    }

    private struct Scanner {
        let text: UnitText
        let firstLine: Int
        var problems: [(line: Int, message: String)] = []
        var links: [LessonLinkUse] = []

        init(_ text: UnitText, firstLine: Int) {
            self.text = text
            self.firstLine = firstLine
        }

        /// The source line of unit `i`, for messages (a line feed unit ends a line; CR LF is one unit).
        func line(_ i: Int) -> Int {
            var line = firstLine
            for k in 0..<i where text.isUnit(k, 0x0A) { line += 1 }
            return line
        }

        mutating func report(_ i: Int, _ message: String) { problems.append((line(i), message)) }

        mutating func inlines(in range: Range<Int>) -> [Inline] {
            var result: [Inline] = []
            var plain: [UInt8] = []
            // Plain units not yet copied into `plain` start here.
            var pending = range.lowerBound
            func flush(upTo i: Int) {
                text.appendPlain(pending..<i, to: &plain)
                if !plain.isEmpty { result.append(.text(String(decoding: plain, as: UTF8.self))) }
                plain.removeAll(keepingCapacity: true)
            }
            var i = range.lowerBound
            while i < range.upperBound {
                i = text.codes.withUnsafeBufferPointer { codes in
                    var i = i
                    while i < range.upperBound, !Self.mayStartSyntax(codes[i]) { i += 1 }
                    return i
                }
                guard i < range.upperBound else { break }
                let code = text.codes[i]
                if text.isBacktick(i) {
                    if let (code, end) = codeSpan(at: i, before: range.upperBound) {
                        flush(upTo: i)
                        result.append(.code(code))
                        i = end
                        pending = i
                    } else {
                        report(i, "a code span opened with ` is never closed (add the closing `)")
                        i += 1
                    }
                } else if code == 0x2A /* * */, let (inner, end, strong) = emphasis(at: i, before: range.upperBound) {
                    flush(upTo: i)
                    let content = inlines(in: inner)
                    result.append(strong ? .strong(content) : .emphasis(content))
                    i = end
                    pending = i
                } else if code == 0x21 /* ! */, i + 1 < range.upperBound, text.isUnit(i + 1, 0x5B),
                          let (_, _, end) = link(at: i + 1, before: range.upperBound) {
                    report(i, "images are not part of the lesson format; describe the picture in words")
                    text.appendPlain(pending..<i, to: &plain)
                    i = end
                    pending = i
                } else if code == 0x5B /* [ */, let (label, target, end) = link(at: i, before: range.upperBound) {
                    if target.hasPrefix("lesson:") {
                        let id = String(target.dropFirst("lesson:".count))
                        flush(upTo: i)
                        result.append(.lessonLink(id: id, text: label))
                        links.append(LessonLinkUse(id: id, line: line(i)))
                        if label.trimmingWhitespace().isEmpty {
                            report(i, "the link to lesson \(quoted(id)) has no text: write [the words](lesson:\(id))")
                        }
                    } else {
                        report(i, Self.looksLikeWebAddress(target)
                            ? "links to the web are not allowed in the text; put the source in the references block"
                            : "a link must go to another lesson, written [text](lesson:id), not \(quoted(target))")
                        text.appendPlain(pending..<i, to: &plain)
                        plain += label.utf8
                    }
                    i = end
                    pending = i
                } else if code == 0x3C /* < */, let tag = htmlTag(at: i, before: range.upperBound) {
                    report(i, "raw HTML \(tag) is not allowed (write it in backticks if it is meant literally)")
                    i += 1
                } else if let end = webAddress(at: i, before: range.upperBound) {
                    report(i, "web address \(text.string(i..<end)) is not allowed in the text; put the source in the references block")
                    i = end
                } else {
                    i += 1
                }
            }
            flush(upTo: range.upperBound)
            return result
        }

        /// Whether a unit can open anything but plain text: ` * ! [ < and the h or w of a web address.
        /// Nearly every unit cannot, and the scanner passes over those in one tight loop.
        static func mayStartSyntax(_ code: UInt32) -> Bool {
            switch code {
            case 0x60, 0x2A, 0x21, 0x5B, 0x3C, 0x48, 0x68, 0x57, 0x77, 0x1FEF: true
            default: false
            }
        }

        /// `` `x` `` or ``` ``x`` ```: a run of backticks closed by a run of the same length.
        func codeSpan(at start: Int, before end: Int) -> (String, Int)? {
            var fence = 0
            while start + fence < end, text.isBacktick(start + fence) { fence += 1 }
            var i = start + fence
            while i < end {
                if text.isBacktick(i) {
                    var run = 0
                    while i + run < end, text.isBacktick(i + run) { run += 1 }
                    if run == fence {
                        let inner = text.stringJoiningLines((start + fence)..<i)
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
            let star: UInt8 = 0x2A
            let strong = start + 1 < end && text.isUnit(start + 1, star)
            let width = strong ? 2 : 1
            let innerStart = start + width
            guard innerStart < end, !text.isWhitespace(innerStart), !text.isUnit(innerStart, star) else { return nil }
            var i = innerStart + 1
            while i + width <= end {
                if text.isBacktick(i), let (_, after) = codeSpan(at: i, before: end) {
                    i = after   // a star inside code does not close emphasis
                    continue
                }
                let closes = text.isUnit(i, star) && (!strong || text.isUnit(i + 1, star))
                    && !text.isWhitespace(i - 1)
                    && (strong || i + 1 >= end || !text.isUnit(i + 1, star))
                    && (strong || !text.isUnit(i - 1, star))
                if closes { return (innerStart..<i, i + width, strong) }
                // A single star skips over a whole `**…**` inside it.
                if !strong, text.isUnit(i, star), i + 1 < end, text.isUnit(i + 1, star) {
                    i += 2
                    continue
                }
                i += 1
            }
            return nil
        }

        /// `[label](target)` on the lines given.
        func link(at start: Int, before end: Int) -> (String, String, Int)? {
            guard let close = (start + 1..<end).first(where: { text.isUnit($0, 0x5D) }),   // ]
                  close + 1 < end, text.isUnit(close + 1, 0x28),                        // (
                  let targetEnd = (close + 2..<end).first(where: { text.isUnit($0, 0x29) }) else { return nil }   // )
            let label = text.stringJoiningLines((start + 1)..<close)
            let target = text.string((close + 2)..<targetEnd).trimmingWhitespaceAndNewlines()
            return (label, target, targetEnd + 1)
        }

        /// `<b>`, `</p>`, `<a href=…>`, `<br/>`, `<!--`: what a browser would take for HTML.
        func htmlTag(at start: Int, before end: Int) -> String? {
            var i = start + 1
            if i + 2 < end, text.isUnit(i, 0x21), text.isUnit(i + 1, 0x2D), text.isUnit(i + 2, 0x2D) { return "<!--" }
            if i < end, text.isUnit(i, 0x2F) { i += 1 }   // /
            guard i < end, text.isASCIILetter(i) else { return nil }
            while i < end, text.isASCIILetter(i) || text.isASCIIDigit(i) || text.isUnit(i, 0x2D) { i += 1 }
            guard i < end else { return nil }
            if text.isUnit(i, 0x3E) { return text.string(start..<(i + 1)) }   // >
            if text.isUnit(i, 0x2F), i + 1 < end, text.isUnit(i + 1, 0x3E) { return text.string(start..<(i + 2)) }
            guard text.isUnit(i, 0x20) else { return nil }
            guard let close = (i..<end).first(where: { text.isUnit($0, 0x3E) || text.isUnit($0, 0x3C) || text.isUnit($0, 0x0A) }),
                  text.isUnit(close, 0x3E) else { return nil }
            return text.string(start..<(close + 1))
        }

        /// A bare `https://…`, `http://…` or `www.…`, up to the next space: the unit after it.
        func webAddress(at start: Int, before end: Int) -> Int? {
            // Called at every ASCII character, so rule out the common case cheaply first.
            switch text.codes[start] & ~UnitText.multiScalar {
            case 0x48, 0x57, 0x68, 0x77: break   // H W h w
            default: return nil
            }
            // "http…" or "www.": most h and w start no address, and the next letter says so cheaply.
            guard start + 1 < end else { return nil }
            switch text.codes[start + 1] {
            case 0x54, 0x57, 0x74, 0x77: break   // T W t w
            default: return nil
            }
            guard start == 0 || !text.isLetterOrNumber(start - 1) else { return nil }
            guard hasPrefix("http://", at: start, before: end) || hasPrefix("https://", at: start, before: end)
                || hasPrefix("www.", at: start, before: end) else { return nil }
            var i = start
            while i < end, !text.isWhitespace(i) { i += 1 }
            // Punctuation after an address belongs to the sentence (U+037E is taken for ";").
            while i > start, Self.sentencePunctuation.contains(text.codes[i - 1]) { i -= 1 }
            return i
        }

        static let sentencePunctuation: Set<UInt32> = Set(").,;:!?\"'".unicodeScalars.map(\.value) + [0x37E])

        /// Whether the units from `start` spell `prefix` (lowercase ASCII) in either case.
        func hasPrefix(_ prefix: StaticString, at start: Int, before end: Int) -> Bool {
            guard start + prefix.utf8CodeUnitCount <= end else { return false }
            let letters = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
            for (k, letter) in letters.enumerated() {
                let code = text.codes[start + k]
                guard code < 0x80 else { return false }
                let lower = (0x41...0x5A).contains(code) ? code + 0x20 : code
                if lower != UInt32(letter) { return false }
            }
            return true
        }

        static func looksLikeWebAddress(_ target: String) -> Bool {
            let lower = target.lowercased()
            return lower.hasPrefix("http:") || lower.hasPrefix("https:") || lower.hasPrefix("www.")
                || lower.hasPrefix("mailto:") || lower.hasPrefix("ftp:") || lower.contains("://")
        }
    }
}
