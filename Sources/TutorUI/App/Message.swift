import ModelFile
import Practice
import Course

/// Everything that can change the tutor's state: what the learner and the terminal do,
/// and the runtime's answers to the effects `update` asked for.
public enum Message: Equatable, Sendable {
    case key(Key)
    case resize(width: Int, height: Int)
    /// A timer beat: animations such as the backward sweep advance on it.
    case tick
    /// The tutor has just started: resume where the learner left off.
    case started
    /// The experiment worker's latest snapshot.
    case experiment(ExperimentSnapshot)
    /// The answer to `readDueCards`: the cards and each one's state (nil: they could not be read).
    case cardsDue(DueCards?)
    /// The answer to `readQuizHistory` (nil: it could not be read).
    case quizHistory([String: QuestionHistory]?)
    /// The progress as the store holds it after a save.
    case progressSaved(ProgressSnapshot)
    /// The answer to `loadModel`.
    case modelLoaded(ModelDelivery)
    /// The answer to `searchUnit`.
    case unitSearched(UnitSearchAnswer)
    /// An answer could not be written: why (the runtime keeps it and tries again on the next key).
    case notSaved(String)
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

extension Message {
    /// What the terminal read, as a message for update.
    public init(_ input: TerminalInput) {
        switch input {
        case .key(let key): self = .key(key)
        case .resize(let width, let height): self = .resize(width: width, height: height)
        case .tick: self = .tick
        }
    }
}

/// A model the runtime loaded for a lesson, or why it could not.
public struct ModelDelivery: Equatable, Sendable {
    public var name: String
    public var model: Model?
    public var problem: String?
    public init(name: String, model: Model?, problem: String? = nil) {
        self.name = name
        self.model = model
        self.problem = problem
    }
    public static func == (a: ModelDelivery, b: ModelDelivery) -> Bool {
        a.name == b.name && a.problem == b.problem && (a.model == nil) == (b.model == nil)
    }
}
