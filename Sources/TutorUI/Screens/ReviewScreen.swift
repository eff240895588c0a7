import Course
import Foundation
import Practice

/// A flashcard review: the front, Space shows the back, then a grade 1–4 whose
/// buttons say when the card would come back (FSRS-6, as the store schedules it).
public struct ReviewSession: Equatable, Sendable {
    public var title: String
    public var queue: [Flashcard]
    public var index = 0
    public var flipped = false
    /// What each grade would give the current card, computed when it is shown.
    public var intervals: [Rating: NextInterval] = [:]
    /// Each queued card as its review log left it when the session read it.
    public var states: [String: Card] = [:]
    public var counts: [Rating: Int] = [:]
    /// Cards graded into a learning step: they come back in minutes.
    public var comingBackToday = 0
    public var shownAt: Date
    /// The lesson whose cards these are (nil: every lesson).
    public var lesson: String? = nil
    /// When the finished session last looked for cards that have come due again.
    public var checkedAt = Date.distantPast

    public var current: Flashcard? { queue.indices.contains(index) ? queue[index] : nil }
    public var isFinished: Bool { index >= queue.count }
}

/// Opens a review of the cards due now (of one lesson, or all): the store is asked
/// for them, and `cardsDue` opens the screen with its answer.
func startReview(_ state: inout TutorState, lesson: Lesson?) -> [Effect] {
    guard state.scheduler != nil else { state.status = "progress is not available, so there is nothing to review"; return [] }
    return [.readDueCards(lesson: lesson?.id)]
}

/// The store's answer: open the review, or (a finished session on its summary) take
/// back the cards whose learning step has passed.
func cardsDue(_ state: inout TutorState, _ due: DueCards?) {
    guard let due else { state.status = "could not read the cards from the progress store"; return }
    if var review = state.review {
        guard review.isFinished, !due.cards.isEmpty else { return }
        review.queue += due.cards
        review.states.merge(due.states) { _, new in new }
        review.comingBackToday = max(0, review.comingBackToday - due.cards.count)
        state.review = review
        showCard(&state)
        state.status = counted(due.cards.count, "card is", plural: "cards are") + " due again · Space shows the answer"
        return
    }
    guard !due.cards.isEmpty else {
        state.status = (due.lesson == nil ? "nothing to review now" : "nothing to review in this lesson now")
            + ": no card is due, and no new card is left in today's allowance (rnn-tutor settings --new-cards-per-day)"
        return
    }
    let title = due.lesson.flatMap { id in state.course.lessons.first { $0.id == id } }.map { "Cards: \($0.title)" } ?? "Cards due"
    state.open(.review(ReviewSession(title: title, queue: due.cards, states: due.states, shownAt: state.now, lesson: due.lesson)))
    showCard(&state)
}

/// What each grade would give `card` now, as the store will schedule it.
private func intervals(_ state: TutorState, for card: Flashcard, in review: ReviewSession) -> [Rating: NextInterval] {
    guard let scheduler = state.scheduler, let cardState = review.states[card.id] else { return [:] }
    return scheduler.nextIntervals(for: cardState, at: state.now)
}

/// Shows the current card's front.
private func showCard(_ state: inout TutorState) {
    guard var review = state.review, let card = review.current else { return }
    review.flipped = false
    review.shownAt = state.now
    review.intervals = intervals(state, for: card, in: review)
    state.review = review
    state.status = "Space shows the answer · q: stop (grades so far are kept)"
}

func reviewKey(_ state: inout TutorState, _ key: Key) -> [Effect] {
    guard var review = state.review else { return [] }
    let action = state.action(for: key)
    if action == .back || (review.isFinished && key == .enter) {
        state.goBack()
        state.status = "review closed; every grade given is saved"
        return []
    }
    guard let card = review.current else { return [] }
    if !review.flipped {
        if action == .showAnswer {
            review.flipped = true
            // The intervals as of now, the moment closest to the grade (the study day may have turned).
            review.intervals = intervals(state, for: card, in: review)
            state.review = review
            state.status = "how well did you know it? 1 Again · 2 Hard · 3 Good · 4 Easy"
        }
        return []
    }
    let grades: [Action: Rating] = [.gradeAgain: .again, .gradeHard: .hard, .gradeGood: .good, .gradeEasy: .easy]
    guard let rating = action.flatMap({ grades[$0] }) else { return [] }
    let duration = Int((state.now.timeIntervalSince(review.shownAt) * 1000).rounded())
    review.counts[rating, default: 0] += 1
    if case .step? = review.intervals[rating] { review.comingBackToday += 1 }
    review.index += 1
    state.review = review
    if review.isFinished {
        state.status = "done · Enter or q: back"
    } else {
        showCard(&state)
    }
    return [.record(.cardReview(card: card.id, lesson: card.lessonID, rating: rating, durationMs: max(0, duration), at: state.now))]
}

/// On a timer beat: a finished session that waits on its summary takes back the
/// cards whose learning step has passed, so a learner who stays sees them again.
/// (Grades are in the store by then: the runtime saves them before it reads.)
func reviewTick(_ state: inout TutorState) -> [Effect] {
    guard var review = state.review, review.isFinished,
          state.now.timeIntervalSince(review.checkedAt) >= 5 else { return [] }
    review.checkedAt = state.now
    state.review = review
    return [.readDueCards(lesson: review.lesson)]
}

enum ReviewScreen {
    static func draw(_ state: TutorState, in rect: Rect, on grid: inout CellGrid) {
        guard let review = state.review else { return }
        let area = Rect(x: rect.x + 2, y: rect.y, width: max(0, min(rect.width - 4, 100)), height: rect.height)
        var page = Page(width: area.width, ascii: state.ascii)
        defer { page.draw(in: area, on: &grid) }
        if review.isFinished {
            page.add(review.title + " · done", Style(bold: true))
            page.gap()
            let total = review.counts.values.reduce(0, +)
            page.add("You reviewed \(counted(total, "card")).", Style(bold: true))
            page.add(Rating.allCases.map { "\($0.label) \(review.counts[$0] ?? 0)" }.joined(separator: " · "))
            if review.comingBackToday > 0 {
                page.add(counted(review.comingBackToday, "card is", plural: "cards are") + " still being learnt and "
                         + "come\(review.comingBackToday == 1 ? "s" : "") back in a few minutes: stay on this screen and "
                         + "\(review.comingBackToday == 1 ? "it appears" : "they appear") when due, or review again later.",
                         Style(dim: true))
            }
            return
        }
        guard let card = review.current else { return }
        let lesson = state.course.lessons.first { $0.id == card.lessonID }?.title ?? card.lessonID
        page.add("\(review.title) · card \(review.index + 1) of \(review.queue.count) · \(lesson)", Style(bold: true))
        page.gap()
        page.add(Inline.parse(card.front).plainText, Style(bold: true))
        page.gap()
        guard review.flipped else {
            page.add("(Space shows the answer)", Style(dim: true))
            return
        }
        page.add(Inline.parse(card.back).plainText)
        page.gap()
        page.anchorHere()
        for rating in Rating.allCases {
            page.add("\(rating.rawValue) \(rating.label)" + (review.intervals[rating].map { " (\($0.label))" } ?? ""),
                     Style(foreground: .cyan, bold: true))
        }
    }
}
