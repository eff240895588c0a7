import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An advisory lock (flock) on a file in the data folder. Two are used:
/// - the open lock (exclusive, waited for) while a store is checked, repaired and migrated, so that
///   two tutors starting at once do not both create the schema or judge a file the other is writing;
/// - the usage lock, held shared by every open store for its whole life, and taken exclusively
///   (without waiting) by whatever replaces the file (a repair, a restore): if any tutor has the file
///   open, it is left alone rather than pulled from under that tutor.
final class FolderLock {
    private var descriptor: Int32
    /// False when the lock could not be had (busy and not waited for, or no lock file).
    var isHeld: Bool { descriptor >= 0 }

    init(_ url: URL, exclusive: Bool = true, wait: Bool = true) {
        #if canImport(Glibc)
        descriptor = Glibc.open(url.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        #else
        descriptor = Darwin.open(url.path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        #endif
        let operation = (exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB)
        // Not waiting still tries for half a second: a process this program is starting holds a copy
        // of the descriptor between fork and exec (O_CLOEXEC closes it only at exec), a blip that a
        // tutor which really has the file open, and keeps it, does not look like.
        var attempts = wait ? 1 : 50
        while descriptor >= 0 && flock(descriptor, Int32(operation)) != 0 {
            attempts -= 1
            if attempts == 0 || errno != EWOULDBLOCK {
                close(descriptor)
                descriptor = -1
            } else {
                usleep(10_000)
            }
        }
    }
    deinit { if descriptor >= 0 { close(descriptor) } }   // closing releases the lock

    static func openLock(in folder: URL) -> URL { folder.appendingPathComponent(".\(ProgressStore.fileName).lock") }
    static func usageLock(in folder: URL) -> URL { folder.appendingPathComponent(".\(ProgressStore.fileName).in-use") }
}

/// A failure of the store's file handling, in one line a learner can act on.
public struct StoreError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A daily copy of the progress file in `backups/`.
public struct StoreBackup: Equatable, Sendable {
    public var url: URL
    /// `YYYY-MM-DD`, the study day it was made in (a day runs from 4 am to 4 am local time).
    public var day: String
    public var bytes: Int
}

extension ProgressStore {
    /// Backups kept: the newest this many days that had changes.
    public static let backupsKept = 7

    /// The store in `directory` (default: `defaultDirectory()`), and a one-line notice for the learner when
    /// something was not as expected: the file was damaged or not ours (moved aside, and the newest good
    /// backup restored, or an empty store started), or the folder cannot be written (progress is then kept
    /// in memory for this run only). Never fails: the tutor always gets a store.
    public static func open(directory: URL? = nil, timeZone: TimeZone = .current,
                            now: Date = Date()) -> (store: ProgressStore, notice: String?) {
        let folder = directory ?? defaultDirectory()
        let file = folder.appendingPathComponent(fileName)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            return memoryFallback(folder, reason: "the folder cannot be created (\(whyNotCreatable(folder) ?? reason(error)))",
                                  timeZone: timeZone)
        }
        guard FileManager.default.isWritableFile(atPath: folder.path) else {
            return memoryFallback(folder, reason: "the folder is read-only", timeZone: timeZone)
        }
        // Held until this function returns. Without it (a lock file that cannot be made) opening still works.
        let lock = FolderLock(FolderLock.openLock(in: folder))
        defer { withExtendedLifetime(lock) {} }
        var notice: String?
        let health: FileHealth
        do {
            health = try inspect(file)
        } catch {
            return memoryFallback(folder, reason: "\(fileName) cannot be read (\(reason(error)))", timeZone: timeZone)
        }
        if case .bad(let what) = health {
            // Another tutor with this file open would go on writing into the file moved aside.
            let replacing = FolderLock(FolderLock.usageLock(in: folder), exclusive: true, wait: false)
            guard replacing.isHeld else {
                return memoryFallback(folder, reason: "\(fileName) \(what), but another rnn-tutor has it open; close it and "
                                      + "start again so the file can be repaired", timeZone: timeZone)
            }
            defer { withExtendedLifetime(replacing) {} }
            let aside: URL
            do {
                aside = try moveAside(file, label: "corrupt", now: now)
            } catch {
                return memoryFallback(folder, reason: "\(fileName) \(what) and cannot be moved aside (\(reason(error)))",
                                      timeZone: timeZone)
            }
            notice = "\(file.path) \(what); moved it aside as \(aside.lastPathComponent)"
            if let backup = backups(in: folder).first(where: { isProgressBackup($0.url) }) {
                do {
                    try copyDatabase(from: backup.url, to: file)
                    notice! += " and restored the backup of \(backup.day) (anything done after that backup is not in it)"
                } catch {
                    try? FileManager.default.removeItem(at: file)
                    notice! += "; the backup of \(backup.day) could not be restored (\(reason(error))), so progress starts empty"
                }
            } else {
                notice! += "; there is no good backup, so progress starts empty"
            }
        }
        do {
            let queue = try DatabaseQueue(path: file.path, configuration: configuration())
            try migrator.migrate(queue)
            // Migrating an up-to-date file writes nothing: prove that writing works now, not at the first answer.
            try queue.write { db in try db.execute(sql: "UPDATE store_meta SET value = value WHERE key = 'revision'") }
            let store = ProgressStore(database: queue, directory: folder, timeZone: timeZone)
            store.usageLock = FolderLock(FolderLock.usageLock(in: folder), exclusive: false, wait: true)
            do {
                try store.backupIfDue(now: now)
            } catch {
                notice = [notice, "the daily backup could not be made (\(reason(error)))"].compactMap { $0 }.joined(separator: "; ")
            }
            return (store, notice)
        } catch {
            let fallback = memoryFallback(folder, reason: "\(fileName) cannot be written (\(reason(error)))", timeZone: timeZone)
            return (fallback.store, [notice, fallback.notice].compactMap { $0 }.joined(separator: "; "))
        }
    }

    /// This run keeps progress in memory, starting from what the file holds when it can be read.
    private static func memoryFallback(_ folder: URL, reason: String, timeZone: TimeZone) -> (store: ProgressStore, notice: String?) {
        let memory: DatabaseQueue
        var loaded = false
        do {
            memory = try DatabaseQueue(configuration: configuration())
            loaded = (try? loadCopy(of: folder.appendingPathComponent(fileName), into: memory)) == true
            try migrator.migrate(memory)
        } catch {
            // An in-memory database that cannot be made is a broken SQLite: nothing can run.
            fatalError("rnn-tutor: cannot create an in-memory SQLite database: \(error)")
        }
        let store = ProgressStore(database: memory, directory: nil, timeZone: timeZone)
        let shown = loaded ? "your saved progress is shown, but " : ""
        return (store, "cannot save progress in \(folder.path): \(reason); \(shown)nothing from this run will be saved")
    }

    /// Reads a progress file that cannot be opened in place (its folder is read-only, so SQLite cannot
    /// make its lock files) by copying it, with its write-ahead log, to a temporary folder first.
    private static func loadCopy(of file: URL, into memory: DatabaseQueue) throws -> Bool {
        guard FileManager.default.isReadableFile(atPath: file.path) else { return false }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-tutor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let copy = scratch.appendingPathComponent(fileName)
        try FileManager.default.copyItem(at: file, to: copy)
        if FileManager.default.isReadableFile(atPath: file.path + "-wal") {
            try FileManager.default.copyItem(atPath: file.path + "-wal", toPath: copy.path + "-wal")
        }
        guard try inspect(copy) == .good else { return false }
        let source = try DatabaseQueue(path: copy.path)
        defer { try? source.close() }
        try source.backup(to: memory)
        return true
    }

    /// Why a folder cannot be made, in words (Foundation's error says only "error 512").
    static func whyNotCreatable(_ folder: URL) -> String? {
        var ancestor = folder.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: ancestor.path) && ancestor.path != "/" { ancestor.deleteLastPathComponent() }
        var isFolder: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isFolder)
        if !isFolder.boolValue { return "\(ancestor.path) is a file, not a folder" }
        if !FileManager.default.isWritableFile(atPath: ancestor.path) { return "\(ancestor.path) cannot be written" }
        return nil
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        if let error = error as? StoreError { return error.message }
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }

    enum FileHealth: Equatable {
        case good
        /// What is wrong, as the end of a sentence starting with the file name: "is not a SQLite database".
        case bad(String)
    }

    /// Whether `file` is a progress store (or absent or empty, which SQLite treats as a new database).
    /// Throws only when the file cannot be opened at all (permissions, I/O).
    static func inspect(_ file: URL) throws -> FileHealth {
        guard FileManager.default.fileExists(atPath: file.path) else { return .good }
        if let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int, size == 0 { return .good }
        do {
            let queue = try DatabaseQueue(path: file.path, configuration: configuration(readonly: true))
            defer { try? queue.close() }
            return try queue.read { db in
                let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let tables = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") ?? 0
                if id != applicationID {
                    if id == 0 && tables == 0 { return .good }
                    return .bad("is a SQLite database but not rnn-tutor's progress (application id \(id))")
                }
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                guard check == ["ok"] else {
                    return .bad("failed SQLite's integrity check (\(check.first ?? "no result"))")
                }
                return .good
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            return .bad("is not a SQLite database")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT {
            return .bad("is damaged (\(error.message ?? "SQLITE_CORRUPT"))")
        }
    }

    /// Whether `file` holds rnn-tutor progress: unlike a live file, an empty or blank one does not count.
    static func isProgressBackup(_ file: URL) -> Bool {
        guard (try? inspect(file)) == .good, let queue = try? DatabaseQueue(path: file.path, configuration: configuration(readonly: true))
        else { return false }
        defer { try? queue.close() }
        return (try? queue.read { try Int32.fetchOne($0, sql: "PRAGMA application_id") }) == applicationID
    }

    /// `20261126-001500`: UTC, for file names that sort by time.
    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: date)
    }

    /// Renames `file` (with its -wal and -shm companions) to `file.label-<time>`; returns the new name.
    static func moveAside(_ file: URL, label: String, now: Date) throws -> URL {
        let aside = unusedName(file, label: label, now: now)
        try FileManager.default.moveItem(at: file, to: aside)
        for companion in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: file.path + companion) {
            try FileManager.default.moveItem(atPath: file.path + companion, toPath: aside.path + companion)
        }
        return aside
    }

    /// `file.label-<time>`, with -2, -3… added until no file has the name.
    static func unusedName(_ file: URL, label: String, now: Date) -> URL {
        var name = URL(fileURLWithPath: file.path + ".\(label)-\(stamp(now))")
        var n = 2
        while FileManager.default.fileExists(atPath: name.path) {
            name = URL(fileURLWithPath: file.path + ".\(label)-\(stamp(now))-\(n)")
            n += 1
        }
        return name
    }

    /// Copies the database `source` into a new file `target` with SQLite's backup API, as one file
    /// (journal mode DELETE), through a temporary name so `target` is never half written.
    static func copyDatabase(from source: URL, to target: URL) throws {
        let reader = try DatabaseQueue(path: source.path, configuration: configuration(readonly: true))
        defer { try? reader.close() }
        try copyDatabase(reader, to: target)
    }

    static func copyDatabase(_ reader: some DatabaseReader, to target: URL) throws {
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
        defer { try? FileManager.default.removeItem(at: temporary) }
        let writer = try DatabaseQueue(path: temporary.path)
        try reader.backup(to: writer)
        try writer.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
        try writer.close()
        // rename(2) replaces the target in one step: there is never a moment without a file.
        guard rename(temporary.path, target.path) == 0 else {
            throw StoreError("cannot put \(target.lastPathComponent) in place (\(String(cString: strerror(errno))))")
        }
    }

    // MARK: Backups

    /// The backups in `directory/backups`, newest first.
    public static func backups(in directory: URL) -> [StoreBackup] {
        let folder = directory.appendingPathComponent("backups")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.compactMap { name -> StoreBackup? in
            guard name.hasPrefix("progress-"), name.hasSuffix(".sqlite") else { return nil }
            let day = String(name.dropFirst("progress-".count).dropLast(".sqlite".count))
            guard day.count == 10, day.split(separator: "-").count == 3 else { return nil }
            let url = folder.appendingPathComponent(name)
            let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            return StoreBackup(url: url, day: day, bytes: bytes)
        }.sorted { $0.day > $1.day }
    }

    /// Makes today's backup when there is none yet and something changed since the last one; keeps
    /// the newest `backupsKept`. Returns the backup made, if any. A store in memory makes none.
    @discardableResult
    public func backupIfDue(now: Date) throws -> URL? {
        guard let directory else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = scheduler.day.timeZone
        // Named by study day (4 am to 4 am), like everything else the learner sees: a session past
        // midnight belongs to the evening's backup.
        let studyDayStart = scheduler.day.start(of: scheduler.day.number(of: now))
        let parts = calendar.dateComponents([.year, .month, .day], from: studyDayStart)
        let day = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
        let folder = directory.appendingPathComponent("backups")
        let target = folder.appendingPathComponent("progress-\(day).sqlite")
        guard !FileManager.default.fileExists(atPath: target.path) else { return nil }
        let (revision, backedUp) = try database.read { db in
            (try Int.fetchOne(db, sql: "SELECT value FROM store_meta WHERE key = 'revision'") ?? 0,
             try Int.fetchOne(db, sql: "SELECT value FROM store_meta WHERE key = 'backup_revision'") ?? 0)
        }
        guard revision != backedUp else { return nil }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Self.copyDatabase(database, to: target)
        try database.write { db in
            try db.execute(sql: "UPDATE store_meta SET value = ? WHERE key = 'backup_revision'", arguments: [revision])
        }
        for old in Self.backups(in: directory).dropFirst(Self.backupsKept) {
            try? FileManager.default.removeItem(at: old.url)
        }
        return target
    }

    /// Replaces the progress in `directory` with a backup (`progress-YYYY-MM-DD.sqlite`, its day
    /// `YYYY-MM-DD`, or a path), keeping the current file as `progress.sqlite.before-restore-<time>`.
    /// Returns the backup used and where the current file went (nil if there was none).
    @discardableResult
    public static func restore(_ backup: String, directory: URL, now: Date = Date()) throws -> (backup: URL, aside: URL?) {
        // No tutor may have the file open meanwhile: its next answer would land between the copy set
        // aside and the restored file, in neither.
        let opening = FolderLock(FolderLock.openLock(in: directory))
        let replacing = FolderLock(FolderLock.usageLock(in: directory), exclusive: true, wait: false)
        defer { withExtendedLifetime((opening, replacing)) {} }
        guard replacing.isHeld || !FileManager.default.fileExists(atPath: FolderLock.usageLock(in: directory).path) else {
            throw StoreError("another rnn-tutor is using this progress; close it, then restore (nothing was changed)")
        }
        let known = backups(in: directory)
        let source: URL
        if let found = known.first(where: { $0.day == backup || $0.url.lastPathComponent == backup }) {
            source = found.url
        } else if backup.contains("/"), FileManager.default.fileExists(atPath: backup) {
            source = URL(fileURLWithPath: backup)
        } else {
            let list = known.isEmpty ? "there are none" : "there are " + known.map(\.day).joined(separator: ", ")
            throw StoreError("no backup \(backup) in \(directory.appendingPathComponent("backups").path) (\(list))")
        }
        guard isProgressBackup(source) else {
            throw StoreError("\(source.path) is not a good progress backup; nothing was changed")
        }
        let file = directory.appendingPathComponent(fileName)
        var aside: URL?
        if FileManager.default.fileExists(atPath: file.path) {
            if (try? inspect(file)) == .good {
                // Copy the current progress aside and write the backup into the live file with the backup
                // API, so a tutor that has it open sees the restored progress rather than a deleted file.
                let name = unusedName(file, label: "before-restore", now: now)
                let current = try DatabaseQueue(path: file.path, configuration: configuration())
                defer { try? current.close() }
                try copyDatabase(current, to: name)
                aside = name
                let reader = try DatabaseQueue(path: source.path, configuration: configuration(readonly: true))
                defer { try? reader.close() }
                try reader.backup(to: current)
                try migrator.migrate(current)
                // Changed since the last backup: tomorrow's backup is due again.
                try current.write { db in
                    try db.execute(sql: "UPDATE store_meta SET value = value + 1 WHERE key = 'revision'")
                }
                return (source, aside)
            }
            aside = try moveAside(file, label: "before-restore", now: now)
        }
        try copyDatabase(from: source, to: file)
        return (source, aside)
    }
}
