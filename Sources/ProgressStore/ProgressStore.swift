import Course
import Foundation
import GRDB
import Practice

/// The learner's saved progress: one SQLite file, `progress.sqlite`, in the data folder
/// (`$XDG_DATA_HOME/rnn-tutor/`, else `~/.local/share/rnn-tutor/`), read and written with GRDB.
///
/// The review log holds one row per answer and is the source of truth for cards: a card's
/// schedule is `Scheduler.replay` of its rows. The card id the scheduler sees is
/// `StableHash.cardID` (FNV-1a 64) of the card's string id.
///
/// The file is in WAL mode with a busy timeout and every write is one IMMEDIATE transaction,
/// so two tutors open at once take turns instead of overwriting each other, and an answer is
/// on disk as soon as `record` returns.
public final class ProgressStore: @unchecked Sendable {
    // @unchecked: every property is a constant; DatabaseQueue serialises its own access.

    /// The file's identity (`PRAGMA application_id`): "RNNT". A SQLite file without it is not ours.
    public static let applicationID: Int32 = 0x524E_4E54
    public static let fileName = "progress.sqlite"
    public static let defaultNewCardsPerDay = 10

    /// The data folder; nil for a store that keeps nothing (in memory).
    public let directory: URL?
    /// False when progress is kept only in memory for this run.
    public var isSaving: Bool { directory != nil }
    public let scheduler: Scheduler
    let database: DatabaseQueue
    /// Held shared while this store is open, so no repair or restore replaces the file under it.
    var usageLock: FolderLock? = nil

    /// Closes the file and lets a repair or restore replace it. The store is unusable afterwards.
    public func close() throws {
        try database.close()
        usageLock = nil
    }

    init(database: DatabaseQueue, directory: URL?, timeZone: TimeZone) {
        self.database = database
        self.directory = directory
        scheduler = Scheduler(timeZone: timeZone)
    }

