import ArgumentParser
import Foundation
import ProgressStore

/// `rnn-tutor settings`: shows, and with an option changes, what the progress store keeps as settings.
struct SettingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settings",
        abstract: "Show or change the learner's settings (kept with the progress).")

    @Option(name: .customLong("new-cards-per-day"), help: "How many never-seen flashcards a study day may introduce (0 to 1000).")
    var newCardsPerDay: Int?
    @OptionGroup var data: DataDirectoryOption

    func validate() throws {
        if let n = newCardsPerDay, !(0...1000).contains(n) {
            throw ValidationError("--new-cards-per-day takes a whole number from 0 to 1000")
        }
    }

    func run() throws {
        let store = data.openStore()
        if let n = newCardsPerDay {
            guard store.isSaving else { throw CommandFailure("the progress folder cannot be written, so the setting cannot be kept") }
            try store.setNewCardsPerDay(n)
        }
        print("new cards per day: \(try store.newCardsPerDay())")
        print("progress folder: \(data.directory.path)")
    }
}
