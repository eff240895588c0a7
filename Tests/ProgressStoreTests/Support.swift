import Course
import Foundation
@testable import ProgressStore

/// A temporary data folder, removed at the end of the test.
final class TemporaryFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-tutor-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    var file: URL { url.appendingPathComponent(ProgressStore.fileName) }
}

let utc = TimeZone(identifier: "UTC")!

/// 2026-03-10 at `hour`:`minute` UTC, plus `days` days.
func day(_ days: Int = 0, _ hour: Int = 12, _ minute: Int = 0) -> Date {
    Date(timeIntervalSince1970: 1_773_100_800 + Double(days) * 86_400 + Double(hour) * 3600 + Double(minute) * 60)
}

/// A small course: two lessons with 8 and 6 cards and a question each.
func smallCourse() -> CoursePack {
    func lesson(_ id: String, _ order: Int) -> Lesson {
        Lesson(id: id, title: "Lesson \(id)", order: order, summary: "", lab: LabPreset(cell: .rnn, sentence: "the cat", panels: []),
               parts: [], glossary: [], references: [], fileName: "0\(order)-\(id).md")
    }
    let cards = (0..<8).map { Flashcard(id: "a-card-\($0)", front: "front \($0)", back: "back", lessonID: "alpha", depth: .basic) }
        + (0..<6).map { Flashcard(id: "b-card-\($0)", front: "front \($0)", back: "back", lessonID: "beta", depth: .basic) }
    let questions = [
        QuizQuestion(id: "a-q", lessonID: "alpha", prompt: "?", kind: .trueFalse(answer: true, whyWrong: nil), explanation: "."),
        QuizQuestion(id: "b-q", lessonID: "beta", prompt: "?", kind: .trueFalse(answer: true, whyWrong: nil), explanation: "."),
    ]
    // Listed in reverse: course order comes from `order`, not from the array.
    return CoursePack(lessons: [lesson("beta", 2), lesson("alpha", 1)], questions: questions, flashcards: cards)
}
