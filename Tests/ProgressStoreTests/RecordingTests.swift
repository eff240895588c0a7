import Course
import Foundation
import GRDB
import Practice
@testable import ProgressStore
import Testing

/// The schema, what recording writes, and what the snapshot reads back.
@Suite struct RecordingTests {
    @Test func aNewFileGetsTheSchemaAndItsIdentity() throws {
        let folder = try TemporaryFolder()
        let (store, notice) = ProgressStore.open(directory: folder.url, timeZone: utc, now: day())
        #expect(notice == nil)
        #expect(store.isSaving)
        let (id, mode, migrations, tables) = try store.database.read { db in
            (try Int32.fetchOne(db, sql: "PRAGMA application_id"), try String.fetchOne(db, sql: "PRAGMA journal_mode"),
             try ProgressStore.migrator.appliedMigrations(db),
             try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name"))
        }
        #expect(id == ProgressStore.applicationID && mode == "wal" && migrations == ["v1", "v2-lab-place", "v2-quiz-depth", "v2-review-log-task-kind"])
        #expect(tables == ["lesson_progress", "quiz_round", "review_log", "setting", "store_meta"])
        #expect(try store.newCardsPerDay() == 10)
        try store.setNewCardsPerDay(3)
        // Reopening migrates nothing and keeps the setting.
        let (again, secondNotice) = ProgressStore.open(directory: folder.url, timeZone: utc, now: day())
        #expect(secondNotice == nil)
        #expect(try again.newCardsPerDay() == 3)
    }

    @Test func theDefaultFolderFollowsXDG() {
        #expect(ProgressStore.defaultDirectory(environment: ["XDG_DATA_HOME": "/x/data", "HOME": "/home/a"]).path == "/x/data/rnn-tutor")
        #expect(ProgressStore.defaultDirectory(environment: ["HOME": "/home/a"]).path == "/home/a/.local/share/rnn-tutor")
        // The XDG spec ignores relative paths.
        #expect(ProgressStore.defaultDirectory(environment: ["XDG_DATA_HOME": "data", "HOME": "/home/a"]).path == "/home/a/.local/share/rnn-tutor")
    }

    @Test func positionsReadingAndScoresReachTheSnapshot() throws {
        let store = try ProgressStore.inMemory(timeZone: utc)
        try store.record([
            .position(lesson: "alpha", depth: "standard", line: 12, at: day(0, 10)),
            .read(lesson: "alpha", at: day(0, 11)),
            .quizFinished(lesson: "alpha", score: QuizScore(correct: 4, total: 5), at: day(0, 11)),
            .quizFinished(lesson: "alpha", score: QuizScore(correct: 2, total: 5), at: day(0, 12)),
            .quizFinished(lesson: nil, score: QuizScore(correct: 9, total: 10), at: day(0, 13)),
            .position(lesson: "beta", depth: "deep", line: 3, at: day(0, 14)),
            .position(lesson: "alpha", depth: "basic", line: 40, at: day(0, 9)),
        ])
        let snapshot = try store.snapshot(course: smallCourse(), now: day(0, 15))
        let alpha = try #require(snapshot.lessons["alpha"])
        #expect(alpha.read && alpha.depth == "basic" && alpha.position == 40)
        #expect(alpha.bestScore == QuizScore(correct: 4, total: 5))
        #expect(alpha.lastScore == QuizScore(correct: 2, total: 5))
        let beta = try #require(snapshot.lessons["beta"])
        #expect(!beta.read && beta.depth == "deep" && beta.bestScore == nil)
        // Beta was opened last (14:00); alpha's position event carries an earlier time.
        #expect(snapshot.lastLesson == "beta")
    }

    @Test func scoresCompareByFractionThenSize() {
        #expect(QuizScore(correct: 5, total: 5).isBetter(than: QuizScore(correct: 9, total: 10)))
        #expect(QuizScore(correct: 10, total: 10).isBetter(than: QuizScore(correct: 5, total: 5)))
        #expect(!QuizScore(correct: 3, total: 5).isBetter(than: QuizScore(correct: 4, total: 5)))
    }

    @Test func everyAnswerIsOneRowOfTheLog() throws {
        let store = try ProgressStore.inMemory(timeZone: utc)
        try store.record(.quizAnswer(question: "a-q", lesson: "alpha", answer: "options 1,3", correct: false, durationMs: 1500, at: day(0, 10)))
        try store.record(.cardReview(card: "a-card-0", lesson: "alpha", rating: .good, durationMs: 800, at: day(0, 10, 1)))
        try store.record(.cardReview(card: "a-card-0", lesson: "alpha", rating: .good, durationMs: 700, at: day(0, 10, 12)))
        let log = try store.reviewLog()
        #expect(log.count == 3)
        #expect(log[0].kind == "quiz" && log[0].answer == "options 1,3" && !log[0].correct && log[0].durationMs == 1500 && log[0].grade == nil)
        #expect(log[1].kind == "card" && log[1].grade == .good && log[1].correct && log[1].interval == .step(600))
        // The second Good leaves the learning steps: a whole number of days.
        guard case .days(let days)? = log[2].interval else { Issue.record("\(log[2])"); return }
        #expect(days >= 1)
        let history = try store.questionHistory()
        #expect(history["a-q"] == QuestionHistory(asked: 1, missed: 1, lastCorrect: false))
    }

    /// The card in the store is exactly the scheduler's replay of its log, and every logged interval is
    /// what the buttons showed before the answer.
    @Test func aCardIsTheReplayOfItsLog() throws {
        let store = try ProgressStore.inMemory(timeZone: utc)
        let scheduler = Scheduler(timeZone: utc)
        var expected = Card(id: StableHash.cardID("a-card-3"), due: day())
        var log: [Review] = []
        var now = day(0, 9)
        for rating in [Rating.good, .again, .good, .good, .hard, .good, .easy, .again, .good] {
            let shown = try store.nextIntervals(for: "a-card-3", at: now)[rating]
            try store.record(.cardReview(card: "a-card-3", lesson: "alpha", rating: rating, durationMs: 1, at: now))
            let (next, interval) = scheduler.answer(expected, rating, at: now)
            #expect(shown == interval)
            #expect(try store.reviewLog().last?.interval == interval)
            expected = next
            log.append(Review(rating, at: now))
            now = max(next.due, now.addingTimeInterval(1))
        }
        let stored = try store.card("a-card-3")
        #expect(stored == expected)
        #expect(stored == scheduler.replay(cardID: StableHash.cardID("a-card-3"), createdAt: day(0, 9), log: log))
        #expect(try store.card("never-seen") == Card(id: StableHash.cardID("never-seen"), due: Date(timeIntervalSince1970: 0)))
    }

    @Test func dueAndNewCardsHonourTheNewCardsPerDay() throws {
        let store = try ProgressStore.inMemory(timeZone: utc)
        let course = smallCourse()
        try store.setNewCardsPerDay(5)
        var snapshot = try store.snapshot(course: course, now: day(0, 8))
        // The day's five new cards come from the first lesson in course order.
        #expect(snapshot.lessons["alpha"]?.cardsNew == 5 && snapshot.lessons["beta"]?.cardsNew == 0)
        #expect(try store.dueCards(course: course, now: day(0, 8)).map(\.id) == (0..<5).map { "a-card-\($0)" })

        // Three new cards seen today, two graded Again.
        try store.record([
            .cardReview(card: "a-card-0", lesson: "alpha", rating: .easy, durationMs: 1, at: day(0, 8)),
            .cardReview(card: "a-card-1", lesson: "alpha", rating: .again, durationMs: 1, at: day(0, 8)),
            .cardReview(card: "b-card-5", lesson: "beta", rating: .again, durationMs: 1, at: day(0, 8)),
        ])
        snapshot = try store.snapshot(course: course, now: day(0, 8, 0))
        #expect(snapshot.lessons["alpha"]?.cardsDue == 0)
        #expect(snapshot.lessons["alpha"]?.cardsNew == 2)   // 5 - 3 introduced today
        // A minute later both Again cards are due again; still only 2 new.
        snapshot = try store.snapshot(course: course, now: day(0, 8, 2))
        #expect(snapshot.lessons["alpha"]?.cardsDue == 1 && snapshot.lessons["beta"]?.cardsDue == 1)
        #expect(snapshot.lessons["alpha"]?.cardsNew == 2)
        let session = try store.dueCards(course: course, now: day(0, 8, 2)).map(\.id)
        #expect(session == ["a-card-1", "b-card-5", "a-card-2", "a-card-3"])

        // Before 4 am it is still the same study day; at 4 am the allowance is whole again.
        #expect(try store.snapshot(course: course, now: day(1, 3, 59)).lessons["alpha"]?.cardsNew == 2)
        let nextDay = try store.snapshot(course: course, now: day(1, 4))
        #expect(nextDay.lessons["alpha"]?.cardsNew == 5)
        #expect(try store.nextDue(course: course, after: day(0, 8)) == day(0, 8, 1))
    }

    @Test func statsCountToday() throws {
        let store = try ProgressStore.inMemory(timeZone: utc)
        try store.record([
            .cardReview(card: "a-card-0", lesson: "alpha", rating: .good, durationMs: 1, at: day(-1, 12)),
            .cardReview(card: "a-card-1", lesson: "alpha", rating: .good, durationMs: 1, at: day(0, 5)),
            .quizAnswer(question: "a-q", lesson: "alpha", answer: "true", correct: true, durationMs: 1, at: day(0, 6)),
            .quizFinished(lesson: "alpha", score: QuizScore(correct: 1, total: 1), at: day(0, 6)),
        ])
        let stats = try store.stats(course: smallCourse(), now: day(0, 20))
        #expect(stats.cardReviewsToday == 1 && stats.totalCardReviews == 2)
        #expect(stats.quizAnswersToday == 1 && stats.totalQuizAnswers == 1)
        #expect(stats.cardsStarted == 2 && stats.quizRounds == 1)
    }

    @Test func theCSVExportQuotesAsRFC4180Says() throws {
        let store = try ProgressStore.inMemory(timeZone: utc)
        try store.record(.quizAnswer(question: "q1", lesson: "alpha", answer: "options 1,3", correct: true, durationMs: 5, at: day(0, 10)))
        try store.record(.quizAnswer(question: "q2", lesson: "alpha", answer: "say \"hi\"\nthere", correct: false, durationMs: 6, at: day(0, 11)))
        try store.record(.cardReview(card: "a-card-0", lesson: "alpha", rating: .again, durationMs: 7, at: day(0, 12)))
        let csv = try store.exportCSV()
        #expect(csv == """
            time,kind,item,lesson,grade,answer,correct,interval_days,interval_seconds,duration_ms\r
            2026-03-10T10:00:00.000Z,quiz,q1,alpha,,"options 1,3",1,,,5\r
            2026-03-10T11:00:00.000Z,quiz,q2,alpha,,"say ""hi""
            there",0,,,6\r
            2026-03-10T12:00:00.000Z,card,a-card-0,alpha,1,,0,,60,7\r

            """)
    }

    /// Two store objects on one file, writing in turn from two threads: every row of both arrives.
    @Test func twoWritersOnOneFileLoseNothing() async throws {
        let folder = try TemporaryFolder()
        let first = ProgressStore.open(directory: folder.url, timeZone: utc, now: day()).store
        let second = ProgressStore.open(directory: folder.url, timeZone: utc, now: day()).store
        await withTaskGroup(of: Void.self) { group in
            for (name, store) in [("one", first), ("two", second)] {
                group.addTask {
                    for i in 0..<150 {
                        try? store.record(.quizAnswer(question: "\(name)-\(i)", lesson: "alpha", answer: "true", correct: true,
                                                      durationMs: i, at: day(0, 10).addingTimeInterval(Double(i))))
                        // Both also grade the same card: each grade is scheduled from the log as the other left it.
                        if i % 10 == 0 {
                            try? store.record(.cardReview(card: "a-card-0", lesson: "alpha", rating: .good, durationMs: 1,
                                                          at: day(0, 10).addingTimeInterval(Double(i))))
                        }
                    }
                }
            }
        }
        let reader = ProgressStore.open(directory: folder.url, timeZone: utc, now: day()).store
        let log = try reader.reviewLog()
        #expect(log.filter { $0.kind == "quiz" }.count == 300)
        #expect(Set(log.map(\.item)).count == 301)
        #expect(log.filter { $0.kind == "card" }.count == 30)
        #expect(try reader.card("a-card-0").reviewCount == 30)
    }

    /// Tutors starting at the same moment on a new folder: one creates the schema, the others wait for it.
    @Test func storesOpenedAtOnceOnANewFolderAllSave() async throws {
        for _ in 0..<5 {
            let folder = try TemporaryFolder()
            let url = folder.url
            let results = await withTaskGroup(of: (Bool, String?).self) { group in
                for t in 0..<4 {
                    group.addTask {
                        let (store, notice) = ProgressStore.open(directory: url, timeZone: utc, now: day())
                        try? store.record(.quizAnswer(question: "t\(t)", lesson: "alpha", answer: "true", correct: true,
                                                      durationMs: 0, at: day()))
                        return (store.isSaving, notice)
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0.0 && $0.1 == nil }, "\(results)")
            let log = try ProgressStore.open(directory: folder.url, timeZone: utc, now: day()).store.reviewLog()
            #expect(Set(log.map(\.item)) == ["t0", "t1", "t2", "t3"])
        }
    }
}
