import Foundation
import Yams

// A lesson file is read in three steps, each line-based:
// 1. the front matter between the two `---` lines, as YAML;
// 2. the colon blocks (`::: basic` … `:::`), into a tree of lines and blocks;
// 3. the Markdown subset inside each block, into `Block`s.

/// What reading a lesson file gives: the lesson (with placeholders where the
/// file has problems) and where its id, order and links stand, for the
/// checks that need the whole pack.
struct ParsedLesson {
    var lesson: Lesson
    var id: String?
    var idLine = 1
    var order: Int?
    var orderLine = 1
    var links: [LessonLinkUse] = []
    /// `::: figure` blocks, for the pack's summary.
    var figureCount = 0
}

enum LessonFile {
    static let frontMatterKeys = ["id", "title", "order", "summary", "lab"]

    static func read(_ lines: [String], fileName: String, vocabulary: LabVocabulary?, problems: inout FileProblems) -> ParsedLesson {
        var parsed = ParsedLesson(lesson: Lesson(
            id: "", title: "", order: 0, summary: "", lab: LabPreset(cell: .rnn, sentence: "", panels: []),
            parts: [], glossary: [], references: [], fileName: fileName))

        var bodyStart = 0
        if lines.first?.trimmingCharacters(in: .whitespaces) != "---" {
            problems.error(1, "a lesson starts with its front matter: a line `---`, the keys \(frontMatterKeys.joined(separator: ", ")), and another `---`")
        } else if let close = lines.indices.dropFirst().first(where: { lines[$0].trimmingCharacters(in: .whitespaces) == "---" }) {
            readFrontMatter(lines[1..<close].joined(separator: "\n"), into: &parsed, vocabulary: vocabulary, problems: &problems)
            bodyStart = close + 1
        } else {
            problems.error(1, "the front matter's closing `---` is missing")
            return parsed
        }

        let body = lines.indices.dropFirst(bodyStart).map { (text: lines[$0], line: $0 + 1) }
        var reader = BodyReader(problems: problems)
        let parts = reader.read(body)
        problems = reader.problems
        parsed.lesson.parts = parts
        parsed.lesson.glossary = reader.glossary
        parsed.lesson.references = reader.references
        parsed.links += reader.links
        parsed.figureCount = reader.figureCount
        return parsed
    }

    private static func readFrontMatter(_ yaml: String, into parsed: inout ParsedLesson, vocabulary: LabVocabulary?,
                                        problems: inout FileProblems) {
        problems.lineOffset = 1   // the YAML's first line is the file's second
        defer { problems.lineOffset = 0 }
        let root: Node
        switch composeYAML(yaml, problems: &problems) {
        case .node(let node): root = node
        case .empty:
            problems.error(1, "the front matter is empty; it needs \(frontMatterKeys.joined(separator: ", "))")
            return
        case .broken: return
        }
        guard let fields = YAMLMapping(root, what: "the front matter", keys: frontMatterKeys, problems: &problems) else { return }

        if let id = fields.text("id", problems: &problems) {
            parsed.id = id
            parsed.idLine = fields.line("id")
            parsed.lesson.id = id
            if !isValidID(id) { problems.error(fields.line("id"), "lesson id \(quoted(id)) must be \(idRule)") }
        }
        for key in ["title", "summary"] {
            guard let text = fields.text(key, problems: &problems) else { continue }
            if text.contains(where: \.isNewline) { problems.error(fields.line(key), "`\(key)` must be one line") }
            checkProse(text, line: fields.line(key), &problems, &parsed.links)
            if key == "title" { parsed.lesson.title = text } else { parsed.lesson.summary = text }
        }
        if let order = fields.wholeNumber("order", expected: "a whole number ≥ 1 (the lesson's place in the course)", problems: &problems) {
            if order < 1 {
                problems.error(fields.line("order"), "`order` must be ≥ 1 (the lesson's place in the course), not \(order)")
            } else {
                parsed.order = order
                parsed.orderLine = fields.line("order")
                parsed.lesson.order = order
            }
        }
        if let lab = fields.value("lab", required: true, problems: &problems),
           let preset = LabPreset.read(lab, vocabulary: vocabulary, problems: &problems) {
            parsed.lesson.lab = preset
        }
    }
}

// MARK: - Colon blocks

