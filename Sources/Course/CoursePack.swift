import Foundation
import Yams

/// A whole course: its lessons in order, with their quizzes and flashcards.
/// Read it with `CoursePack.load(directory:)`, which refuses a pack with problems.
public struct CoursePack: Equatable, Sendable {
    /// In course order (`order:` of the front matter).
    public var lessons: [Lesson]
    /// In file-name order, then file order.
    public var questions: [QuizQuestion]
    public var flashcards: [Flashcard]
    /// The course's FAQ (`faq.yaml`), in file order; empty when the pack has none.
    public var faq: [FAQEntry]
    /// Guided lab tasks (`NN-slug.tasks.yaml`), in file-name order, then file order.
    public var tasks: [LabTask]

    public init(lessons: [Lesson], questions: [QuizQuestion], flashcards: [Flashcard], faq: [FAQEntry] = [],
                tasks: [LabTask] = []) {
        self.lessons = lessons
        self.questions = questions
        self.flashcards = flashcards
        self.faq = faq
        self.tasks = tasks
    }

    public func lesson(id: String) -> Lesson? { lessons.first { $0.id == id } }
    public func questions(for lessonID: String) -> [QuizQuestion] { questions.filter { $0.lessonID == lessonID } }
    public func flashcards(for lessonID: String) -> [Flashcard] { flashcards.filter { $0.lessonID == lessonID } }
    /// A lesson's questions that a reader at `depth` is asked: that depth's and the ones below.
    public func questions(for lessonID: String, upTo depth: LessonDepth) -> [QuizQuestion] {
        questions(for: lessonID).filter { $0.depth <= depth }
    }
    public func tasks(for lessonID: String) -> [LabTask] { tasks.filter { $0.lessonID == lessonID } }
    public func task(id: String) -> LabTask? { tasks.first { $0.id == id } }
}

/// Why a pack could not be used.
public enum CoursePackError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The folder is missing, not a folder, or cannot be listed.
    case unreadableFolder(path: String, reason: String)
    /// The pack has errors (warnings do not stop it loading).
    case invalid([CourseProblem])

    /// One line for a missing folder; one `file:line: message` line per problem otherwise.
    public var message: String {
        switch self {
        case .unreadableFolder(let path, let reason): "\(path): \(reason)"
        case .invalid(let problems): problems.map(\.description).joined(separator: "\n")
        }
    }

    public var description: String { message }
}

/// What `lessons check` reports: every problem, and what the pack holds.
public struct CourseCheckReport: Sendable {
    /// What could be read. Only complete when `errors` is empty: where a file
    /// has problems its lesson holds placeholders and broken questions or cards are left out.
    public var pack: CoursePack
    /// Errors and warnings, by file and line.
    public var problems: [CourseProblem]
    /// Lesson files, and question and card entries, whether or not they have problems.
    public var lessonCount: Int
    public var questionCount: Int
    public var cardCount: Int
    /// Entries of `faq.yaml`, whether or not they have problems.
    public var faqCount = 0
    /// `::: figure` blocks in the lessons.
    public var figureCount = 0
    /// Questions, cards and glossary lines without a depth (each counts as standard, with a warning).
    public var itemsWithoutDepth = 0
    public var taskCount = 0

    public var errors: [CourseProblem] { problems.filter { $0.severity == .error } }
    public var warnings: [CourseProblem] { problems.filter { $0.severity == .warning } }

    /// `9 lessons, 84 questions, 63 cards, 5 figures, 0 items without a depth, 0 problems`
    /// (and `, 2 warnings` when there are some).
    public var summary: String {
        var parts = [counted(lessonCount, "lesson"), counted(questionCount, "question"), counted(cardCount, "card"),
                     counted(figureCount, "figure"), "\(counted(itemsWithoutDepth, "item")) without a depth",
                     counted(errors.count, "problem")]
        if taskCount > 0 { parts.insert(counted(taskCount, "task"), at: 3) }
        if faqCount > 0 { parts.insert(faqCount == 1 ? "1 FAQ entry" : "\(faqCount) FAQ entries", at: 3) }
        if !warnings.isEmpty { parts.append(counted(warnings.count, "warning")) }
        return parts.joined(separator: ", ")
    }
}

extension CoursePack {
    /// The pack in `directory`, or every problem it has. The tutor loads the course with this.
    public static func load(directory: String, vocabulary: LabVocabulary? = nil) throws(CoursePackError) -> CoursePack {
        let report = try check(directory: directory, vocabulary: vocabulary)
        guard report.errors.isEmpty else { throw .invalid(report.errors) }
        return report.pack
    }

