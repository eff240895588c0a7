import Foundation
import Testing

/// `rnn-tutor lessons check` as a teacher runs it: on the shipped course, and on a broken pack.
@Suite struct LessonsCommandTests {
    @Test func theShippedCourseHasNoProblems() async throws {
        let outcome = try await BinaryRunner.run(["lessons", "check", BinaryRunner.packageRoot.appendingPathComponent("lessons").path],
                                                 workingDirectory: BinaryRunner.packageRoot.path)
        #expect(outcome.status == 0, "\(outcome.standardOutput)")
        let last = outcome.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
        // Warnings (items without a depth) do not fail the check; problems would.
        #expect(last.hasPrefix("9 lessons, ") && last.contains(" 0 problems"), "\(last)")
        #expect(last.contains(" figure") && last.contains(" without a depth"), "\(last)")
    }

    @Test func aBrokenPackIsReportedLineByLineAndFails() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-tutor-lessons-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The shipped first lesson with one preset value out of range on its line 11.
        let source = BinaryRunner.packageRoot.appendingPathComponent("lessons")
        for suffix in [".md", ".quiz.yaml", ".cards.yaml"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent("02-recurrent-cell" + suffix),
                                             to: directory.appendingPathComponent("02-recurrent-cell" + suffix))
        }
        let lesson = directory.appendingPathComponent("02-recurrent-cell.md")
        var lines = try String(contentsOf: lesson, encoding: .utf8).components(separatedBy: "\n")
        let scaleLine = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("whh_scale:") })
        lines[scaleLine] = "  whh_scale: 9"
        try lines.joined(separator: "\n").write(to: lesson, atomically: true, encoding: .utf8)
        let outcome = try await BinaryRunner.run(["lessons", "check", directory.path])
        #expect(outcome.status == 1)
        let reported = outcome.standardOutput.split(separator: "\n").map(String.init)
        #expect(reported.contains { $0.hasPrefix("\(directory.path)/02-recurrent-cell.md:\(scaleLine + 1): ") && $0.contains("whh_scale") },
                "\(outcome.standardOutput)")
        #expect(reported.last?.contains(" problem") == true && reported.last?.contains(" 0 problems") == false, "\(reported.last ?? "")")
    }

    @Test func aMissingFolderIsOneLineAndStatusTwo() async throws {
        let outcome = try await BinaryRunner.run(["lessons", "check", "/no/such/lessons"])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.split(separator: "\n").count == 1)
    }
}
