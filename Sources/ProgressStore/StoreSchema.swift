import Course
import Foundation
import GRDB
import Practice

// The schema, built up by numbered migrations (never edited once shipped: a new
// change is a new migration, so every older file upgrades in place).

extension ProgressStore {
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
}
