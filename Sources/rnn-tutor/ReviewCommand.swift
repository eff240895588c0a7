import ArgumentParser
import Course
import Foundation
import Practice
import ProgressStore

/// `rnn-tutor review --plain`: today's flashcards, one line at a time.
struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Review the flashcards due today, and today's new ones, line by line (--plain).",
        discussion: """
            Each card shows its front; press Enter to see the back, then grade how well you remembered it: \
            1 again, 2 hard, 3 good, 4 easy (or the words). Each grade shows when the card would come back. \
            q stops; every grade given so far is saved, as it is when input ends. New cards per day: 10 \
            (the store's setting). New cards come from each lesson's depth and the ones below (--depth \
            overrides it); a card already started stays in review whatever the depth.
            """)

    @Flag(help: "Line by line on standard input and output (for screen readers and scripts).") var plain = false
    @OptionGroup var practice: DepthOption
    @OptionGroup var data: DataDirectoryOption
    @OptionGroup var pack: LessonsOption

    enum Outcome { case graded(Rating), stop, endOfInput }

    func run() throws {
        guard plain else {
            throw CommandFailure("the full-screen review opens from the tutor (run `rnn-tutor`); for line-by-line cards add --plain")
        }
        let course = try pack.load()
        let store = data.openStore()
        let cards = try store.dueCards(course: course, now: Date(), lesson: nil, depth: practice.depth)
        guard !cards.isEmpty else {
            if let next = try store.nextDue(course: course, after: Date()) {
                Plain.say("No cards are due. The next one is due \(Self.when(next)).")
            } else {
                Plain.say("No cards are due, and no new cards are left for today.")
            }
            return
        }
        Plain.say("Review: \(cards.count) card\(cards.count == 1 ? "" : "s"). Enter shows the answer; then grade 1 again, 2 hard, 3 good, 4 easy; q stops (grades given so far are kept).")
        var counts: [Rating: Int] = [:]
        var queue = cards
        var ended = false
        while !ended {
            for (i, card) in queue.enumerated() {
                switch review(card, number: i + 1, of: queue.count, course: course, store: store) {
                case .graded(let rating): counts[rating, default: 0] += 1
                case .stop: ended = true
                case .endOfInput:
                    Plain.say("")
                    Plain.say("Input ended.")
                    ended = true
                }
                if ended { break }
            }
            if ended { break }
            // Cards answered Again or Hard in a long session may have come due again meanwhile.
            queue = try store.dueCards(course: course, now: Date(), lesson: nil, depth: practice.depth)
            if queue.isEmpty { break }
            Plain.say("")
            Plain.say("\(queue.count) card\(queue.count == 1 ? " is" : "s are") due again.")
        }
        let done = counts.values.reduce(0, +)
        Plain.say("")
        Plain.say("Reviewed \(done) card\(done == 1 ? "" : "s"): \(counts[.again] ?? 0) again, \(counts[.hard] ?? 0) hard, \(counts[.good] ?? 0) good, \(counts[.easy] ?? 0) easy.")
        let remaining = try store.dueCards(course: course, now: Date(), lesson: nil, depth: practice.depth).count
        if remaining > 0 {
            Plain.say("\(remaining) card\(remaining == 1 ? " is" : "s are") still due today.")
        } else if let next = try store.nextDue(course: course, after: Date()) {
            Plain.say("The next card is due \(Self.when(next)).")
        }
        _ = try? store.backupIfDue(now: Date())
    }

    func review(_ card: Flashcard, number: Int, of total: Int, course: CoursePack, store: ProgressStore) -> Outcome {
        let start = Date()
        Plain.say("")
        Plain.say("Card \(number) of \(total) (\(course.lessonTitle(card.lessonID)))")
        Plain.say("Front: \(Plain.text(card.front))")
        Plain.prompt("Press Enter to show the back:")
        guard let shown = Plain.read() else { return .endOfInput }
        if Plain.isQuit(shown) { return .stop }
        Plain.say("Back: \(Plain.text(card.back))")
        let intervals: [Rating: NextInterval]
        do {
            intervals = try store.nextIntervals(for: card.id, at: Date())
        } catch {
            Plain.warn("cannot read this card's history: \(error)")
            return .stop
        }
        let buttons = Rating.allCases.map { "\($0.rawValue) \($0.label.lowercased()) (\(intervals[$0]?.label ?? "?"))" }
        while true {
            Plain.prompt("Grade: \(buttons.joined(separator: ", ")):")
            guard let line = Plain.read() else { return .endOfInput }
            if Plain.isQuit(line) { return .stop }
            guard let rating = Self.rating(line) else {
                Plain.say("Cannot read “\(line)”: grade with 1, 2, 3 or 4 (again, hard, good, easy).")
                continue
            }
            Plain.save(.cardReview(card: card.id, lesson: card.lessonID, rating: rating,
                                   durationMs: milliseconds(since: start), at: Date()), in: store)
            Plain.say("\(rating.label): back in \(intervals[rating]?.label ?? "?").")
            return .graded(rating)
        }
    }

    static func rating(_ line: String) -> Rating? {
        if let n = Int(line) { return Rating(rawValue: n) }
        return Rating.allCases.first { $0.label.lowercased() == line.lowercased() }
    }

    /// "in 10 minutes", "on 2026-12-03".
    static func when(_ date: Date) -> String {
        let seconds = date.timeIntervalSinceNow
        if seconds < 3600 { return "in \(max(1, Int((seconds / 60).rounded(.up)))) minute\(seconds <= 60 ? "" : "s")" }
        if seconds < 86_400 { return "in \(Int((seconds / 3600).rounded())) hours" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return "on \(formatter.string(from: date))"
    }
}