    /// The folder progress is kept in when none is given: `$XDG_DATA_HOME/rnn-tutor` (when set to an
    /// absolute path), else `~/.local/share/rnn-tutor`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("rnn-tutor")
        }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".local/share/rnn-tutor")
    }

    /// A store that keeps nothing on disk (tests, and the fallback when the folder cannot be written).
    public static func inMemory(timeZone: TimeZone = .current) throws -> ProgressStore {
        let queue = try DatabaseQueue(configuration: configuration())
        try migrator.migrate(queue)
        return ProgressStore(database: queue, directory: nil, timeZone: timeZone)
    }

    static func configuration(readonly: Bool = false) -> Configuration {
        var config = Configuration()
        config.readonly = readonly
        config.busyMode = .timeout(10)
        if !readonly { config.journalMode = .wal }
        config.foreignKeysEnabled = true
        config.label = "rnn-tutor progress"
        return config
    }

    // MARK: Schema

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(sql: """
                CREATE TABLE review_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,                 -- seconds since 1970-01-01 UTC
                    kind TEXT NOT NULL CHECK (kind IN ('quiz', 'card')),
                    item TEXT NOT NULL,               -- the card or question id
                    lesson TEXT NOT NULL,
                    grade INTEGER CHECK (grade BETWEEN 1 AND 4),   -- cards: 1 again … 4 easy
                    answer TEXT,                      -- quizzes: what was chosen
                    correct INTEGER NOT NULL,         -- quizzes: right; cards: not Again
                    interval_days INTEGER,            -- cards: the interval given, in days …
                    interval_seconds REAL,            -- … or a learning step, in seconds
                    duration_ms INTEGER NOT NULL
                );
                CREATE INDEX review_log_by_item ON review_log (kind, item, at);
                CREATE INDEX review_log_by_time ON review_log (at);
                CREATE TABLE quiz_round (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,
                    lesson TEXT,                      -- NULL: the mixed review
                    correct INTEGER NOT NULL,
                    total INTEGER NOT NULL
                );
                CREATE INDEX quiz_round_by_lesson ON quiz_round (lesson, at);
                CREATE TABLE lesson_progress (
                    lesson TEXT PRIMARY KEY,
                    read INTEGER NOT NULL DEFAULT 0,
                    depth TEXT,
                    position INTEGER NOT NULL DEFAULT 0,
                    last_opened REAL
                );
                CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                INSERT INTO setting (key, value) VALUES ('new_cards_per_day', '\(defaultNewCardsPerDay)');
                -- Bookkeeping: 'revision' counts writes, 'backup_revision' is the revision last backed up.
                CREATE TABLE store_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                INSERT INTO store_meta (key, value) VALUES ('revision', 0), ('backup_revision', 0);
                """)
        }
        // The lab's place (item 9 of issue 11): new columns, every existing row kept as it is.
        migrator.registerMigration("v2-lab-place") { db in
            try db.execute(sql: """
                ALTER TABLE lesson_progress ADD COLUMN lab_word INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE lesson_progress ADD COLUMN lab_cell TEXT;
                ALTER TABLE lesson_progress ADD COLUMN lab_sentence TEXT;
                """)
        }
        // v2 (issue 13): a quiz round records the depth it was drawn at. Adding a column keeps every
        // row; older rounds have none (NULL). Older backups pass through here when restored.
        migrator.registerMigration("v2-quiz-depth") { db in
            try db.execute(sql: "ALTER TABLE quiz_round ADD COLUMN depth TEXT")
        }
        registerTaskKind(&migrator)
        return migrator
    }

    // MARK: Recording

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

    private func write(_ event: ProgressEvent, _ db: Database) throws {
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

    // MARK: Cards

    /// Every card's review log, by card id, oldest first.
    private func cardLogs(_ db: Database) throws -> [String: [Review]] {
        var logs: [String: [Review]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT item, grade, at FROM review_log WHERE kind = 'card' ORDER BY at, id") {
            guard let rating = Rating(rawValue: row["grade"] ?? 0) else { continue }
            logs[row["item"], default: []].append(Review(rating, at: Date(timeIntervalSince1970: row["at"])))
        }
        return logs
    }

    private func card(_ id: String, log: [Review]) -> Card {
        scheduler.replay(cardID: StableHash.cardID(id), createdAt: log.first?.date ?? Date(timeIntervalSince1970: 0), log: log)
    }

    private func cardState(_ id: String, _ db: Database) throws -> Card {
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
    private func newCardsLeft(_ logs: [String: [Review]], now: Date, _ db: Database) throws -> Int {
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
    private func practiceDepths(_ db: Database) throws -> ProgressSnapshot {
        var snapshot = ProgressSnapshot()
        for row in try Row.fetchAll(db, sql: "SELECT lesson, depth FROM lesson_progress") {
            var progress = LessonProgress()
            progress.depth = row["depth"]
            snapshot.lessons[row["lesson"]] = progress
        }
        return snapshot
    }

    /// Cards in course order: lessons by `order`, then file order within a lesson.
    private func orderedCards(_ course: CoursePack) -> [Flashcard] {
        course.lessons.sorted { $0.order < $1.order }.flatMap { course.flashcards(for: $0.id) }
    }

    // MARK: Settings

    private func newCardsPerDay(_ db: Database) throws -> Int {
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

    // MARK: Reading

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

    /// A higher fraction right is better; at the same fraction, more questions.

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

    /// One row of the review log, oldest first.
    public struct LogEntry: Equatable, Sendable {
        public var at: Date
        public var kind: String
        public var item: String
        public var lesson: String
        public var grade: Rating?
        public var answer: String?
        public var correct: Bool
        public var interval: NextInterval?
        public var durationMs: Int
    }

    public func reviewLog() throws -> [LogEntry] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM review_log ORDER BY at, id").map { row in
                let days: Int? = row["interval_days"], seconds: Double? = row["interval_seconds"]
                return LogEntry(at: Date(timeIntervalSince1970: row["at"]), kind: row["kind"], item: row["item"],
                                lesson: row["lesson"], grade: (row["grade"] as Int?).flatMap(Rating.init(rawValue:)),
                                answer: row["answer"], correct: row["correct"],
                                interval: days.map(NextInterval.days) ?? seconds.map(NextInterval.step),
                                durationMs: row["duration_ms"])
            }
        }
    }

    /// The review log as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote
    /// or line break quoted, quotes doubled), with a header line. Times are ISO 8601 UTC.
    public func exportCSV() throws -> String {
        let header = ["time", "kind", "item", "lesson", "grade", "answer", "correct", "interval_days", "interval_seconds",
                      "duration_ms"]
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var lines = [header.map(Self.csvField).joined(separator: ",")]
        for entry in try reviewLog() {
            var days = "", seconds = ""
            switch entry.interval {
            case .days(let d)?: days = String(d)
            case .step(let s)?: seconds = String(Int(s.rounded()))
            case nil: break
            }
            let fields = [formatter.string(from: entry.at), entry.kind, entry.item, entry.lesson,
                          entry.grade.map { String($0.rawValue) } ?? "", entry.answer ?? "", entry.correct ? "1" : "0",
                          days, seconds, String(entry.durationMs)]
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
extension ProgressStore: ProgressBook {}
