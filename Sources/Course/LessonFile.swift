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
        if lines.first?.trimmingWhitespace() != "---" {
            problems.error(1, "a lesson starts with its front matter: a line `---`, the keys \(frontMatterKeys.joined(separator: ", ")), and another `---`")
        } else if let close = lines.indices.dropFirst().first(where: { lines[$0].trimmingWhitespace() == "---" }) {
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