/// The name after `:::`.
private enum BlockName: Equatable {
    case depth(LessonDepth)
    case analogy, memoryAid, example, glossary, dilemma, references, dialogue
    case figure, objectives, recap
    /// A misspelt name: reported, and its text kept so the rest still reads.
    case unknown(String)

    init(_ word: String) {
        switch word {
        case "analogy": self = .analogy
        case "memory-aid": self = .memoryAid
        case "example": self = .example
        case "glossary": self = .glossary
        case "dilemma": self = .dilemma
        case "references": self = .references
        case "dialogue": self = .dialogue
        case "figure": self = .figure
        case "objectives": self = .objectives
        case "recap": self = .recap
        default: self = LessonDepth(rawValue: word).map(BlockName.depth) ?? .unknown(word)
        }
    }

    var spelling: String {
        switch self {
        case .depth(let depth): "::: \(depth.rawValue)"
        case .analogy: "::: analogy"
        case .memoryAid: "::: memory-aid"
        case .example: "::: example"
        case .glossary: "::: glossary"
        case .dilemma: "::: dilemma"
        case .references: "::: references"
        case .dialogue: "::: dialogue"
        case .figure: "::: figure"
        case .objectives: "::: objectives"
        case .recap: "::: recap"
        case .unknown(let word): "::: \(word)"
        }
    }

    /// The blocks that may sit inside a depth block (a recap too, but only as its last part).
    var isTeachingBlock: Bool { [.analogy, .memoryAid, .example, .dilemma, .dialogue, .figure].contains(self) }

    var isDepth: Bool { if case .depth = self { true } else { false } }

    static let all = "basic, standard, deep, objectives, analogy, memory-aid, example, figure, dilemma, dialogue, recap, glossary, references"
}

private struct ColonBlock {
    var name: BlockName
    /// What follows the name: an example's title, `builds-on basic`.
    var argument: String
    var buildsOn: LessonDepth?
    var line: Int
    var items: [BodyItem] = []
}

private enum BodyItem {
    case line(String, Int)
    case block(ColonBlock)
    /// A dilemma's `---` between question and discussion.
    case separator(Int)
}

private typealias SourceLine = (text: String, line: Int)

/// Steps 2 and 3, collecting the glossary, references and the counts that
/// the "parts every lesson has" rules need.
private struct BodyReader {
    var problems: FileProblems
    var glossary: [GlossaryEntry] = []
    var references: [String] = []
    var links: [LessonLinkUse] = []
    var figureCount: Int { linesOf["figure", default: []].count }
    private var linesOf: [String: [Int]] = [:]   // block kind → lines where it opens

    init(problems: FileProblems) { self.problems = problems }

    mutating func read(_ body: [SourceLine]) -> [LessonPart] {
        let root = blockTree(body)
        var parts: [LessonPart] = []
        var shared: [BodyItem] = []
        var depthLines: [LessonDepth: Int] = [:]
        func flushShared(_ reader: inout BodyReader) {
            let blocks = reader.blocks(from: shared)
            if !blocks.isEmpty { parts.append(.everyDepth(blocks)) }
            shared = []
        }
        for item in root {
            if case .block(let block) = item, block.name == .objectives, !depthLines.isEmpty {
                problems.error(block.line, "the objectives come before the first depth block (they say what the whole lesson teaches)")
            }
            guard case .block(let block) = item, case .depth(let depth) = block.name else {
                shared.append(item)
                continue
            }
            checkRecapPlace(in: block)
            flushShared(&self)
            if let first = depthLines[depth] {
                problems.error(block.line, "a second `::: \(depth.rawValue)` block (the first is on line \(first)); each depth has one")
                continue
            }
            depthLines[depth] = block.line
            let blocks = blocks(from: block.items)
            if blocks.isEmpty { problems.error(block.line, "the `::: \(depth.rawValue)` block is empty") }
            parts.append(.depth(depth, buildsOn: block.buildsOn, blocks: blocks))
        }
        flushShared(&self)
        checkRequiredParts()
        return parts
    }

