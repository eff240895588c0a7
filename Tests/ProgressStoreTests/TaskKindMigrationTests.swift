import Course
import Foundation
import GRDB
import Practice
@testable import ProgressStore
import Testing

/// The migration that lets `review_log.kind` hold 'task': every row and id kept, on open and on restore.
@Suite struct TaskKindMigrationTests {
    /// A progress file as the first schema left it: a quiz answer, a card grade, and a row deleted
    /// after them so that the AUTOINCREMENT counter (4) is ahead of the largest id left (3).
    func writeOldFile(_ url: URL) throws {
        let queue = try DatabaseQueue(path: url.path)
        try ProgressStore.migrator.migrate(queue, upTo: "v1")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO review_log (at, kind, item, lesson, answer, correct, duration_ms) VALUES (1, 'quiz', 'q1', 'alpha', 'true', 1, 5);
                INSERT INTO review_log (at, kind, item, lesson, grade, correct, interval_days, duration_ms) VALUES (2, 'card', 'c1', 'alpha', 3, 1, 2, 6);
                INSERT INTO review_log (at, kind, item, lesson, answer, correct, duration_ms) VALUES (3, 'quiz', 'q2', 'alpha', 'false', 0, 7);
                INSERT INTO review_log (at, kind, item, lesson, answer, correct, duration_ms) VALUES (4, 'quiz', 'gone', 'alpha', 'x', 0, 8);
                DELETE FROM review_log WHERE item = 'gone';
                """)
            // The old schema refuses a task row.
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO review_log (at, kind, item, lesson, correct, duration_ms) VALUES (5, 'task', 't', 'alpha', 1, 1)")
            }
        }
        try queue.close()
    }

    func rows(_ store: ProgressStore) throws -> [String] {
        try store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, kind, item, answer, grade, correct FROM review_log ORDER BY id").map {
                "\($0["id"] as Int) \($0["kind"] as String) \($0["item"] as String) \(($0["answer"] as String?) ?? "-") \(($0["grade"] as Int?) ?? 0) \($0["correct"] as Bool)"
            }
        }
    }

    let oldRows = ["1 quiz q1 true 0 true", "2 card c1 - 3 true", "3 quiz q2 false 0 false"]

    func taskAnswer(at date: Date) -> ProgressEvent {
        .taskAnswer(task: "alpha-task", lesson: "alpha", answer: "10^-3; key 10^-3; measured 0.00087; models rnn fnv1a64:0123456789abcdef",
                    correct: true, durationMs: 9, at: date)
    }

    @Test func openingAnOldFileKeepsEveryRowAndIdAndTakesTasks() throws {
        let folder = try TemporaryFolder()
        try writeOldFile(folder.url.appendingPathComponent(ProgressStore.fileName))
        let store = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0)).store
        #expect(try rows(store) == oldRows)
        try store.record(taskAnswer(at: day(0)))
        // A new id after the counter, never a reused one.
        #expect(try rows(store).last == "5 task alpha-task 10^-3; key 10^-3; measured 0.00087; models rnn fnv1a64:0123456789abcdef 0 true")
        #expect(try store.card("c1").state != .new)   // the card's schedule still replays from its row
        let course = CoursePack(lessons: [], questions: [], flashcards: [])
        let stats = try store.stats(course: course, now: day(0, 13))
        #expect(stats.totalTaskAnswers == 1 && stats.taskAnswersToday == 1 && stats.totalQuizAnswers == 2 && stats.totalCardReviews == 1)
        let indexes = try store.database.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'review_log' ORDER BY name") }
        #expect(indexes == ["review_log_by_item", "review_log_by_time"])
    }

    @Test func anOldBackupIsMigratedWhenRestored() throws {
        let folder = try TemporaryFolder()
        let store = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0)).store
        try store.record(taskAnswer(at: day(0)))
        try store.close()
        let backups = folder.url.appendingPathComponent("backups")
        try FileManager.default.createDirectory(at: backups, withIntermediateDirectories: true)
        try writeOldFile(backups.appendingPathComponent("progress-2026-03-01.sqlite"))
        try ProgressStore.restore("2026-03-01", directory: folder.url, now: day(0, 15))
        let restored = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0, 16)).store
        #expect(try rows(restored) == oldRows)
        try restored.record(taskAnswer(at: day(0, 16)))
        #expect(try rows(restored).count == 4)
        let applied = try restored.database.read { try ProgressStore.migrator.appliedMigrations($0) }
        #expect(applied.contains("v2-review-log-task-kind"))
    }

    @Test func taskResultsCountPerLessonByTheirLastAnswer() throws {
        let store = try ProgressStore.inMemory(timeZone: utc)
        func answer(_ task: String, _ correct: Bool, _ hour: Int) throws {
            try store.record(.taskAnswer(task: task, lesson: "alpha", answer: "yes", correct: correct, durationMs: 1, at: day(0, hour)))
        }
        try answer("t1", false, 9)
        try answer("t1", true, 10)
        try answer("t2", true, 11)
        try answer("t2", false, 12)
        let lesson = Lesson(id: "alpha", title: "A", order: 1, summary: "s", lab: LabPreset(cell: .rnn, sentence: "a", panels: [.tokens]),
                            parts: [], glossary: [], references: [], fileName: "01-alpha.md")
        let snapshot = try store.snapshot(course: CoursePack(lessons: [lesson], questions: [], flashcards: []), now: day(0, 13))
        #expect(snapshot.lessons["alpha"]?.tasksTried == 2 && snapshot.lessons["alpha"]?.tasksRight == 1)
    }
}
