import ArgumentParser
import Foundation
import Practice
import ProgressStore

/// A hidden command for the tests: writes many quiz answers one transaction at a time, so two of
/// these at once on one data folder show that concurrent tutors never overwrite each other.
struct StoreDriveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-drive", abstract: "Write test answers into the store (for tests).", shouldDisplay: false)

    @Option var count = 100
    @Option var tag = "drive"
    @OptionGroup var data: DataDirectoryOption

    func run() throws {
        let store = data.openStore()
        guard store.isSaving else { throw CommandFailure("the store is not saving") }
        for i in 0..<count {
            try store.record(.quizAnswer(question: "\(tag)-\(i)", lesson: "drive", answer: "option 1", correct: i % 2 == 0,
                                         durationMs: i, at: Date()))
        }
    }
}
