import Course
import Foundation
import GRDB
import Practice

// Writing: every event in its own transaction, so an answer is on disk when `record` returns.

extension ProgressStore {
    /// Writes each event in its own transaction, in order: when this returns, they are on disk.
    /// Card grades are scheduled here, from the card's log as it is in the file at that moment.
    public func record(_ events: [ProgressEvent]) throws {
        for event in events {
            try database.write { db in
                try write(event, db)
                try db.execute(sql: "UPDATE store_meta SET value = value + 1 WHERE key = 'revision'")
            }
        }
    }

    public func record(_ event: ProgressEvent) throws { try record([event]) }

    func write(_ event: ProgressEvent, _ db: Database) throws {
        switch event {
        case .position(let lesson, let depth, let line, let at):
            try db.execute(sql: """
                INSERT INTO lesson_progress (lesson, depth, position, last_opened) VALUES (?, ?, ?, ?)
                ON CONFLICT (lesson) DO UPDATE SET depth = excluded.depth, position = excluded.position,
                    last_opened = excluded.last_opened
                """, arguments: [lesson, depth, line, at.timeIntervalSince1970])
        case .lab(let lesson, let word, let cell, let sentence):
            try db.execute(sql: """
                INSERT INTO lesson_progress (lesson, lab_word, lab_cell, lab_sentence) VALUES (?, ?, ?, ?)
                ON CONFLICT (lesson) DO UPDATE SET lab_word = excluded.lab_word, lab_cell = excluded.lab_cell,
                    lab_sentence = excluded.lab_sentence
                """, arguments: [lesson, word, cell, sentence])
        case .read(let lesson, let at):
            try db.execute(sql: """
                INSERT INTO lesson_progress (lesson, read, last_opened) VALUES (?, 1, ?)
                ON CONFLICT (lesson) DO UPDATE SET read = 1, last_opened = excluded.last_opened
                """, arguments: [lesson, at.timeIntervalSince1970])
        case .quizAnswer(let question, let lesson, let answer, let correct, let durationMs, let at):
            try db.execute(sql: """
                INSERT INTO review_log (at, kind, item, lesson, answer, correct, duration_ms)
                VALUES (?, 'quiz', ?, ?, ?, ?, ?)
                """, arguments: [at.timeIntervalSince1970, question, lesson, answer, correct, durationMs])
        case .taskAnswer(let task, let lesson, let answer, let correct, let durationMs, let at):
            try db.execute(sql: """
                INSERT INTO review_log (at, kind, item, lesson, answer, correct, duration_ms)
                VALUES (?, 'task', ?, ?, ?, ?, ?)
                """, arguments: [at.timeIntervalSince1970, task, lesson, answer, correct, durationMs])
        case .quizFinished(let lesson, let score, let at):
            try db.execute(sql: "INSERT INTO quiz_round (at, lesson, correct, total, depth) VALUES (?, ?, ?, ?, ?)",
                           arguments: [at.timeIntervalSince1970, lesson, score.correct, score.total, score.depth?.rawValue])
        case .cardReview(let card, let lesson, let rating, let durationMs, let at):
            let before = try cardState(card, db)
            let interval = scheduler.answer(before, rating, at: at).interval
            var days: Int?, seconds: Double?
            switch interval {
            case .days(let d): days = d
            case .step(let s): seconds = s
            }
            try db.execute(sql: """
                INSERT INTO review_log (at, kind, item, lesson, grade, correct, interval_days, interval_seconds, duration_ms)
                VALUES (?, 'card', ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [at.timeIntervalSince1970, card, lesson, rating.rawValue, rating != .again, days, seconds,
                                 durationMs])
        }
    }
}
