import Foundation
import Yams

/// One answer a `single` or `multiple` question offers.
public struct QuizOption: Equatable, Sendable {
    public var text: String
    public var isCorrect: Bool
    /// Why this option is wrong (required on wrong options) or, optionally, why it is right.
    public var why: String?

    public init(text: String, isCorrect: Bool, why: String? = nil) {
        self.text = text
        self.isCorrect = isCorrect
        self.why = why
    }
}

/// One quiz question. Texts may use inline Markdown (see `Inline.parse`).
public struct QuizQuestion: Equatable, Sendable {
    /// What is asked, with what it needs to be marked.
    public enum Kind: Equatable, Sendable {
        /// Exactly one option is correct.
        case single(options: [QuizOption])
        /// At least one option is correct; the learner picks all of them.
        case multiple(options: [QuizOption])
        /// `whyWrong` says why the other answer is wrong.
        case trueFalse(answer: Bool, whyWrong: String?)
        /// Right when within `tolerance` (absolute) of `answer`.
        case number(answer: Double, tolerance: Double)
        /// `items` in the correct order; shown shuffled.
        case order(items: [String])
    }

    /// Stable: the learner's history is keyed by it.
    public var id: String
    public var lessonID: String
    public var prompt: String
    public var kind: Kind
    /// Why the right answer is right; shown after every answer.
    public var explanation: String
    /// The lowest depth whose text teaches what the question asks.
    public var depth: LessonDepth
    /// A lab task that shows the answer in the live network (`see: TASK-ID`), offered after a wrong answer.
    public var seeTask: TaskReference? = nil

    public init(id: String, lessonID: String, prompt: String, kind: Kind, explanation: String, depth: LessonDepth = .standard) {
        self.id = id
        self.lessonID = lessonID
        self.prompt = prompt
        self.kind = kind
        self.explanation = explanation
        self.depth = depth
    }
}

/// The spellings of `kind:` in a quiz file.
enum QuestionKindName: String, CaseIterable {
    case single, multiple
    case trueFalse = "true-false"
    case number, order

    /// The keys that only this kind of question has.
    var ownKeys: Set<String> {
        switch self {
        case .single, .multiple: ["options"]
        case .trueFalse: ["answer", "why_wrong"]
        case .number: ["answer", "tolerance"]
        case .order: ["items"]
        }
    }

    static let keysOfSomeKinds: Set<String> = ["options", "answer", "why_wrong", "tolerance", "items"]
}

extension QuizQuestion {
    static let keys = ["id", "kind", "depth", "prompt", "options", "answer", "tolerance", "items", "why_wrong", "explanation", "see"]

    /// Reads one entry of `questions:`; nil when it cannot be used (the problems say why).
    /// Ids are collected even for broken questions, so duplicates are still found.
    static func read(_ node: Node, lessonID: String, problems: inout FileProblems, ids: inout [(id: String, line: Int)],
                     links: inout [LessonLinkUse]) -> QuizQuestion? {
        guard var fields = YAMLMapping(node, what: "a question", keys: keys, problems: &problems) else { return nil }
        let id = fields.text("id", problems: &problems)
        if let id {
            fields.what = "question \(quoted(id))"
            ids.append((id, fields.line("id")))
            if !isValidID(id) { problems.error(fields.line("id"), "question id \(quoted(id)) must be \(idRule)") }
        }
        let kindName = fields.text("kind", problems: &problems).flatMap {
            choice(QuestionKindName.self, $0, line: fields.line("kind"), noun: "question kind", problems: &problems)
        }
        let depth = readDepth(fields, problems: &problems)
        let prompt = proseText("prompt", fields, &problems, &links)
        let explanation = fields.has("explanation")
            ? proseText("explanation", fields, &problems, &links)
            : nil
        if !fields.has("explanation") {
            problems.error(fields.line, "\(fields.what) has no `explanation:` (every question says why its answer is right)")
        }
        guard let kindName else { return nil }
        for key in fields.presentKeys where QuestionKindName.keysOfSomeKinds.contains(key) && !kindName.ownKeys.contains(key) {
            problems.error(fields.line(key), "`\(key)` does not belong in a \(kindName.rawValue) question")
        }

        let kind: Kind?
        switch kindName {
        case .single, .multiple:
            kind = readOptions(fields, single: kindName == .single, problems: &problems, links: &links)
        case .trueFalse:
            let answer = fields.flag("answer", problems: &problems)
            let whyWrong = fields.has("why_wrong") ? proseText("why_wrong", fields, &problems, &links) : nil
            kind = answer.map { .trueFalse(answer: $0, whyWrong: whyWrong) }
        case .number:
            let answer = fields.number("answer", expected: "a number, like 640 or 0.25", problems: &problems)
            let tolerance = fields.number("tolerance", required: false, expected: "a number ≥ 0", problems: &problems)
            if let tolerance, tolerance < 0 {
                problems.error(fields.line("tolerance"), "`tolerance` must be ≥ 0 (it is how far off an answer may be), not \(tolerance.plainSpelling)")
            }
            kind = answer.map { .number(answer: $0, tolerance: max(0, tolerance ?? 0)) }
        case .order:
            kind = readItems(fields, problems: &problems, links: &links)
        }
        guard let id, let prompt, let explanation, let kind else { return nil }
        var question = QuizQuestion(id: id, lessonID: lessonID, prompt: prompt, kind: kind, explanation: explanation, depth: depth)
        question.seeTask = fields.text("see", required: false, problems: &problems).map { TaskReference(id: $0, line: fields.line("see")) }
        return question
    }

