import ArgumentParser
import Foundation
import ProgressStore

/// `rnn-tutor restore`: list the daily backups, or put one back.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "List the progress backups, or restore one.",
        discussion: """
            A backup is made at most once a day, when something changed since the last one; the newest 7 \
            are kept in the data folder's backups/. Restoring keeps the current file as \
            progress.sqlite.before-restore-<time>, so a restore can itself be undone.
            """)

    @Flag(help: "List the backups (also the default without BACKUP).") var list = false
    @Argument(help: "The backup to restore: its date (2026-11-24) or file name.") var backup: String?
    @OptionGroup var data: DataDirectoryOption

    func run() throws {
        let directory = data.directory
        guard let backup, !list else {
            let backups = ProgressStore.backups(in: directory)
            guard !backups.isEmpty else {
                Plain.say("No backups in \(directory.appendingPathComponent("backups").path) yet.")
                return
            }
            for b in backups { Plain.say("\(b.day)  \(b.url.lastPathComponent)  \(b.bytes / 1024) KiB") }
            return
        }
        do {
            let (source, aside) = try ProgressStore.restore(backup, directory: directory)
            Plain.say("Restored \(source.lastPathComponent).")
            if let aside { Plain.say("The progress before it is kept as \(aside.path).") }
        } catch let error as StoreError {
            throw CommandFailure(error.message)
        } catch {
            throw CommandFailure("the restore failed: \(error)")
        }
    }
}