    /// A depth block's recap is its last part, and it has one at most.
    private mutating func checkRecapPlace(in depthBlock: ColonBlock) {
        var recapLine: Int?
        for item in depthBlock.items {
            switch item {
            case .block(let block) where block.name == .recap:
                if let recapLine {
                    problems.error(block.line, "a second `::: recap` in this depth block (the first is on line \(recapLine)); each depth ends with one")
                } else {
                    recapLine = block.line
                }
            case .line(let text, let number) where recapLine != nil && !text.trimmingCharacters(in: .whitespaces).isEmpty:
                problems.error(number, "text after the recap (line \(recapLine!)); the recap is the last part of its depth block")
                return
            case .block(let block) where recapLine != nil:
                problems.error(block.line, "`\(block.name.spelling)` after the recap (line \(recapLine!)); the recap is the last part of its depth block")
                return
            default: break
            }
        }
    }

    private mutating func checkRequiredParts() {
        // Counted wherever they open: a misplaced one is reported as misplaced, not also as missing.
        for depth in LessonDepth.allCases where linesOf[depth.rawValue, default: []].isEmpty {
            problems.error(1, "the lesson has no `::: \(depth.rawValue)` block (every lesson is written at all three depths)")
        }
        for (name, spelling) in [("analogy", "an analogy"), ("memory-aid", "a memory aid"), ("example", "a worked example")]
        where linesOf[name, default: []].isEmpty {
            problems.error(1, "the lesson has no `::: \(name)` block (every lesson has at least one: \(spelling))")
        }
        for name in ["glossary", "references"] {
            let lines = linesOf[name, default: []]
            if lines.isEmpty {
                problems.error(1, "the lesson has no `::: \(name)` block (exactly one, outside the depth blocks)")
            }
            for line in lines.dropFirst() {
                problems.error(line, "a second `::: \(name)` block (the first is on line \(lines[0])); a lesson has exactly one")
            }
        }
        let dilemmas = linesOf["dilemma", default: []]
        if dilemmas.isEmpty {
            problems.error(1, "the lesson has no `::: dilemma` block (one to three: an open question, `---`, its discussion)")
        }
        for line in dilemmas.dropFirst(3) {
            problems.error(line, "a lesson has one to three dilemmas; this is dilemma number \((dilemmas.firstIndex(of: line) ?? 0) + 1)")
        }
    }

    // MARK: Step 2: colon blocks

    private mutating func blockTree(_ body: [SourceLine]) -> [BodyItem] {
        var root: [BodyItem] = []
        var open: [ColonBlock] = []
        var codeFenceLine: Int?
        func append(_ item: BodyItem) {
            if open.isEmpty { root.append(item) } else { open[open.count - 1].items.append(item) }
        }
        func close() {
            let block = open.removeLast()
            append(.block(block))
        }

        for (text, number) in body {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if codeFenceLine != nil {
                if trimmed.count >= 3 && trimmed.allSatisfy({ $0 == "`" }) { codeFenceLine = nil }
                append(.line(text, number))
            } else if open.last?.name == .figure, !trimmed.hasPrefix(":::") {
                // A figure is kept as drawn: no code fences or Markdown inside it.
                append(trimmed == "---" ? .separator(number) : .line(text, number))
            } else if trimmed.hasPrefix("```") {
                codeFenceLine = number
                append(.line(text, number))
            } else if trimmed.hasPrefix(":::") {
                let rest = trimmed.dropFirst(3).trimmingCharacters(in: .whitespaces)
                if !rest.isEmpty {
                    open.append(opening(rest, line: number, inside: open.last))
                } else if open.isEmpty {
                    problems.error(number, "a stray `:::` closes nothing (no block is open here)")
                } else {
                    close()
                }
            } else if trimmed == "---", open.last?.name == .dilemma {
                append(.separator(number))
            } else {
                append(.line(text, number))
            }
        }
        if let codeFenceLine {
            problems.error(codeFenceLine, "the code block opened here is never closed (add a line ```)")
        }
        while let block = open.last {
            problems.error(block.line, "`\(block.name.spelling)` is never closed (add a line `:::` after its text)")
            close()
        }
        return root
    }