    /// Reads and checks every file of the pack in `directory`. Throws only when
    /// the folder itself cannot be read; problems in its files are in the report.
    /// With a `vocabulary`, lab sentences with words outside it are warned about.
    public static func check(directory: String, vocabulary: LabVocabulary? = nil) throws(CoursePackError) -> CourseCheckReport {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder) else {
            throw .unreadableFolder(path: directory, reason: "no such folder (a lesson pack is a folder of NN-slug.md files)")
        }
        guard isFolder.boolValue else {
            throw .unreadableFolder(path: directory, reason: "this is a file; a lesson pack is a folder of NN-slug.md files")
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .unreadableFolder(path: directory, reason: "cannot list the folder (\(error.localizedDescription))")
        }

        var files: [String: String] = [:]
        var problems: [CourseProblem] = []
        for name in names where !name.hasPrefix(".") {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            var isSubfolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isSubfolder), !isSubfolder.boolValue,
                  PackFileKind(name) != nil else {
                files[name] = ""   // reported as not belonging to the pack, without reading it
                continue
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                problems.append(CourseProblem(file: displayPath(directory, name), line: nil, message: "cannot read this file"))
                files[name] = ""
                continue
            }
            if let text = String(validating: data, as: UTF8.self) {
                files[name] = text
                continue
            }
            let badLine = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                .firstIndex { String(validating: $0, as: UTF8.self) == nil }
            problems.append(CourseProblem(file: displayPath(directory, name), line: (badLine ?? 0) + 1,
                                          message: "this line is not UTF-8 text; save the file as UTF-8"))
            files[name] = String(decoding: data, as: UTF8.self)
        }
        var report = check(files: files, directory: directory, vocabulary: vocabulary)
        report.problems = sorted(problems + report.problems)
        return report
    }

    /// Checks a pack given as file names and their text (as if in `directory`,
    /// which only prefixes the names in problems).
    public static func check(files: [String: String], directory: String = "", vocabulary: LabVocabulary? = nil) -> CourseCheckReport {
        var checker = PackChecker(directory: directory, vocabulary: vocabulary)
        return checker.check(files)
    }
}

/// The kinds of file a pack holds: three per lesson, and the course's FAQ.
enum PackFileKind {
    case lesson, quiz, cards, faq, tasks

    /// The course's questions and answers, one file for the pack.
    static let faqName = "faq.yaml"

    init?(_ name: String) {
        if name == Self.faqName {
            self = .faq
        } else if name.hasSuffix(".tasks.yaml") {
            self = .tasks
        } else if name.hasSuffix(".quiz.yaml") {
            self = .quiz
        } else if name.hasSuffix(".cards.yaml") {
            self = .cards
        } else if name.hasSuffix(".md") && !Self.notLessons.contains(name) {
            self = .lesson
        } else {
            return nil
        }
    }

    /// Markdown files that describe the pack rather than teach.
    static let notLessons: Set<String> = ["FORMAT.md", "README.md"]

    /// The stem a lesson shares with its quiz and cards: `02-recurrent-cell`.
    static func stem(_ name: String) -> String {
        for suffix in [".quiz.yaml", ".cards.yaml", ".tasks.yaml", ".md"] where name.hasSuffix(suffix) {
            return String(name.dropLast(suffix.count))
        }
        return name
    }
}

/// `lessons/02-recurrent-cell.md`: the folder as the user gave it, then the name.
func displayPath(_ directory: String, _ name: String) -> String {
    if directory.isEmpty { return name }
    return directory.hasSuffix("/") ? directory + name : directory + "/" + name
}

private func sorted(_ problems: [CourseProblem]) -> [CourseProblem] {
    problems.enumerated().sorted { a, b in
        (a.element.file, a.element.line ?? 0, a.offset) < (b.element.file, b.element.line ?? 0, b.offset)
    }.map(\.element)
}

/// Reads every file, then runs the checks that need the whole pack: unique
/// ids and orders, links and `lesson:` names that point at a lesson.
private struct PackChecker {
    let directory: String
    let vocabulary: LabVocabulary?
    var problems: [CourseProblem] = []
    var itemsWithoutDepth = 0

    init(directory: String, vocabulary: LabVocabulary?) {
        self.directory = directory
        self.vocabulary = vocabulary
    }

    /// An id of a question or card, and where it stands.
    struct EntryID {
        var id: String
        var file: String
        var line: Int
    }

