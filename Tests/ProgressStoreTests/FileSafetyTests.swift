import Foundation
import GRDB
import Practice
@testable import ProgressStore
import Testing

/// Backups, restore, and what happens with a damaged, foreign or unwritable file.
@Suite struct FileSafetyTests {
    func answer(_ store: ProgressStore, _ id: String, at date: Date) throws {
        try store.record(.quizAnswer(question: id, lesson: "alpha", answer: "true", correct: true, durationMs: 1, at: date))
    }

    func items(_ store: ProgressStore) throws -> [String] { try store.reviewLog().map(\.item) }

    @Test func oneBackupADayWhenSomethingChangedKeepingSeven() throws {
        let folder = try TemporaryFolder()
        let store = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0)).store
        #expect(try store.backupIfDue(now: day(0)) == nil)           // nothing written yet
        try answer(store, "first", at: day(0))
        let made = try #require(try store.backupIfDue(now: day(0, 13)))
        #expect(made.lastPathComponent == "progress-2026-03-10.sqlite")
        try answer(store, "second", at: day(0, 14))
        #expect(try store.backupIfDue(now: day(0, 15)) == nil)      // once a day
        #expect(try store.backupIfDue(now: day(1, 9)) != nil)        // a new day, with a change
        #expect(try store.backupIfDue(now: day(2, 9)) == nil)        // a new day, nothing changed
        try answer(store, "after-midnight", at: day(2, 2))
        #expect(try store.backupIfDue(now: day(2, 2)) == nil)        // 2 am still belongs to the 11th's study day
        try answer(store, "day-2", at: day(2, 9))
        for d in 3..<12 {
            try answer(store, "day-\(d)", at: day(d))
            #expect(try store.backupIfDue(now: day(d)) != nil)
        }
        let kept = ProgressStore.backups(in: folder.url)
        #expect(kept.count == 7)
        #expect(kept.first?.day == "2026-03-21" && kept.last?.day == "2026-03-15")
        // A backup is a whole, self-contained copy made by the backup API.
        let copy = try DatabaseQueue(path: kept[0].url.path)
        let (mode, rows) = try copy.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM review_log"))
        }
        #expect(mode == "delete" && rows == 13)
        #expect(!FileManager.default.fileExists(atPath: kept[0].url.path + "-wal"))
    }

    @Test func openingMakesTheDaysBackup() throws {
        let folder = try TemporaryFolder()
        let store = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0)).store
        try answer(store, "first", at: day(0))
        _ = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(1))
        #expect(ProgressStore.backups(in: folder.url).map(\.day) == ["2026-03-11"])
    }

    @Test func restoreKeepsTheCurrentFileAside() throws {
        let folder = try TemporaryFolder()
        let store = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0)).store
        try answer(store, "backed-up", at: day(0))
        try store.backupIfDue(now: day(0))
        try answer(store, "after-backup", at: day(0, 14))
        // While a tutor has the file open, a restore would pull it from under it: refused, nothing changed.
        #expect(throws: StoreError.self) { try ProgressStore.restore("2026-03-10", directory: folder.url, now: day(0, 15)) }
        #expect(try items(store) == ["backed-up", "after-backup"])
        try store.close()
        let (backup, aside) = try ProgressStore.restore("2026-03-10", directory: folder.url, now: day(0, 15))
        #expect(backup.lastPathComponent == "progress-2026-03-10.sqlite")
        let asideURL = try #require(aside)
        #expect(asideURL.lastPathComponent == "progress.sqlite.before-restore-20260310-150000")
        // The file set aside has everything from before.
        let before = try DatabaseQueue(path: asideURL.path)
        #expect(try before.read { try String.fetchAll($0, sql: "SELECT item FROM review_log ORDER BY id") } == ["backed-up", "after-backup"])
        // A fresh open agrees, without a notice.
        let reopened = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0, 16))
        #expect(reopened.notice == nil)
        #expect(try items(reopened.store) == ["backed-up"])

        try reopened.store.close()
        #expect(throws: StoreError.self) { try ProgressStore.restore("1999-01-01", directory: folder.url) }
        // A second restore in the same second keeps both earlier files aside.
        let second = try ProgressStore.restore("2026-03-10", directory: folder.url, now: day(0, 15)).aside
        #expect(second?.lastPathComponent == "progress.sqlite.before-restore-20260310-150000-2")
        #expect(FileManager.default.fileExists(atPath: asideURL.path))
    }

    /// An empty or blank SQLite file is not a backup: restoring it would wipe the progress.
    @Test func anEmptyFileIsNotABackup() throws {
        let folder = try TemporaryFolder()
        let store = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0)).store
        try answer(store, "kept", at: day(0))
        try store.close()
        let empty = folder.url.appendingPathComponent("empty.sqlite")
        try Data().write(to: empty)
        let blank = folder.url.appendingPathComponent("blank.sqlite")
        try DatabaseQueue(path: blank.path).close()
        for path in [empty.path, blank.path] {
            #expect(throws: StoreError.self) { try ProgressStore.restore(path, directory: folder.url) }
        }
        #expect(try items(ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0)).store) == ["kept"])
    }

    /// A damaged file that another tutor still has open is left alone: this run keeps progress in
    /// memory and says why, rather than moving the file from under the other tutor.
    @Test func aDamagedFileInUseIsNotPulledFromUnderItsTutor() throws {
        let folder = try TemporaryFolder()
        let first = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0)).store
        try answer(first, "first", at: day(0))
        // Everything into the main file first, so what is read next is what gets scribbled over.
        try first.database.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        let text = Data(String(repeating: "scribbled over by some other program\n", count: 200).utf8)
        try text.write(to: folder.file)
        let (second, notice) = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0, 1))
        #expect(!second.isSaving && notice?.contains("another rnn-tutor has it open") == true, "\(notice ?? "")")
        #expect(try Data(contentsOf: folder.file) == text)
        withExtendedLifetime(first) {}
    }

    @Test func restoringOverADamagedFileMovesItAside() throws {
        let folder = try TemporaryFolder()
        let store = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0)).store
        try answer(store, "kept", at: day(0))
        try store.backupIfDue(now: day(0))
        try store.close()
        try Data("garbage".utf8).write(to: folder.file)
        let (_, aside) = try ProgressStore.restore("progress-2026-03-10.sqlite", directory: folder.url, now: day(0, 15))
        #expect(try Data(contentsOf: try #require(aside)) == Data("garbage".utf8))
        #expect(try items(ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0, 16)).store) == ["kept"])
    }

    @Test func aFileThatIsNotADatabaseIsMovedAsideAndTheBackupRestored() throws {
        let folder = try TemporaryFolder()
        let store = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0)).store
        try answer(store, "in-backup", at: day(0))
        try store.backupIfDue(now: day(0))
        try answer(store, "lost", at: day(0, 13))
        try store.close()
        let text = Data(String(repeating: "this is a shopping list, not a database\n", count: 200).utf8)
        try text.write(to: folder.file)
        let (recovered, notice) = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(1, 9))
        let message = try #require(notice)
        #expect(message.contains("is not a SQLite database"))
        #expect(message.contains("progress.sqlite.corrupt-20260311-090000"))
        #expect(message.contains("restored the backup of 2026-03-10"))
        #expect(try Data(contentsOf: folder.url.appendingPathComponent("progress.sqlite.corrupt-20260311-090000")) == text)
        #expect(try items(recovered) == ["in-backup"])
        #expect(recovered.isSaving)
    }

    @Test func aDamagedBackupIsPassedOverForAnOlderGoodOne() throws {
        let folder = try TemporaryFolder()
        let store = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0)).store
        try answer(store, "monday", at: day(0))
        try store.backupIfDue(now: day(0))
        try answer(store, "tuesday", at: day(1))
        let newest = try #require(try store.backupIfDue(now: day(1)))
        try store.close()
        try Data("scribbled over".utf8).write(to: newest)
        try Data("scribbled over".utf8).write(to: folder.file)
        let (recovered, notice) = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(2))
        #expect(notice?.contains("restored the backup of 2026-03-10") == true, "\(notice ?? "")")
        #expect(try items(recovered) == ["monday"])
    }

    @Test func withoutABackupADamagedFileLeadsToAnEmptyStoreAndSaysSo() throws {
        let folder = try TemporaryFolder()
        try Data([0x53, 0x51, 0x4C, 0x00, 0xFF, 0x13]).write(to: folder.file)
        let (store, notice) = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0))
        let message = try #require(notice)
        #expect(message.contains("is not a SQLite database") && message.contains("no good backup") && message.contains("starts empty"))
        #expect(try items(store).isEmpty)
        #expect(FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("progress.sqlite.corrupt-20260310-120000").path))
    }

    @Test func anotherProgramsDatabaseIsNotTakenOver() throws {
        let folder = try TemporaryFolder()
        let foreign = try DatabaseQueue(path: folder.file.path)
        try foreign.write { db in
            try db.execute(sql: "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup')")
        }
        try foreign.close()
        let (store, notice) = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0))
        #expect(notice?.contains("is a SQLite database but not rnn-tutor's progress") == true, "\(notice ?? "")")
        #expect(try items(store).isEmpty)
        let aside = try DatabaseQueue(path: folder.url.appendingPathComponent("progress.sqlite.corrupt-20260310-120000").path)
        #expect(try aside.read { try String.fetchOne($0, sql: "SELECT name FROM recipes") } == "soup")
    }

    @Test func aFileFailingTheIntegrityCheckIsReplaced() throws {
        let folder = try TemporaryFolder()
        let store = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0)).store
        for i in 0..<400 { try answer(store, "answer-\(i)-" + String(repeating: "x", count: 60), at: day(0)) }
        try store.backupIfDue(now: day(0))
        try store.database.writeWithoutTransaction { _ = try $0.checkpoint(.truncate) }
        try store.close()
        // Scribble over the middle of the file, leaving page 1 (header, schema, identity) intact.
        var bytes = try Data(contentsOf: folder.file)
        let pageSize = 4096
        #expect(bytes.count >= 6 * pageSize)
        for i in (3 * pageSize)..<(5 * pageSize) { bytes[i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7) }
        try bytes.write(to: folder.file)
        let (recovered, notice) = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(1))
        let message = try #require(notice)
        #expect(message.contains("integrity check") || message.contains("is damaged"), "\(message)")
        #expect(message.contains("restored the backup of 2026-03-10"))
        #expect(try recovered.reviewLog().count == 400)
    }

    /// A folder that cannot be made (its parent is a regular file: blocked even for root).
    @Test func anUnwritableFolderStillRunsAndSaysNothingIsSaved() throws {
        let folder = try TemporaryFolder()
        let blocker = folder.url.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: blocker)
        let (store, notice) = ProgressStore.open(directory: blocker.appendingPathComponent("rnn-tutor"), timeZone: utc, now: day(0))
        let message = try #require(notice)
        #expect(message.hasPrefix("cannot save progress in \(blocker.path)/rnn-tutor"))
        #expect(message.contains("nothing from this run will be saved"))
        #expect(!store.isSaving)
        try answer(store, "kept-in-memory", at: day(0))
        #expect(try items(store) == ["kept-in-memory"])
        #expect(try store.backupIfDue(now: day(1)) == nil)
    }

    /// A folder with saved progress that has become read-only: the progress is shown, nothing is written.
    @Test func aReadOnlyFolderShowsTheSavedProgress() throws {
        guard getuid() != 0 else {
            print("skipped the chmod part of the read-only check: running as root, where file modes do not block writes")
            return
        }
        let folder = try TemporaryFolder()
        let store = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(0)).store
        try answer(store, "saved", at: day(0))
        try store.close()
        try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: folder.url.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: folder.file.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.url.path) }
        let (readOnly, notice) = ProgressStore.open(directory: folder.url, timeZone: utc, now: day(1))
        #expect(notice?.contains("cannot save progress") == true, "\(notice ?? "")")
        #expect(!readOnly.isSaving)
        #expect(try items(readOnly) == ["saved"])
        try answer(readOnly, "not-saved", at: day(1))
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("backups").path))
    }
}
