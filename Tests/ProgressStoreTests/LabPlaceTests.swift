import Foundation
import GRDB
import Practice
@testable import ProgressStore
import Testing

/// Where the lab was left (word, cell, edited sentence) is kept, and a file from before
/// the lab columns existed is migrated with every row kept.
@Suite struct LabPlaceTests {
    @Test func theLabsPlaceReachesTheSnapshot() throws {
        let store = try ProgressStore.inMemory(timeZone: utc)
        try store.record([
            .position(lesson: "alpha", depth: "deep", line: 4, at: day(0, 10)),
            .lab(lesson: "alpha", word: 9, cell: "gru", sentence: "the cat sat"),
            .lab(lesson: "beta", word: 2, cell: "lstm", sentence: nil),
        ])
        let snapshot = try store.snapshot(course: smallCourse(), now: day(0, 11))
        let alpha = try #require(snapshot.lessons["alpha"]), beta = try #require(snapshot.lessons["beta"])
        #expect(alpha.labWord == 9 && alpha.labCell == "gru" && alpha.labSentence == "the cat sat")
        #expect(alpha.depth == "deep" && alpha.position == 4)
        #expect(beta.labWord == 2 && beta.labCell == "lstm" && beta.labSentence == nil)
    }

    @Test func aFileFromBeforeTheLabColumnsKeepsEveryRow() throws {
        let folder = try TemporaryFolder()
        // A store at schema v1 only, with a row in it.
        do {
            let queue = try DatabaseQueue(path: folder.file.path)
            try ProgressStore.migrator.migrate(queue, upTo: "v1")
            try queue.write { db in
                try db.execute(sql: "INSERT INTO lesson_progress (lesson, read, depth, position, last_opened) VALUES ('alpha', 1, 'standard', 12, 5)")
            }
        }
        let (store, notice) = ProgressStore.open(directory: folder.url, timeZone: utc, now: day())
        #expect(notice == nil)
        let alpha = try #require(try store.snapshot(course: smallCourse(), now: day()).lessons["alpha"])
        #expect(alpha.read && alpha.depth == "standard" && alpha.position == 12 && alpha.labWord == 0 && alpha.labCell == nil)
    }
}