    mutating func check(_ files: [String: String]) -> CourseCheckReport {
        var lessons: [(file: String, parsed: ParsedLesson)] = []
        var quizzes: [(name: String, text: String)] = []
        var cardFiles: [(name: String, text: String)] = []
        var faqFile: (name: String, text: String)?
        var taskFiles: [(name: String, text: String)] = []
        for name in files.keys.sorted() {
            switch PackFileKind(name) {
            case .lesson:
                var fileProblems = FileProblems(file: displayPath(directory, name))
                let lines = screenedLines(files[name]!, &fileProblems)
                lessons.append((fileProblems.file, LessonFile.read(lines, fileName: name, vocabulary: vocabulary, problems: &fileProblems)))
                problems += fileProblems.found
                itemsWithoutDepth += fileProblems.itemsWithoutDepth
            case .quiz: quizzes.append((name, files[name]!))
            case .cards: cardFiles.append((name, files[name]!))
            case .faq: faqFile = (name, files[name]!)
            case .tasks: taskFiles.append((name, files[name]!))
            case nil:
                if !PackFileKind.notLessons.contains(name) {
                    problems.append(CourseProblem(
                        file: displayPath(directory, name), line: nil,
                        message: "not part of a lesson pack (lessons are NN-slug.md, quizzes NN-slug.quiz.yaml, flashcards NN-slug.cards.yaml, tasks NN-slug.tasks.yaml); ignored",
                        severity: .warning))
                }
            }
        }
        if lessons.isEmpty {
            problems.append(CourseProblem(file: directory.isEmpty ? "." : directory, line: nil,
                                          message: "no lessons here: a lesson pack is a folder of NN-slug.md files (see FORMAT.md)"))
        }
        checkUnique(lessons.compactMap { lesson in lesson.parsed.id.map { ($0, lesson.file, lesson.parsed.idLine) } },
                    what: { "lesson id \(quoted($0)) is already used by \($1)" })
        checkUnique(lessons.compactMap { lesson in lesson.parsed.order.map { (String($0), lesson.file, lesson.parsed.orderLine) } },
                    what: { "order \($0) is already taken by \($1); each lesson has its own place in the course" })

        let lessonIDs = Set(lessons.compactMap(\.parsed.id))
        let idsByStem = Dictionary(lessons.compactMap { lesson in lesson.parsed.id.map { (PackFileKind.stem(lesson.parsed.lesson.fileName), $0) } },
                                   uniquingKeysWith: { first, _ in first })
        var links = lessons.flatMap { lesson in lesson.parsed.links.map { (lesson.file, $0) } }
        var entryIDs: [(id: String, file: String, line: Int)] = []
        // Quizzes and flashcards are read the same way; only the entry type differs.
        typealias EntryReader<Entry> = (Node, String, inout FileProblems, inout [(id: String, line: Int)],
                                        inout [LessonLinkUse]) -> Entry?
        func readEntries<Entry>(_ files: [(name: String, text: String)], listKey: String, noun: String,
                                _ read: EntryReader<Entry>) -> (entries: [Entry], count: Int) {
            var entries: [Entry] = [], count = 0
            for (name, text) in files {
                var fileProblems = FileProblems(file: displayPath(directory, name))
                var fileLinks: [LessonLinkUse] = [], fileIDs: [(id: String, line: Int)] = []
                if let (lessonID, nodes) = readEntryFile(name, text, listKey: listKey, noun: noun,
                                                          lessonIDs: lessonIDs, idsByStem: idsByStem, &fileProblems) {
                    count += nodes.count
                    entries += nodes.compactMap { read($0, lessonID, &fileProblems, &fileIDs, &fileLinks) }
                }
                problems += fileProblems.found
                itemsWithoutDepth += fileProblems.itemsWithoutDepth
                links += fileLinks.map { (fileProblems.file, $0) }
                entryIDs += fileIDs.map { ($0.id, fileProblems.file, $0.line) }
            }
            return (entries, count)
        }
        // Tasks first, so that a question's `see:` can be checked against them.
        let presets = Dictionary(lessons.map { ($0.parsed.lesson.id, $0.parsed.lesson.lab.sentence) }, uniquingKeysWith: { a, _ in a })
        let entriesBeforeTasks = entryIDs.count
        let (tasks, taskCount) = readEntries(taskFiles, listKey: "tasks", noun: "task") {
            LabTask.read($0, lessonID: $1, preset: presets[$1].flatMap { $0.isEmpty ? nil : $0 }, problems: &$2, ids: &$3, links: &$4)
        }
        let taskIDs = entryIDs[entriesBeforeTasks...].map { ($0.id, $0.file, $0.line) }
        entryIDs.removeSubrange(entriesBeforeTasks...)
        checkUnique(taskIDs, what: { "task id \(quoted($0)) is already used at \($1)" })
        let knownTasks = Set(taskIDs.map(\.0))
        let (questions, questionCount) = readEntries(quizzes, listKey: "questions", noun: "question") {
            let question = QuizQuestion.read($0, lessonID: $1, problems: &$2, ids: &$3, links: &$4)
            if let see = question?.seeTask, !knownTasks.contains(see.id) {
                $2.error(see.line, "`see: \(see.id)` names no task of the pack (tasks are in NN-slug.tasks.yaml)")
            }
            return question
        }
        let (cards, cardCount) = readEntries(cardFiles, listKey: "cards", noun: "card") {
            Flashcard.read($0, lessonID: $1, problems: &$2, ids: &$3, links: &$4)
        }
        var faq: [FAQEntry] = [], faqCount = 0
        if let faqFile {
            var fileProblems = FileProblems(file: displayPath(directory, faqFile.name))
            var fileLinks: [LessonLinkUse] = [], fileIDs: [(id: String, line: Int)] = []
            if let nodes = readFAQFile(faqFile.text, &fileProblems) {
                faqCount = nodes.count
                faq = nodes.compactMap { FAQEntry.read($0, problems: &fileProblems, ids: &fileIDs, links: &fileLinks) }
            }
            problems += fileProblems.found
            links += fileLinks.map { (fileProblems.file, $0) }
            entryIDs += fileIDs.map { ($0.id, fileProblems.file, $0.line) }
        }
        checkUnique(entryIDs.map { ($0.id, $0.file, $0.line) },
                    what: { "id \(quoted($0)) is already used at \($1) (question, card and FAQ ids are unique in the pack)" })

        for (file, link) in links where !lessonIDs.contains(link.id) {
            problems.append(CourseProblem(file: file, line: link.line,
                                          message: "the link goes to lesson \(quoted(link.id)), but no lesson has that id"))
        }

        let ordered = lessons.map(\.parsed.lesson).sorted { ($0.order, $0.fileName) < ($1.order, $1.fileName) }
        return CourseCheckReport(pack: CoursePack(lessons: ordered, questions: questions, flashcards: cards, faq: faq, tasks: tasks),
                                 problems: sorted(problems), lessonCount: lessons.count,
                                 questionCount: questionCount, cardCount: cardCount, faqCount: faqCount,
                                 figureCount: lessons.map(\.parsed.figureCount).reduce(0, +), itemsWithoutDepth: itemsWithoutDepth,
                                 taskCount: taskCount)
    }