    private static func readOptions(_ fields: YAMLMapping, single: Bool, problems: inout FileProblems,
                                    links: inout [LessonLinkUse]) -> Kind? {
        guard let nodes = fields.list("options", problems: &problems) else { return nil }
        let kindName = single ? "single" : "multiple"
        if !(2...6).contains(nodes.count) {
            problems.error(fields.line("options"), "a \(kindName) question has 2 to 6 options; \(fields.what) has \(nodes.count)")
        }
        var options: [QuizOption] = []
        var complete = true
        for node in nodes {
            guard let option = YAMLMapping(node, what: "an option", keys: ["text", "correct", "why"], problems: &problems) else {
                complete = false
                continue
            }
            let text = proseText("text", option, &problems, &links)
            let isCorrect = option.flag("correct", required: false, problems: &problems) ?? false
            let why = option.has("why") ? proseText("why", option, &problems, &links) : nil
            if !isCorrect && !option.has("why") {
                problems.error(option.line, "the wrong option \(quoted(abbreviated(text ?? ""))) has no `why:` (say why it is wrong)")
            }
            guard let text else {
                complete = false
                continue
            }
            if options.contains(where: { $0.text == text }) {
                problems.error(option.line("text"), "two options of \(fields.what) read \(quoted(abbreviated(text)))")
            }
            options.append(QuizOption(text: text, isCorrect: isCorrect, why: why))
        }
        let correct = options.filter(\.isCorrect).count
        if single && correct != 1 && complete {
            problems.error(fields.line("options"), "a single question has exactly one correct option (`correct: true`); \(fields.what) has \(correct)")
        } else if !single && correct == 0 && complete {
            problems.error(fields.line("options"), "a multiple question has at least one correct option (`correct: true`); \(fields.what) has none")
        }
        guard complete else { return nil }
        return single ? .single(options: options) : .multiple(options: options)
    }

    private static func readItems(_ fields: YAMLMapping, problems: inout FileProblems, links: inout [LessonLinkUse]) -> Kind? {
        guard let nodes = fields.list("items", problems: &problems) else { return nil }
        if nodes.count < 2 {
            problems.error(fields.line("items"), "an order question needs at least 2 items to put in order; \(fields.what) has \(nodes.count)")
        }
        var items: [String] = []
        for node in nodes {
            guard let item = text(of: node, &problems, what: "an item") else { continue }
            checkProse(item, line: line(of: node, problems), &problems, &links)
            if items.contains(item) {
                problems.error(line(of: node, problems), "the item \(quoted(abbreviated(item))) is listed twice, so its place is ambiguous")
            }
            items.append(item)
        }
        return items.count == nodes.count && items.count >= 2 ? .order(items: items) : nil
    }
}

/// `depth:` of a question or card; standard, with a warning, when it is missing or unknown.
func readDepth(_ fields: YAMLMapping, problems: inout FileProblems) -> LessonDepth {
    guard fields.has("depth") else {
        problems.missingDepth(fields.line, "\(fields.what) has no `depth:` (basic, standard or deep); it counts as standard")
        return .standard
    }
    return fields.text("depth", problems: &problems)
        .flatMap { choice(LessonDepth.self, $0, line: fields.line("depth"), noun: "depth", problems: &problems) } ?? .standard
}

/// A text value that is shown to the learner: read, then checked like lesson prose.
func proseText(_ key: String, _ fields: YAMLMapping, _ problems: inout FileProblems, _ links: inout [LessonLinkUse]) -> String? {
    guard let text = fields.text(key, problems: &problems) else { return nil }
    checkProse(text, line: fields.line(key), &problems, &links)
    return text
}

/// The inline rules of the lesson text (no HTML, no web links) applied to a short text.
func checkProse(_ text: String, line: Int, _ problems: inout FileProblems, _ links: inout [LessonLinkUse]) {
    InlineParser.check(text, firstLine: line, problems: &problems, links: &links)
}
