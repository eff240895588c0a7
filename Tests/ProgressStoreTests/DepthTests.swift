import Course
import Foundation
import GRDB
import Practice
@testable import ProgressStore
import Testing

/// Practice by depth in the store: quiz rounds keep their depth, new cards follow each
/// lesson's depth, and a file (or backup) from before depths migrates without losing a row.
@Suite struct DepthTests {
    /// A progress file as the store wrote it before quiz rounds had a depth (migration v1 only).
    static func writeVersion1File(at file: URL) throws {
        let queue = try DatabaseQueue(path: file.path)
        try ProgressStore.migrator.migrate(queue, upTo: "v1")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO quiz_round (at, lesson, correct, total) VALUES (?, 'alpha', 3, 4), (?, 'alpha', 1, 4), (?, NULL, 8, 10)",
                           arguments: [day(0, 9).timeIntervalSince1970, day(0, 10).timeIntervalSince1970, day(0, 11).timeIntervalSince1970])
            try db.execute(sql: """
                INSERT INTO review_log (at, kind, item, lesson, grade, correct, interval_days, duration_ms)
                VALUES (?, 'card', 'a-card-0', 'alpha', 3, 1, 1, 500)
                """, arguments: [day(0, 9).timeIntervalSince1970])
            try db.execute(sql: "INSERT INTO lesson_progress (lesson, depth, position) VALUES ('alpha', 'standard', 7)")
        }
        try queue.close()
    }

    @Test func aFileFromBeforeDepthsKeepsEveryRowAndGainsTheColumn() throws {
        let folder = try TemporaryFolder()
        try Self.writeVersion1File(at: folder.file)
        let (store, notice) = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0, 12))
        #expect(notice == nil)
        let rounds = try store.database.read { try Row.fetchAll($0, sql: "SELECT lesson, correct, depth FROM quiz_round ORDER BY id") }
        #expect(rounds.count == 3)
        #expect(rounds.map { $0["depth"] as String? } == [nil, nil, nil])
        let snapshot = try store.snapshot(course: smallCourse(), now: day(0, 12))
        #expect(snapshot.lessons["alpha"]?.bestScore == QuizScore(correct: 3, total: 4))
        #expect(snapshot.lessons["alpha"]?.lastScore?.label == "1/4")
        #expect(snapshot.lessons["alpha"]?.position == 7)
        #expect(try store.reviewLog().map(\.item) == ["a-card-0"])
        // New rounds record their depth beside the old ones.
        try store.record(.quizFinished(lesson: "alpha", score: QuizScore(correct: 4, total: 4, depth: .standard), at: day(0, 13)))
        let after = try store.snapshot(course: smallCourse(), now: day(0, 14)).lessons["alpha"]
        #expect(after?.lastScore == QuizScore(correct: 4, total: 4, depth: .standard))
        #expect(after?.bestScore?.label == "4/4 at standard")
        try store.close()
    }

    @Test func anOlderBackupMigratesWhenRestored() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("backups"), withIntermediateDirectories: true)
        let backup = folder.url.appendingPathComponent("backups/progress-2026-03-09.sqlite")
        try Self.writeVersion1File(at: backup)
        _ = try ProgressStore.restore("2026-03-09", directory: folder.url, now: day(0, 12))
        let (store, notice) = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0, 12))
        #expect(notice == nil)
        #expect(try store.database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM quiz_round WHERE depth IS NULL") } == 3)
        try store.record(.quizFinished(lesson: "alpha", score: QuizScore(correct: 2, total: 2, depth: .basic), at: day(0, 13)))
        #expect(try store.snapshot(course: smallCourse(), now: day(0, 14)).lessons["alpha"]?.lastScore?.depth == .basic)
        try store.close()
    }

    /// Alpha: cards 0–3 basic, 4–5 standard, 6–7 deep.
    static func course() -> CoursePack {
        var course = smallCourse()
        for i in course.flashcards.indices where course.flashcards[i].lessonID == "alpha" {
            let n = Int(course.flashcards[i].id.split(separator: "-").last!)!
            course.flashcards[i].depth = n < 4 ? .basic : n < 6 ? .standard : .deep
        }
        return course
    }

    @Test func newCardsFollowTheLessonsDepthAndStartedCardsStayWhateverTheDepth() throws {
        let store = try ProgressStore.inMemory(timeZone: utc)
        try store.setNewCardsPerDay(100)
        let course = Self.course()
        func alphaDue(_ depth: LessonDepth? = nil, at date: Date = day(0, 12)) throws -> [String] {
            try store.dueCards(course: course, now: date, lesson: "alpha", depth: depth).map(\.id)
        }
        // Never opened: basic.
        #expect(try alphaDue() == ["a-card-0", "a-card-1", "a-card-2", "a-card-3"])
        #expect(try store.snapshot(course: course, now: day(0, 12)).lessons["alpha"]?.cardsNew == 4)
        try store.record(.position(lesson: "alpha", depth: "deep", line: 0, at: day(0, 12)))
        #expect(try alphaDue().count == 8)
        // A deep card is started, then the learner goes back to basic: it stays in review.
        try store.record(.cardReview(card: "a-card-7", lesson: "alpha", rating: .again, durationMs: 1, at: day(0, 12)))
        try store.record(.position(lesson: "alpha", depth: "basic", line: 0, at: day(0, 12)))
        let later = day(0, 13)
        #expect(try alphaDue(at: later) == ["a-card-7", "a-card-0", "a-card-1", "a-card-2", "a-card-3"])
        // An explicit depth (review --plain --depth) overrides the saved one.
        #expect(try alphaDue(.standard, at: later) == ["a-card-7", "a-card-0", "a-card-1", "a-card-2", "a-card-3", "a-card-4", "a-card-5"])
    }

    @Test func theExportKeepsTheLogOfACardNoLongerInThePack() throws {
        let store = try ProgressStore.inMemory(timeZone: utc)
        try store.record(.cardReview(card: "card-removed-long-ago", lesson: "alpha", rating: .good, durationMs: 10, at: day(0, 9)))
        try store.record(.cardReview(card: "a-card-0", lesson: "alpha", rating: .good, durationMs: 10, at: day(0, 10)))
        #expect(!smallCourse().flashcards.contains { $0.id == "card-removed-long-ago" })
        let csv = try store.exportCSV()
        #expect(csv.contains(",card,card-removed-long-ago,alpha,3,"))
        #expect(csv.contains(",card,a-card-0,alpha,3,"))
        // The course screen simply does not count it; nothing fails.
        #expect(try store.snapshot(course: smallCourse(), now: day(0, 11)).lessons["alpha"] != nil)
    }
}