    /// The entries of `faq.yaml`: one key, `faq:`, listing them.
    private func readFAQFile(_ text: String, _ problems: inout FileProblems) -> [Node]? {
        let root: Node
        switch composeYAML(screenedText(text, &problems), problems: &problems) {
        case .node(let node): root = node
        case .empty:
            problems.error(1, "the file is empty; it needs `faq:` with a list of entries (id, question, answer, see)")
            return nil
        case .broken: return nil
        }
        guard let fields = YAMLMapping(root, what: "the FAQ file", keys: ["faq"], problems: &problems),
              let nodes = fields.list("faq", problems: &problems) else { return nil }
        if nodes.isEmpty { problems.error(fields.line("faq"), "`faq` lists no entry") }
        return nodes
    }

    /// The top of a quiz or cards file: `lesson:` and the list of entries.
    private func readEntryFile(_ name: String, _ text: String, listKey: String, noun: String, lessonIDs: Set<String>,
                               idsByStem: [String: String], _ problems: inout FileProblems) -> (String, [Node])? {
        let root: Node
        switch composeYAML(screenedText(text, &problems), problems: &problems) {
        case .node(let node): root = node
        case .empty:
            problems.error(1, "the file is empty; it needs `lesson:` and `\(listKey):`")
            return nil
        case .broken: return nil
        }
        guard let fields = YAMLMapping(root, what: "the \(noun) file", keys: ["lesson", listKey], problems: &problems) else { return nil }
        let lessonID = fields.text("lesson", problems: &problems)
        if let lessonID {
            if !lessonIDs.contains(lessonID) {
                problems.error(fields.line("lesson"), "no lesson has id \(quoted(lessonID)); `lesson:` names the `id:` of a lesson's front matter")
            } else if let besideID = idsByStem[PackFileKind.stem(name)], besideID != lessonID {
                problems.error(fields.line("lesson"), "this file sits beside \(PackFileKind.stem(name)).md, lesson \(quoted(besideID)), but names lesson \(quoted(lessonID))")
            }
        }
        guard let nodes = fields.list(listKey, problems: &problems) else { return nil }
        if nodes.isEmpty { problems.error(fields.line(listKey), "`\(listKey)` lists no \(noun)") }
        return (lessonID ?? "", nodes)
    }

