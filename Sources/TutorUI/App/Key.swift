import Practice
import Course

/// A key press, as the update function sees it (the terminal layer translates).
public enum Key: Equatable, Sendable {
    case character(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case enter, escape, tab, backspace, delete
    case controlC
}

/// Everything that can change the tutor's state.
public enum Message: Equatable, Sendable {
    case key(Key)
    case resize(width: Int, height: Int)
    /// A timer beat: animations such as the backward sweep advance on it.
    case tick
    /// The tutor has just started: resume where the learner left off.
    case started
    /// The experiment worker's latest snapshot.
    case experiment(RaceSnapshot)
    /// The store's answer to `readDueCards`: the cards and each one's state (nil: it could not be read).
    case cardsDue(DueCards?)
    /// The store's answer to `readQuizHistory` (nil: it could not be read).
    case quizHistory([String: QuestionHistory]?)
}

/// Cards due now with the states their review logs leave them in (for the grade buttons).
public struct DueCards: Equatable, Sendable {
    public var lesson: String?
    public var cards: [Flashcard]
    public var states: [String: Card]
    public init(lesson: String?, cards: [Flashcard], states: [String: Card]) {
        self.lesson = lesson
        self.cards = cards
        self.states = states
    }
}