    /// A block opened by `::: rest`, checked for its argument and its place.
    private mutating func opening(_ rest: String, line: Int, inside parent: ColonBlock?) -> ColonBlock {
        let words = rest.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let name = BlockName(words[0])
        let argument = words.dropFirst().joined(separator: " ")
        var block = ColonBlock(name: name, argument: argument, line: line)

        switch name {
        case .depth(let depth):
            if !argument.isEmpty {
                let lower = LessonDepth.allCases.filter { $0 < depth }
                if words.count == 3, words[1] == "builds-on", let base = LessonDepth(rawValue: words[2]), base < depth {
                    block.buildsOn = base
                } else if lower.isEmpty {
                    problems.error(line, "`::: basic` builds on nothing; write just `::: basic`")
                } else {
                    problems.error(line, "write `::: \(depth.rawValue)` or `::: \(depth.rawValue) builds-on \(lower.last!.rawValue)`; a depth builds on a lower one (\(lower.map(\.rawValue).joined(separator: " or ")))")
                }
            }
        case .example:
            if argument.isEmpty { problems.error(line, "`::: example` needs a title, like `::: example One step by hand`") }
            checkProse(argument, line: line, &problems, &links)
        case .dialogue:
            checkProse(argument, line: line, &problems, &links)   // the title is optional
        case .figure:
            if argument.isEmpty { problems.error(line, "`::: figure` needs a title, like `::: figure The chain unrolled in time`") }
            checkProse(argument, line: line, &problems, &links)
        case .recap where parent == nil:
            problems.error(line, "a recap ends a depth block: put `::: recap` inside `::: basic`, `::: standard` or `::: deep`, as its last part")
        case .analogy, .memoryAid, .glossary, .references, .dilemma, .objectives, .recap:
            if !argument.isEmpty {
                let hint = name == .dilemma ? "write the question on the lines below it" : "write its text on the lines below it"
                problems.error(line, "`\(name.spelling)` takes no title; \(hint)")
            }
        case .unknown(let word):
            problems.error(line, "unknown block `::: \(word)`; the blocks are \(BlockName.all)")
        }

        if let parent {
            if name.isDepth && parent.name.isDepth {
                problems.error(line, "`\(name.spelling)` opens inside `\(parent.name.spelling)` (line \(parent.line)); depth blocks do not nest: close that one with a line `:::` first")
            } else if name == .glossary || name == .references || name == .objectives {
                problems.error(line, "the \(words[0]) block belongs outside the depth and other blocks (it shows at every depth); close `\(parent.name.spelling)` (line \(parent.line)) first")
            } else if name == .recap && !parent.name.isDepth {
                problems.error(line, "`::: recap` cannot sit inside `\(parent.name.spelling)` (line \(parent.line)); it is the last part of a depth block")
            } else if !(parent.name.isDepth && (name.isTeachingBlock || name == .recap)) {
                problems.error(line, "`\(name.spelling)` cannot sit inside `\(parent.name.spelling)` (line \(parent.line)); blocks do not nest, except analogy, memory-aid, example, figure, dilemma, dialogue and recap inside a depth")
            }
        }
        if case .unknown = name {} else {
            linesOf[words[0], default: []].append(line)
        }
        return block
    }

    // MARK: Step 3: Markdown inside the blocks

