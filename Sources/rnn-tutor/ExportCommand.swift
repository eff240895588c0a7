import ArgumentParser
import Foundation
import ProgressStore

/// `rnn-tutor export`: the review log as CSV.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the review log (every quiz answer and card grade) as CSV.",
        discussion: """
            Columns: time (ISO 8601, UTC), kind (quiz or card), item, lesson, grade (cards, 1-4), answer \
            (quizzes), correct (1 or 0), interval_days or interval_seconds (the interval a card was given), \
            duration_ms. Fields are quoted as RFC 4180 says; lines end in CRLF.
            """)

    @Option(name: .shortAndLong, help: "The file to write (default: standard output).") var output: String?
    @OptionGroup var data: DataDirectoryOption

    func run() throws {
        let store = data.openStore()
        let csv = try store.exportCSV()
        guard let output else {
            FileHandle.standardOutput.write(Data(csv.utf8))
            return
        }
        do {
            try Data(csv.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw CommandFailure("\(output): cannot write the file (\((error as NSError).localizedDescription))")
        }
        let rows = csv.components(separatedBy: "\r\n").count - 2
        FileHandle.standardError.write(Data("wrote \(rows) review\(rows == 1 ? "" : "s") to \(output)\n".utf8))
    }
}
