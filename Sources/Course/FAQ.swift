import Foundation
import Yams

/// One question of the course's FAQ (`faq.yaml`): a short answer and the lessons that go deeper.
public struct FAQEntry: Equatable, Sendable {
    /// Stable, unique in the pack.
    public var id: String
    public var question: String
    /// Paragraphs of inline Markdown; links to lessons work as in a lesson's text.
    public var answer: [[Inline]]
    /// Ids of the lessons that go deeper, in the order to read them.
    public var see: [String]

    public init(id: String, question: String, answer: [[Inline]], see: [String]) {
        self.id = id
        self.question = question
        self.answer = answer
        self.see = see
    }

    /// Reads one entry of `faq:`; nil when it cannot be used (the problems say why).
    static func read(_ node: Node, problems: inout FileProblems, ids: inout [(id: String, line: Int)],
                     links: inout [LessonLinkUse]) -> FAQEntry? {
        guard var fields = YAMLMapping(node, what: "a FAQ entry", keys: ["id", "question", "answer", "see"],
                                       problems: &problems) else { return nil }
        let id = fields.text("id", problems: &problems)
        if let id {
            fields.what = "FAQ entry \(quoted(id))"
            ids.append((id, fields.line("id")))
            if !isValidID(id) { problems.error(fields.line("id"), "FAQ id \(quoted(id)) must be \(idRule)") }
        }
        let question = proseText("question", fields, &problems, &links)
        if let question, question.contains(where: \.isNewline) {
            problems.error(fields.line("question"), "the question of \(fields.what) must be one line")
        }
        var answer: [[Inline]]?
        if let text = fields.text("answer", problems: &problems) {
            // Paragraphs are separated by a blank line, as in a lesson.
            let paragraphs = splitAtBlankLines(text).map { $0.trimmingWhitespaceAndNewlines() }
                .filter { !$0.isEmpty }
            answer = paragraphs.map { paragraph in
                InlineParser.parse(paragraph, firstLine: fields.line("answer"), problems: &problems, links: &links)
            }
        }
        var see: [String]?
        if let nodes = fields.list("see", problems: &problems) {
            if nodes.isEmpty {
                problems.error(fields.line("see"), "`see` of \(fields.what) lists no lesson; name at least one lesson id that goes deeper")
            }
            see = nodes.compactMap { node in
                guard let lessonID = text(of: node, &problems, what: "a lesson id in `see`") else { return nil }
                links.append(LessonLinkUse(id: lessonID, line: line(of: node, problems)))
                return lessonID
            }
        }
        guard let id, let question, let answer, let see, !see.isEmpty else { return nil }
        return FAQEntry(id: id, question: question, answer: answer, see: see)
    }
}

extension CoursePack {
    /// The FAQ entries that hold every word of `query` (case and accents ignored; a word may be
    /// the start of a longer one, so the list narrows as the learner types). Entries whose
    /// question holds them all come first; otherwise the file's order is kept. An empty query matches all.
    public func faqEntries(matching query: String) -> [FAQEntry] {
        let words = FAQSearch.words(query)
        guard !words.isEmpty else { return faq }
        var inQuestion: [FAQEntry] = [], elsewhere: [FAQEntry] = []
        for entry in faq {
            let question = FAQSearch.folded(entry.question)
            if words.allSatisfy(question.contains) {
                inQuestion.append(entry)
                continue
            }
            let titles = entry.see.compactMap { lesson(id: $0)?.title }
            let everything = FAQSearch.folded(([entry.question] + entry.answer.map(\.plainText) + titles).joined(separator: " "))
            if words.allSatisfy(everything.contains) { elsewhere.append(entry) }
        }
        return inQuestion + elsewhere
    }
}

private enum FAQSearch {
    /// Lowercase, without accents, punctuation turned into spaces.
    static func folded(_ text: String) -> String {
        let plain = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        return String(plain.map { $0.isLetter || $0.isNumber ? $0 : " " })
    }

    static func words(_ query: String) -> [String] {
        folded(query).split(separator: " ").map(String.init)
    }
}

/// `text.components(separatedBy: "\n\n")`, split on the bytes when that is sure to give the same pieces:
/// Foundation's search does not match a line feed that a combining mark follows, and such rare text
/// (or text with a carriage return) is left to it.
func splitAtBlankLines(_ text: String) -> [String] {
    let bytes = Array(text.utf8)
    let plain = !bytes.indices.contains { k in
        bytes[k] == 0x0D || (bytes[k] == 0x0A && k + 1 < bytes.count && bytes[k + 1] >= 0x80)
    }
    guard plain else { return text.components(separatedBy: "\n\n") }
    var pieces: [String] = []
    var start = 0, k = 0
    while k + 1 < bytes.count {
        if bytes[k] == 0x0A && bytes[k + 1] == 0x0A {
            pieces.append(String(decoding: bytes[start..<k], as: UTF8.self))
            k += 2
            start = k
        } else {
            k += 1
        }
    }
    pieces.append(String(decoding: bytes[start...], as: UTF8.self))
    return pieces
}
