import Foundation

// Step 3 of reading a lesson file: each colon block into its `Block` (dilemma,
// dialogue, figure, objectives, recap), and the glossary and references.

extension BodyReader {
    /// The blocks of a run of lines and nested colon blocks.
    mutating func blocks(from items: [BodyItem]) -> [Block] {
        var blocks: [Block] = []
        var lines: [SourceLine] = []
        for item in items {
            switch item {
            case .line(let text, let number):
                lines.append((text, number))
            case .separator(let number):
                lines.append(("---", number))
            case .block(let block):
                blocks += markdown(lines)
                lines = []
                blocks += converted(block)
            }
        }
        return blocks + markdown(lines)
    }

    mutating func converted(_ block: ColonBlock) -> [Block] {
        switch block.name {
        case .analogy, .memoryAid, .example:
            let body = blocks(from: block.items)
            if body.isEmpty { problems.error(block.line, "the `\(block.name.spelling)` block is empty") }
            switch block.name {
            case .analogy: return [.analogy(body)]
            case .memoryAid: return [.memoryAid(body)]
            default: return [.example(title: block.argument, body: body)]
            }
        case .dilemma:
            return [dilemma(block)]
        case .dialogue:
            return [dialogue(block)]
        case .figure:
            return [figure(block)]
        case .objectives:
            return [objectives(block)]
        case .recap:
            return [recap(block)]
        case .glossary:
            readGlossary(block)
            return []
        case .references:
            readReferences(block)
            return []
        case .depth, .unknown:
            // Misplaced (already reported): keep its text so the rest is still checked.
            return blocks(from: block.items)
        }
    }

    mutating func dilemma(_ block: ColonBlock) -> Block {
        var question: [BodyItem] = [], discussion: [BodyItem] = []
        var separatorLine: Int?
        for item in block.items {
            if case .separator(let line) = item {
                if separatorLine != nil {
                    problems.error(line, "a second `---` in this dilemma; one line `---` separates the question from its discussion")
                } else {
                    separatorLine = line
                    continue
                }
            }
            if separatorLine == nil { question.append(item) } else { discussion.append(item) }
        }
        let questionBlocks = blocks(from: question)
        let discussionBlocks = blocks(from: discussion)
        if questionBlocks.isEmpty { problems.error(block.line, "the dilemma has no question (write it before the `---` line)") }
        if let separatorLine {
            if discussionBlocks.isEmpty { problems.error(separatorLine, "the dilemma has no discussion after its `---` line") }
        } else {
            problems.error(block.line, "the dilemma has no discussion: add a line `---` after the question, then the discussion")
        }
        return .dilemma(question: questionBlocks, discussion: discussionBlocks)
    }

    /// Every line a turn `Speaker: text`; blank lines between turns are allowed.
    mutating func dialogue(_ block: ColonBlock) -> Block {
        var turns: [DialogueTurn] = []
        for item in block.items {
            switch item {
            case .line(let text, let number):
                let line = text.trimmingWhitespace()
                if line.isEmpty { continue }
                guard let turn = DialogueTurn.split(line) else {
                    problems.error(number, "a dialogue line is one turn, `Speaker: what they say` (a name of at most \(DialogueTurn.longestSpeaker) characters, then a colon); this line has no speaker")
                    continue
                }
                if turn.text.isEmpty {
                    problems.error(number, "\(turn.speaker) says nothing here; write the turn after the colon, or remove the line")
                    continue
                }
                turns.append(DialogueTurn(speaker: turn.speaker, text: inline([(turn.text, number)])))
            case .separator(let number):
                problems.error(number, "a dialogue line is one turn, `Speaker: what they say`; `---` has no place in a dialogue")
            case .block:
                break   // a block opened inside is reported where it opens
            }
        }
        if turns.isEmpty {
            problems.error(block.line, "the dialogue is empty; write one `Speaker: text` turn per line")
        } else if Set(turns.map(\.speaker)).count < 2 {
            problems.error(block.line, "a dialogue needs at least two speakers; this one has only \(turns[0].speaker)")
        }
        return .dialogue(title: block.argument, turns: turns)
    }

