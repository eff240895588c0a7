import GRDB
import Practice

extension ProgressStore {
    /// `review_log.kind` allowed only 'quiz' and 'card'. SQLite cannot change a CHECK constraint in
    /// place, so the table is rebuilt with 'task' allowed: every row is copied with its id, and the
    /// AUTOINCREMENT counter is carried over so that no id is ever handed out twice. A backup made
    /// before this migration is migrated when it is restored or opened (both run the migrator).
    static func registerTaskKind(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-review-log-task-kind") { db in
            let counter = try Int.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'review_log'") ?? 0
            try db.execute(sql: """
                CREATE TABLE review_log_with_tasks (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,                 -- seconds since 1970-01-01 UTC
                    kind TEXT NOT NULL CHECK (kind IN ('quiz', 'card', 'task')),
                    item TEXT NOT NULL,               -- the card, question or task id
                    lesson TEXT NOT NULL,
                    grade INTEGER CHECK (grade BETWEEN 1 AND 4),   -- cards: 1 again … 4 easy
                    answer TEXT,                      -- quizzes: what was chosen; tasks: answer, key, measured values, model hashes
                    correct INTEGER NOT NULL,         -- quizzes and tasks: right; cards: not Again
                    interval_days INTEGER,            -- cards: the interval given, in days …
                    interval_seconds REAL,            -- … or a learning step, in seconds
                    duration_ms INTEGER NOT NULL
                );
                """)
            // Every column by name, so that a column another migration added comes along too.
            let columns = try db.columns(in: "review_log").map { "\"\($0.name)\"" }
            let added = Set(try db.columns(in: "review_log").map(\.name))
                .subtracting(try db.columns(in: "review_log_with_tasks").map(\.name))
            for column in try db.columns(in: "review_log") where added.contains(column.name) {
                try db.execute(sql: "ALTER TABLE review_log_with_tasks ADD COLUMN \"\(column.name)\" \(column.type)"
                               + (column.defaultValueSQL.map { " DEFAULT \($0)" } ?? ""))
            }
            let list = columns.joined(separator: ", ")
            try db.execute(sql: """
                INSERT INTO review_log_with_tasks (\(list)) SELECT \(list) FROM review_log;
                DROP TABLE review_log;
                ALTER TABLE review_log_with_tasks RENAME TO review_log;
                CREATE INDEX review_log_by_item ON review_log (kind, item, at);
                CREATE INDEX review_log_by_time ON review_log (at);
                """)
            try db.execute(sql: "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'review_log'", arguments: [counter])
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_sequence WHERE name = 'review_log'") == 0 && counter > 0 {
                try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('review_log', ?)", arguments: [counter])
            }
        }
    }

    /// Each lesson's tasks tried and, by their last answer, right.
    func countTasks(into snapshot: inout ProgressSnapshot, _ db: Database) throws {
        var last: [String: (lesson: String, correct: Bool)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT item, lesson, correct FROM review_log WHERE kind = 'task' ORDER BY at, id") {
            last[row["item"]] = (row["lesson"], row["correct"])
        }
        for (task, entry) in last {
            guard snapshot.lessons[entry.lesson] != nil else { continue }   // a task of a lesson no longer in the course
            snapshot.lessons[entry.lesson]!.tasksTried += 1
            if entry.correct {
                snapshot.lessons[entry.lesson]!.tasksRight += 1
                snapshot.lessons[entry.lesson]!.tasksAnsweredRight.insert(task)
            }
        }
    }
}
