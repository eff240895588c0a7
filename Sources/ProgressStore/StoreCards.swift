import Course
import Foundation
import GRDB
import Practice

// The flashcards: each card's schedule replayed from its log, which cards are due,
// and the daily allowance of new ones.

extension ProgressStore {
    /// Every card's review log, by card id, oldest first.
    func cardLogs(_ db: Database) throws -> [String: [Review]] {
        var logs: [String: [Review]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT item, grade, at FROM review_log WHERE kind = 'card' ORDER BY at, id") {
            guard let rating = Rating(rawValue: row["grade"] ?? 0) else { continue }
            logs[row["item"], default: []].append(Review(rating, at: Date(timeIntervalSince1970: row["at"])))
        }
        return logs
    }

    func card(_ id: String, log: [Review]) -> Card {
        scheduler.replay(cardID: StableHash.cardID(id), createdAt: log.first?.date ?? Date(timeIntervalSince1970: 0), log: log)
    }

    func cardState(_ id: String, _ db: Database) throws -> Card {
        let log = try Row.fetchAll(db, sql: "SELECT grade, at FROM review_log WHERE kind = 'card' AND item = ? ORDER BY at, id",
                                   arguments: [id]).compactMap { row in
            Rating(rawValue: row["grade"] ?? 0).map { Review($0, at: Date(timeIntervalSince1970: row["at"])) }
        }
        return card(id, log: log)
    }

    /// The card with string id `id` as its log leaves it (a new card if it has none).
    public func card(_ id: String) throws -> Card {
        try database.read { try cardState(id, $0) }
    }

    /// What each grade button would give the card now; exactly what `record` will schedule.
    public func nextIntervals(for cardID: String, at now: Date) throws -> [Rating: NextInterval] {
        scheduler.nextIntervals(for: try card(cardID), at: now)
    }

    /// How many new cards may still be introduced in the study day of `now`.
    func newCardsLeft(_ logs: [String: [Review]], now: Date, _ db: Database) throws -> Int {
        let today = scheduler.day.number(of: now)
        let introducedToday = logs.values.filter { $0.first.map { scheduler.day.number(of: $0.date) } == today }.count
        return max(0, try newCardsPerDay(db) - introducedToday)
    }

    /// A review session at `now`: the cards due (reviews and learning steps, earliest first), then
    /// today's new cards in course order, as many as the new-cards-per-day allowance has left.
    /// With `lesson`, only that lesson's cards (its new ones first in line for the allowance).
    /// New cards are only those of each lesson's practice depth and below (`depth` overrides it for
    /// every lesson); a card already started stays in review whatever the depth.
    public func dueCards(course: CoursePack, now: Date, lesson: String? = nil) throws -> [Flashcard] {
        try dueCards(course: course, now: now, lesson: lesson, depth: nil)
    }

    public func dueCards(course: CoursePack, now: Date, lesson: String?, depth: LessonDepth?) throws -> [Flashcard] {
        try database.read { db in
            let logs = try cardLogs(db)
            let depths = try practiceDepths(db)
            var due: [(Date, Flashcard)] = []
            var new: [Flashcard] = []
            for flashcard in orderedCards(course) where lesson == nil || flashcard.lessonID == lesson {
                if let log = logs[flashcard.id] {
                    let state = card(flashcard.id, log: log)
                    if state.due <= now { due.append((state.due, flashcard)) }
                } else if flashcard.depth <= depth ?? depths.practiceDepth(of: flashcard.lessonID) {
                    new.append(flashcard)
                }
            }
            let left = try newCardsLeft(logs, now: now, db)
            return due.sorted { $0.0 < $1.0 }.map(\.1) + new.prefix(left)
        }
    }

    /// When the next card not due at `now` falls due, if any card has been reviewed.
    public func nextDue(course: CoursePack, after now: Date) throws -> Date? {
        try database.read { db in
            let logs = try cardLogs(db)
            return course.flashcards.compactMap { f in logs[f.id].map { card(f.id, log: $0).due } }.filter { $0 > now }.min()
        }
    }

    /// The depth each lesson was last read at (lessons never opened are absent: basic).
    func practiceDepths(_ db: Database) throws -> ProgressSnapshot {
        var snapshot = ProgressSnapshot()
        for row in try Row.fetchAll(db, sql: "SELECT lesson, depth FROM lesson_progress") {
            var progress = LessonProgress()
            progress.depth = row["depth"]
            snapshot.lessons[row["lesson"]] = progress
        }
        return snapshot
    }

    /// Cards in course order: lessons by `order`, then file order within a lesson.
    func orderedCards(_ course: CoursePack) -> [Flashcard] {
        course.lessons.sorted { $0.order < $1.order }.flatMap { course.flashcards(for: $0.id) }
    }

    // MARK: Settings

    func newCardsPerDay(_ db: Database) throws -> Int {
        try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'new_cards_per_day'").flatMap { Int($0) }
            ?? Self.defaultNewCardsPerDay
    }

    public func newCardsPerDay() throws -> Int { try database.read { try newCardsPerDay($0) } }

    public func setNewCardsPerDay(_ count: Int) throws {
        try database.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('new_cards_per_day', ?)",
                           arguments: [String(max(0, count))])
            try db.execute(sql: "UPDATE store_meta SET value = value + 1 WHERE key = 'revision'")
        }
    }
}
