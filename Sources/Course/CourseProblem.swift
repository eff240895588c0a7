/// One thing wrong with a lesson pack, at a line of one of its files.
public struct CourseProblem: Equatable, Hashable, Sendable, CustomStringConvertible {
    public enum Severity: Sendable, Hashable {
        /// The pack cannot be used until it is fixed.
        case error
        /// Worth a look, but the pack works (e.g. a lab word the models do not know).
        case warning
    }

    /// The file's path: the pack folder as given, then the file's name.
    /// For a problem with the whole folder, the folder itself.
    public var file: String
    /// 1-based; nil for a problem with the whole folder.
    public var line: Int?
    public var message: String
    public var severity: Severity

    public init(file: String, line: Int?, message: String, severity: Severity = .error) {
        self.file = file
        self.line = line
        self.message = message
        self.severity = severity
    }

    /// `file:line: message`, or `file:line: warning: message`.
    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return "\(place): \(severity == .warning ? "warning: " : "")\(message)"
    }
}

/// The problems found in one file, collected while it is read so that each
/// check can say where it looked without passing the file name around.
struct FileProblems {
    let file: String
    /// Added to YAML marks: front matter starts on the file's second line.
    var lineOffset = 0
    private(set) var found: [CourseProblem] = []

    init(file: String) { self.file = file }

    mutating func error(_ line: Int, _ message: String) {
        found.append(CourseProblem(file: file, line: line, message: message))
    }

    mutating func warning(_ line: Int, _ message: String) {
        found.append(CourseProblem(file: file, line: line, message: message, severity: .warning))
    }

    /// Questions, cards and glossary lines without a depth: counted for the summary.
    private(set) var itemsWithoutDepth = 0

    /// An item without a depth counts as standard, with a warning, so packs written before depths still open.
    mutating func missingDepth(_ line: Int, _ message: String) {
        itemsWithoutDepth += 1
        warning(line, message)
    }
}

/// A `[text](lesson:id)` seen somewhere, checked once every lesson id is known.
struct LessonLinkUse: Equatable {
    var id: String
    var line: Int
}

/// `"word"` with its quotes, for messages.
func quoted(_ text: String) -> String { "\"\(text)\"" }

/// A short preview of a long text, for messages.
func abbreviated(_ text: String, to length: Int = 40) -> String {
    let oneLine = text.split(whereSeparator: \.isNewline).joined(separator: " ")
    return oneLine.count <= length ? oneLine : String(oneLine.prefix(length - 1)) + "…"
}

/// "1 lesson", "3 lessons".
func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
