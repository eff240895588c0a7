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
}

extension ProgressStore: ProgressBook {}
