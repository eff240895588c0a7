import Course
import Foundation
import Testing

/// The course that ships in lessons/, found from this file's place in the repository.
let shippedLessonsFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("lessons").path

/// Whether lessons/ holds any lesson yet (the course is written alongside the code).
let shippedLessonsExist = ((try? FileManager.default.contentsOfDirectory(atPath: shippedLessonsFolder)) ?? [])
    .contains { $0.hasSuffix(".md") && $0 != "FORMAT.md" && $0 != "README.md" }

@Suite struct ShippedLessonsTests {
    @Test(.enabled(if: shippedLessonsExist, "lessons/ has no lesson files yet"))
    func theShippedCourseHasNoProblems() throws {
        let report = try CoursePack.check(directory: shippedLessonsFolder)
        #expect(report.errors.map(\.description) == [])
        #expect(report.lessonCount > 0)
    }
}