    /// `::: figure Title`: the picture, `---`, the same picture in ASCII.
    mutating func figure(_ block: ColonBlock) -> Block {
        var halves: [[SourceLine]] = [[]]
        for item in block.items {
            switch item {
            case .line(let text, let number): halves[halves.count - 1].append((text, number))
            case .separator(let number):
                if halves.count == 2 {
                    problems.error(number, "a second `---` in this figure; one line `---` separates the picture from its ASCII version")
                } else {
                    halves.append([])
                }
            case .block: break   // reported where it opens
            }
        }
        let hasASCII = halves.count == 2
        if !hasASCII {
            problems.error(block.line, "the figure has no ASCII version: after the picture, add a line `---`, then the same picture in ASCII characters")
        }
        let picture = Figure.trimmed(halves[0]), ascii = hasASCII ? Figure.trimmed(halves[1]) : []
        for (half, name) in [(picture, "picture")] + (hasASCII ? [(ascii, "ASCII version")] : []) {
            if half.isEmpty {
                problems.error(block.line, "the figure's \(name) is empty")
                continue
            }
            if half.count > Figure.maxRows {
                problems.error(half[0].line, "the figure's \(name) has \(half.count) rows; at most \(Figure.maxRows) fit beside the panels")
            }
            for (text, number) in half {
                if let bad = text.first(where: { !Figure.isSingleColumn($0) }) {
                    problems.error(number, "\(quoted(String(bad))) does not take exactly one terminal column; a figure uses one-column characters so its ASCII version lines up")
                    } else if text.count > Figure.maxColumns {
                    problems.error(number, "this line of the figure's \(name) is \(text.count) columns wide; at most \(Figure.maxColumns) fit the text column beside the panels")
                    }
            }
        }
        for (text, number) in ascii {
            if let bad = text.unicodeScalars.first(where: { !$0.isASCII }) {
                problems.error(number, "the ASCII version holds \(quoted(String(bad))) (U+\(String(format: "%04X", bad.value))); it is for terminals without Unicode, so only ASCII characters")
            }
        }
        let pictureSize = Figure.size(picture), asciiSize = Figure.size(ascii)
        if !picture.isEmpty, !ascii.isEmpty, pictureSize != asciiSize {
            problems.error(ascii[0].line, "the ASCII version is \(asciiSize.columns)×\(asciiSize.rows) (columns × rows) but the picture is \(pictureSize.columns)×\(pictureSize.rows); draw it the same size")
        }
        // Kept even when it has problems (they stop the pack loading), so its depth is not reported empty too.
        return .figure(title: block.argument, picture: picture.map(\.text), ascii: ascii.map(\.text))
    }

    /// `::: objectives`: a list of two to four things the learner will be able to do.
    mutating func objectives(_ block: ColonBlock) -> Block {
        let body = blocks(from: block.items)
        guard body.count == 1, case .list(_, let items) = body[0] else {
            problems.error(block.line, "the objectives block holds one list of 2 to 4 items (lines starting `- `) and nothing else")
            return .objectives([])
        }
        if !(2...4).contains(items.count) {
            problems.error(block.line, "a lesson has 2 to 4 objectives; this block lists \(items.count)")
        }
        return .objectives(items)
    }

    /// `::: recap`: three lines that sum up a depth.
    mutating func recap(_ block: ColonBlock) -> Block {
        var lines: [[Inline]] = []
        for case .line(let text, let number) in block.items {
            var line = text.trimmingWhitespace()
            if line.isEmpty { continue }
            if line.hasPrefix("- ") { line = String(line.dropFirst(2)).trimmingWhitespace() }
            lines.append(inline([(line, number)]))
        }
        if lines.count != 3 {
            problems.error(block.line, "a recap has exactly three lines (one point each); this one has \(lines.count)")
        }
        return .recap(lines)
    }

