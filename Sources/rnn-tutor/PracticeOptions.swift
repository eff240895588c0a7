import ArgumentParser
import Course
import Foundation
import Practice
import ProgressStore

/// `--data-dir`: where progress is kept, for every command that reads or writes it.
struct DataDirectoryOption: ParsableArguments {
    @Option(name: .customLong("data-dir"),
            help: "Where progress is kept (default: $XDG_DATA_HOME/rnn-tutor, else ~/.local/share/rnn-tutor).")
    var dataDir: String?

    var directory: URL { dataDir.map { URL(fileURLWithPath: $0) } ?? ProgressStore.defaultDirectory() }

    /// The store; a notice about it (a damaged file replaced, nothing being saved) goes to standard error.
    func openStore() -> ProgressStore {
        let (store, notice) = ProgressStore.open(directory: directory)
        if let notice { Plain.warn(notice) }
        return store
    }
}

extension LessonDepth: ExpressibleByArgument {}

/// `--depth`: which questions are asked and which new cards are introduced.
struct DepthOption: ParsableArguments {
    @Option(help: ArgumentHelp("Practise at this depth and the ones below: basic, standard or deep (default: the depth each lesson was last read at; basic if never opened).",
                               valueName: "depth"))
    var depth: LessonDepth?
}

/// `--lessons DIR`: the lesson pack, the shipped one by default.
struct LessonsOption: ParsableArguments {
    @Option(help: "A lesson pack folder (default: the shipped lessons).") var lessons: String?

    func load() throws -> CoursePack {
        let folder = try lessons ?? ShippedFiles.lessonsFolder()
        do {
            return try CoursePack.load(directory: folder)
        } catch let error {
            if case .unreadableFolder = error { throw CommandFailure(error.message) }
            throw CommandFailure("\(folder): the lessons have problems; run `rnn-tutor lessons check \(folder)`")
        }
    }
}

/// Line-by-line input and output for the plain modes: every prompt is flushed at once, so a screen
/// reader, a pipe or a script sees it before the program waits for the answer.
enum Plain {
    static func say(_ text: String = "") {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// A prompt without a line end; the answer is typed after it.
    static func prompt(_ text: String) {
        FileHandle.standardOutput.write(Data((text + " ").utf8))
    }

    static func warn(_ text: String) {
        FileHandle.standardError.write(Data("rnn-tutor: \(text)\n".utf8))
    }

    /// The next line, trimmed; nil at the end of input.
    static func read() -> String? {
        readLine(strippingNewline: true).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Course text (inline Markdown) as plain words.
    static func text(_ markdown: String) -> String { Inline.parse(markdown).plainText }

    static func isQuit(_ line: String) -> Bool { ["q", "quit", "exit"].contains(line.lowercased()) }

    /// Saves one event; when that fails the learner is told and the session goes on.
    static func save(_ event: ProgressEvent, in store: ProgressStore) {
        do { try store.record(event) } catch { warn("could not save this answer: \(error)") }
    }
}

extension CoursePack {
    /// A lesson by id, by number in the course (`3`), or by file name (`03-bptt`, `03-bptt.md`).
    func lesson(named name: String) -> Lesson? {
        if let found = lesson(id: name) { return found }
        if let number = Int(name) { return lessons.first { $0.order == number } }
        return lessons.first { $0.fileName == name || $0.fileName == name + ".md" }
    }

    func lessonTitle(_ id: String) -> String { lesson(id: id).map { Plain.text($0.title) } ?? id }
}

func milliseconds(since start: Date) -> Int { max(0, Int(Date().timeIntervalSince(start) * 1000)) }
