import Foundation

// Step 2 of reading a lesson file (see LessonFile.swift): the colon blocks
// (`::: basic` … `:::`) into a tree of lines and blocks, with the rules on where
// each may stand and which parts every lesson has.

/// The name after `:::`.
enum BlockName: Equatable {
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

struct ColonBlock {
    var name: BlockName
    /// What follows the name: an example's title, `builds-on basic`.
    var argument: String
    var buildsOn: LessonDepth?
    var line: Int
    var items: [BodyItem] = []
}

enum BodyItem {
    case line(String, Int)
    case block(ColonBlock)
    /// A dilemma's `---` between question and discussion.
    case separator(Int)
}

typealias SourceLine = (text: String, line: Int)

/// Steps 2 and 3, collecting the glossary, references and the counts that
/// the "parts every lesson has" rules need.
struct BodyReader {
    var problems: FileProblems
    var glossary: [GlossaryEntry] = []
    var references: [String] = []
    var links: [LessonLinkUse] = []
    var figureCount: Int { linesOf["figure", default: []].count }
    var linesOf: [String: [Int]] = [:]   // block kind → lines where it opens

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
    mutating func checkRecapPlace(in depthBlock: ColonBlock) {
        var recapLine: Int?
        for item in depthBlock.items {
            switch item {
            case .block(let block) where block.name == .recap:
                if let recapLine {
                    problems.error(block.line, "a second `::: recap` in this depth block (the first is on line \(recapLine)); each depth ends with one")
                } else {
                    recapLine = block.line
                }
            case .line(let text, let number) where recapLine != nil && !text.trimmingWhitespace().isEmpty:
                problems.error(number, "text after the recap (line \(recapLine!)); the recap is the last part of its depth block")
                return
            case .block(let block) where recapLine != nil:
                problems.error(block.line, "`\(block.name.spelling)` after the recap (line \(recapLine!)); the recap is the last part of its depth block")
                return
            default: break
            }
        }
    }

    mutating func checkRequiredParts() {
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

    mutating func blockTree(_ body: [SourceLine]) -> [BodyItem] {
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
            let trimmed = text.trimmingWhitespace()
            if codeFenceLine != nil {
                if trimmed.count >= 3 && trimmed.allSatisfy({ $0 == "`" }) { codeFenceLine = nil }
                append(.line(text, number))
            } else if open.last?.name == .figure, !trimmed.hasASCIIPrefix(":::") {
                // A figure is kept as drawn: no code fences or Markdown inside it.
                append(trimmed == "---" ? .separator(number) : .line(text, number))
            } else if trimmed.hasASCIIPrefix("```") {
                codeFenceLine = number
                append(.line(text, number))
            } else if trimmed.hasASCIIPrefix(":::") {
                let rest = trimmed.dropFirst(3).trimmingWhitespace()
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
    mutating func opening(_ rest: String, line: Int, inside parent: ColonBlock?) -> ColonBlock {
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
}