    mutating func readGlossary(_ block: ColonBlock) {
        var entriesHere = 0
        for case .line(let text, let number) in block.items {
            var line = text.trimmingWhitespace()
            if line.isEmpty { continue }
            if line.hasPrefix("- ") {
                problems.error(number, "a glossary line is `term: definition`, without a list marker")
                line = String(line.dropFirst(2))
            }
            var depth = LessonDepth.standard
            if line.hasPrefix("["), let close = line.firstIndex(of: "]") {
                let tag = String(line[line.index(after: line.startIndex)..<close])
                if let tagged = LessonDepth(rawValue: tag) {
                    depth = tagged
                } else {
                    problems.error(number, "unknown depth tag `[\(tag)]`; a glossary line starts `[basic]`, `[standard]` or `[deep]`")
                }
                line = line[line.index(after: close)...].trimmingWhitespace()
            } else {
                let term = line.prefix { $0 != ":" }.trimmingWhitespace()
                problems.missingDepth(number, "glossary term \(quoted(term)) has no depth tag (`[basic] term: definition`); it counts as standard")
            }
            guard let colon = line.firstIndex(of: ":") else {
                problems.error(number, "a glossary line is `term: definition`; this one has no colon")
                continue
            }
            let term = line[..<colon].trimmingWhitespace()
            let definition = line[line.index(after: colon)...].trimmingWhitespace()
            guard !term.isEmpty, !definition.isEmpty else {
                problems.error(number, "a glossary line is `term: definition`; this one has no \(term.isEmpty ? "term" : "definition")")
                continue
            }
            if glossary.contains(where: { $0.term.lowercased() == term.lowercased() }) {
                problems.error(number, "the glossary defines \(quoted(term)) twice")
            }
            checkProse(definition, line: number, &problems, &links)
            glossary.append(GlossaryEntry(term: term, definition: definition, depth: depth))
            entriesHere += 1
        }
        if entriesHere == 0 { problems.error(block.line, "the glossary block is empty; write one `term: definition` per line") }
    }

    mutating func readReferences(_ block: ColonBlock) {
        var linesHere = 0
        for case .line(let text, _) in block.items {
            let line = text.trimmingWhitespace()
            if line.isEmpty { continue }
            references.append(line)
            linesHere += 1
        }
        if linesHere == 0 { problems.error(block.line, "the references block is empty; write one source per line") }
    }
}


/// The rules of a `::: figure` block.
enum Figure {
    /// The text column beside the panels at 100 columns.
    static let maxColumns = 44
    static let maxRows = 18

    /// The lines without the blank ones before and after, and without trailing spaces.
    static func trimmed(_ lines: [SourceLine]) -> [SourceLine] {
        let stripped = lines.map { line -> SourceLine in
            var text = line.text
            while text.last == " " { text.removeLast() }
            return (text, line.line)
        }
        guard let first = stripped.firstIndex(where: { !$0.text.isEmpty }),
              let last = stripped.lastIndex(where: { !$0.text.isEmpty }) else { return [] }
        return Array(stripped[first...last])
    }

    static func size(_ lines: [SourceLine]) -> (columns: Int, rows: Int) {
        (lines.map(\.text.count).max() ?? 0, lines.count)
    }

    /// Whether a character takes one terminal column, so that counting
    /// characters counts columns (wide, emoji and combining characters do not).
    static func isSingleColumn(_ character: Character) -> Bool {
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first else { return false }
        if scalar.value < 0x300 { return scalar.value >= 0x20 }
        let properties = scalar.properties
        if properties.isEmojiPresentation { return false }
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .spacingMark, .format: return false
        default: break
        }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return false
        default:
            return true
        }
    }
}
