import ArgumentParser
import Course
import Foundation
import Practice
import ProgressStore

/// `rnn-tutor stats`: progress per lesson and review counts.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show progress per lesson: reading, quiz scores, cards due and new, reviews today and in all.")

    @OptionGroup var data: DataDirectoryOption
    @OptionGroup var pack: LessonsOption

    func run() throws {
        let course = try pack.load()
        let store = data.openStore()
        let stats = try store.stats(course: course, now: Date())
        func score(_ s: QuizScore?) -> String { s?.label ?? "-" }
        let rows = course.lessons.sorted { $0.order < $1.order }.map { lesson -> [String] in
            let p = stats.snapshot.lessons[lesson.id] ?? LessonProgress()
            let reading = p.read ? "read" : p.depth != nil ? "opened" : "-"
            let tasks = course.tasks(for: lesson.id).count
            return ["\(lesson.order)", lesson.id, reading, p.depth ?? "-", score(p.bestScore), score(p.lastScore),
                    "\(p.cardsDue)", "\(p.cardsNew)", tasks == 0 ? "-" : "\(p.tasksRight)/\(tasks)"]
        }
        // tasks: right at their last answer, of the lesson's tasks.
        let header = ["#", "lesson", "text", "depth", "best", "last", "due", "new", "tasks"]
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max()! }
        for row in [header] + rows {
            Plain.say(row.enumerated().map { column, cell in
                column == 0 || column >= 4
                    ? String(repeating: " ", count: widths[column] - cell.count) + cell
                    : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  "))
        }
        let due = stats.snapshot.lessons.values.reduce(0) { $0 + $1.cardsDue }
        let new = stats.snapshot.lessons.values.reduce(0) { $0 + $1.cardsNew }
        Plain.say("")
        Plain.say("cards due now: \(due), new today: \(new), cards started: \(stats.cardsStarted) of \(course.flashcards.count)")
        Plain.say("reviews today: \(stats.cardReviewsToday) cards, \(stats.quizAnswersToday) quiz answers, \(stats.taskAnswersToday) task answers")
        Plain.say("reviews in all: \(stats.totalCardReviews) cards, \(stats.totalQuizAnswers) quiz answers, \(stats.quizRounds) quiz rounds, \(stats.totalTaskAnswers) task answers")
        if let last = stats.snapshot.lastLesson { Plain.say("last lesson: \(last)") }
        Plain.say("progress file: \(store.directory.map { $0.appendingPathComponent(ProgressStore.fileName).path } ?? "none (not saving)")")
    }
}