    /// Reports each value after its first use, pointing at the first.
    private mutating func checkUnique(_ uses: [(value: String, file: String, line: Int)], what: (String, String) -> String) {
        var first: [String: (file: String, line: Int)] = [:]
        for use in uses {
            if let earlier = first[use.value] {
                problems.append(CourseProblem(file: use.file, line: use.line, message: what(use.value, "\(earlier.file):\(earlier.line)")))
            } else {
                first[use.value] = (use.file, use.line)
            }
        }
    }
}

/// The file's lines, with control characters (tabs included) reported and
/// replaced by spaces so that the rest of the file can still be checked.
func screenedLines(_ text: String, _ problems: inout FileProblems) -> [String] {
    var text = text
    return text.withUTF8 { screen($0, &problems) }
}

/// The file's text screened as `screenedLines` does, lines joined with "\n": what YAML is composed from.
func screenedText(_ text: String, _ problems: inout FileProblems) -> String {
    var text = text
    let clean = text.withUTF8 { bytes in
        !bytes.starts(with: byteOrderMark) && !bytes.indices.contains { mayBeControl(bytes[$0]) && bytes[$0] != 0x0A && controlLength(bytes, at: $0) > 0 }
    }
    return clean ? text : screenedLines(text, &problems).joined(separator: "\n")
}

/// U+FEFF, which some editors put at the start of a file.
private let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

/// Whether a control character can start with `byte`: the quick test before `controlLength`.
@inline(__always) private func mayBeControl(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7F || byte == 0xC2 }

/// The UTF-8 length of the control character (general category Cc: C0, DEL or C1) at `k`, or 0.
private func controlLength(_ bytes: UnsafeBufferPointer<UInt8>, at k: Int) -> Int {
    let byte = bytes[k]
    if byte < 0x20 || byte == 0x7F { return 1 }
    return byte == 0xC2 && k + 1 < bytes.count && bytes[k + 1] <= 0x9F ? 2 : 0
}

/// The lines of UTF-8 `bytes`, split at line feeds, screened byte by byte: only a line with a control
/// character is rebuilt.
private func screen(_ bytes: UnsafeBufferPointer<UInt8>, _ problems: inout FileProblems) -> [String] {
    var lines: [String] = []
    var reportedCarriageReturn = false
    func screened(_ range: Range<Int>, number: Int) -> String {
        var kept: [UInt8] = []
        kept.reserveCapacity(range.count)
        var reportedHere = false
        var k = range.lowerBound
        while k < range.upperBound {
            let length = controlLength(bytes, at: k)
            guard length > 0 else {
                kept.append(bytes[k])
                k += 1
                continue
            }
            let value = length == 1 ? UInt32(bytes[k]) : UInt32(bytes[k + 1])
            k += length
            if value == 0x0D {
                if !reportedCarriageReturn {
                    problems.error(number, "the file has Windows line endings (CR LF); save it with LF line endings")
                    reportedCarriageReturn = true
                }
                continue
            }
            if !reportedHere {
                problems.error(number, value == 0x09
                    ? "a tab character; indent with spaces"
                    : "control character U+\(String(format: "%04X", value)) is not allowed in lesson files")
                reportedHere = true
            }
            kept.append(0x20)
        }
        return String(decoding: kept, as: UTF8.self)
    }
    var lineStart = bytes.starts(with: byteOrderMark) ? byteOrderMark.count : 0
    var hasControl = false
    for k in lineStart..<bytes.count {
        let byte = bytes[k]
        if byte == 0x0A {
            let range = lineStart..<k
            lines.append(hasControl ? screened(range, number: lines.count + 1) : String(decoding: bytes[range], as: UTF8.self))
            lineStart = k + 1
            hasControl = false
        } else if !hasControl, mayBeControl(byte), controlLength(bytes, at: k) > 0 {
            hasControl = true
        }
    }
    let last = lineStart..<bytes.count
    lines.append(hasControl ? screened(last, number: lines.count + 1) : String(decoding: bytes[last], as: UTF8.self))
    return lines
}