    /// The blocks of a run of lines and nested colon blocks.
    private mutating func blocks(from items: [BodyItem]) -> [Block] {
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

    private mutating func converted(_ block: ColonBlock) -> [Block] {
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

    private mutating func dilemma(_ block: ColonBlock) -> Block {
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
    private mutating func dialogue(_ block: ColonBlock) -> Block {
        var turns: [DialogueTurn] = []
        for item in block.items {
            switch item {
            case .line(let text, let number):
                let line = text.trimmingCharacters(in: .whitespaces)
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
    private mutating func figure(_ block: ColonBlock) -> Block {
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
    private mutating func objectives(_ block: ColonBlock) -> Block {
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
    private mutating func recap(_ block: ColonBlock) -> Block {
        var lines: [[Inline]] = []
        for case .line(let text, let number) in block.items {
            var line = text.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            if line.hasPrefix("- ") { line = String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces) }
            lines.append(inline([(line, number)]))
        }
        if lines.count != 3 {
            problems.error(block.line, "a recap has exactly three lines (one point each); this one has \(lines.count)")
        }
        return .recap(lines)
    }

    private mutating func readGlossary(_ block: ColonBlock) {
        var entriesHere = 0
        for case .line(let text, let number) in block.items {
            var line = text.trimmingCharacters(in: .whitespaces)
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
                line = line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)
            } else {
                let term = line.prefix { $0 != ":" }.trimmingCharacters(in: .whitespaces)
                problems.missingDepth(number, "glossary term \(quoted(term)) has no depth tag (`[basic] term: definition`); it counts as standard")
            }
            guard let colon = line.firstIndex(of: ":") else {
                problems.error(number, "a glossary line is `term: definition`; this one has no colon")
                continue
            }
            let term = line[..<colon].trimmingCharacters(in: .whitespaces)
            let definition = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
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

    private mutating func readReferences(_ block: ColonBlock) {
        var linesHere = 0
        for case .line(let text, _) in block.items {
            let line = text.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            references.append(line)
            linesHere += 1
        }
        if linesHere == 0 { problems.error(block.line, "the references block is empty; write one source per line") }
    }

    /// The Markdown subset of FORMAT.md, line by line.
    private mutating func markdown(_ lines: [SourceLine]) -> [Block] {
        var blocks: [Block] = []
        var i = 0
        while i < lines.count {
            let (text, number) = lines[i]
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                i += 1
            } else if trimmed.hasPrefix("```") {
                let isMath = trimmed.dropFirst(3).trimmingCharacters(in: .whitespaces) == "math"
                var content: [String] = []
                i += 1
                while i < lines.count {
                    let inner = lines[i].text.trimmingCharacters(in: .whitespaces)
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
                    let line = lines[i].text.trimmingCharacters(in: .whitespaces)
                    if line.isEmpty || startsBlock(line) { break }
                    paragraph.append((line, lines[i].line))
                    i += 1
                }
                blocks.append(.paragraph(inline(paragraph)))
            }
        }
        return blocks
    }

    private mutating func list(_ lines: [SourceLine], from i: inout Int, ordered: Bool) -> Block {
        var items: [[Inline]] = []
        var item: [SourceLine] = []
        func finishItem(_ reader: inout BodyReader) {
            if !item.isEmpty { items.append(reader.inline(item)) }
            item = []
        }
        while i < lines.count {
            let (text, number) = lines[i]
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            let startsAtMargin = !text.hasPrefix(" ")
            if trimmed.isEmpty {
                // A blank line ends the list, unless another item of it follows.
                var next = i + 1
                while next < lines.count, lines[next].text.trimmingCharacters(in: .whitespaces).isEmpty { next += 1 }
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

    private mutating func heading(_ line: String, line number: Int) -> Block? {
        let hashes = line.prefix { $0 == "#" }.count
        guard hashes > 0 else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.isEmpty || rest.hasPrefix(" ") else { return nil }
        if hashes > 3 { problems.error(number, "headings go three levels deep (#, ##, ###); this one has \(hashes)") }
        let text = rest.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { problems.error(number, "the heading has no text") }
        return .heading(level: min(hashes, 3), text: inline([(text, number)]))
    }

    private func listMarker(_ line: String) -> (ordered: Bool, rest: String)? {
        if line.hasPrefix("- ") { return (false, String(line.dropFirst(2)).trimmingCharacters(in: .whitespaces)) }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, line.dropFirst(digits.count).hasPrefix(". ") else { return nil }
        return (true, String(line.dropFirst(digits.count + 2)).trimmingCharacters(in: .whitespaces))
    }

    /// Lines that end a paragraph: the start of another kind of block.
    private func startsBlock(_ line: String) -> Bool {
        line.hasPrefix("```") || listMarker(line) != nil || refusal(line) != nil
            || (line.hasPrefix("#") && (line.drop { $0 == "#" }.isEmpty || line.drop { $0 == "#" }.hasPrefix(" ")))
    }

    /// Why a line's Markdown is not part of the format, if it is not.
    private func refusal(_ line: String) -> String? {
        if line == "---" || line == "***" || line == "___" {
            return "`\(line)` only separates a dilemma's question from its discussion; horizontal rules are not part of the lesson format"
        }
        if line.hasPrefix("|") { return "tables are not part of the lesson format; use a list or a code block" }
        if line.hasPrefix(">") { return "quotations (`>`) are not part of the lesson format" }
        return nil
    }

    private mutating func inline(_ lines: [SourceLine]) -> [Inline] {
        guard let first = lines.first else { return [] }
        let text = lines.map(\.text).joined(separator: "\n")
        return InlineParser.parse(text, firstLine: first.line, problems: &problems, links: &links)
    }
}


/// The rules of a `::: figure` block.
private enum Figure {
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
