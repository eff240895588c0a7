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

/// What issue 13 asks of the shipped course: a depth on every item, objectives, a recap per depth,
/// the basic minimums and the totals.
@Suite struct ShippedCourseDepthTests {
    @Test
    func everyItemHasADepthAndEveryLessonItsObjectivesAndRecaps() throws {
        let report = try CoursePack.check(directory: shippedLessonsFolder)
        #expect(report.errors.map(\.description) == [])
        #expect(report.itemsWithoutDepth == 0, "\(report.warnings.map(\.description).filter(isMissingDepthWarning))")
        #expect(report.questionCount >= 100 && report.cardCount >= 90 && report.figureCount >= 5, "\(report.summary)")
        for lesson in report.pack.lessons {
            let everyDepth = lesson.parts.flatMap { part -> [Block] in if case .everyDepth(let blocks) = part { blocks } else { [] } }
            #expect(everyDepth.contains { if case .objectives = $0 { true } else { false } }, "\(lesson.fileName) has no objectives")
            for case .depth(let depth, _, let blocks) in lesson.parts {
                #expect(blocks.last.map { if case .recap = $0 { true } else { false } } == true, "\(lesson.fileName): \(depth) does not end with a recap")
            }
            // A basic-only learner still gets a real quiz and real cards.
            #expect(report.pack.questions(for: lesson.id, upTo: .basic).count >= 5, "\(lesson.fileName): basic questions")
            #expect(report.pack.flashcards(for: lesson.id).filter { $0.depth == .basic }.count >= 5, "\(lesson.fileName): basic cards")
        }
    }
}
