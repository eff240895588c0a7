import Course
import Foundation
import GRDB
import Practice

// Reading progress back: the course screen's snapshot, the quiz history the mixed
// review needs, and the statistics `rnn-tutor stats` prints.

extension ProgressStore {
    /// What the course screen shows, for every lesson of `course`. `cardsNew` is the number of a lesson's
    /// new cards a review session at `now` would show: today's allowance, handed out in course order.
    public func snapshot(course: CoursePack, now: Date) throws -> ProgressSnapshot {
        try database.read { db in
            var snapshot = ProgressSnapshot()
            for lesson in course.lessons { snapshot.lessons[lesson.id] = LessonProgress() }
            for row in try Row.fetchAll(db, sql: "SELECT * FROM lesson_progress") {
                let id: String = row["lesson"]
                var progress = snapshot.lessons[id] ?? LessonProgress()
                progress.read = row["read"]
                progress.depth = row["depth"]
                progress.position = row["position"]
                progress.labWord = row["lab_word"]
                progress.labCell = row["lab_cell"]
                progress.labSentence = row["lab_sentence"]
                snapshot.lessons[id] = progress
            }
            snapshot.lastLesson = try String.fetchOne(db, sql: """
                SELECT lesson FROM lesson_progress WHERE last_opened IS NOT NULL ORDER BY last_opened DESC LIMIT 1
                """)
            for row in try Row.fetchAll(db, sql: "SELECT lesson, correct, total, depth FROM quiz_round WHERE lesson IS NOT NULL ORDER BY at, id") {
                let id: String = row["lesson"]
                let depth: String? = row["depth"]
                let score = QuizScore(correct: row["correct"], total: row["total"], depth: depth.flatMap(LessonDepth.init(rawValue:)))
                var progress = snapshot.lessons[id] ?? LessonProgress()
                progress.lastScore = score
                if progress.bestScore.map(score.isBetter(than:)) ?? true { progress.bestScore = score }
                snapshot.lessons[id] = progress
            }
            try countTasks(into: &snapshot, db)
            let logs = try cardLogs(db)
            var newLeft = try newCardsLeft(logs, now: now, db)
            for flashcard in orderedCards(course) {
                if let log = logs[flashcard.id] {
                    if card(flashcard.id, log: log).due <= now { snapshot.lessons[flashcard.lessonID, default: LessonProgress()].cardsDue += 1 }
                } else if newLeft > 0, flashcard.depth <= snapshot.practiceDepth(of: flashcard.lessonID) {
                    newLeft -= 1
                    snapshot.lessons[flashcard.lessonID, default: LessonProgress()].cardsNew += 1
                }
            }
            return snapshot
        }
    }

    /// For the mixed review: every question answered before, with how it went.
    public func questionHistory() throws -> [String: QuestionHistory] {
        try database.read { db in
            var history: [String: QuestionHistory] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT item, correct FROM review_log WHERE kind = 'quiz' ORDER BY at, id") {
                let correct: Bool = row["correct"]
                var h = history[row["item"]] ?? QuestionHistory(asked: 0, missed: 0, lastCorrect: true)
                h.asked += 1
                if !correct { h.missed += 1 }
                h.lastCorrect = correct
                history[row["item"]] = h
            }
            return history
        }
    }

    /// Counts for `rnn-tutor stats`.
    public struct Stats: Equatable, Sendable {
        public var snapshot: ProgressSnapshot
        /// Card grades and quiz answers in the study day of `now`.
        public var cardReviewsToday = 0
        public var quizAnswersToday = 0
        public var totalCardReviews = 0
        public var totalQuizAnswers = 0
        /// Lab task answers, in the study day of `now` and in all.
        public var taskAnswersToday = 0
        public var totalTaskAnswers = 0
        /// Cards reviewed at least once.
        public var cardsStarted = 0
        public var quizRounds = 0
    }

    public func stats(course: CoursePack, now: Date) throws -> Stats {
        var stats = Stats(snapshot: try snapshot(course: course, now: now))
        let dayStart = scheduler.day.start(of: scheduler.day.number(of: now)).timeIntervalSince1970
        try database.read { db in
            for row in try Row.fetchAll(db, sql: """
                SELECT kind, COUNT(*) AS total, SUM(at >= ?) AS today, COUNT(DISTINCT item) AS items
                FROM review_log GROUP BY kind
                """, arguments: [dayStart]) {
                let kind: String = row["kind"]
                if kind == "card" {
                    stats.totalCardReviews = row["total"]
                    stats.cardReviewsToday = row["today"] ?? 0
                    stats.cardsStarted = row["items"]
                } else if kind == "task" {
                    stats.totalTaskAnswers = row["total"]
                    stats.taskAnswersToday = row["today"] ?? 0
                } else {
                    stats.totalQuizAnswers = row["total"]
                    stats.quizAnswersToday = row["today"] ?? 0
                }
            }
            stats.quizRounds = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM quiz_round") ?? 0
        }
        return stats
    }
}
