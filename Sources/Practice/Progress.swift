import Course
import Foundation

/// A quiz result: how many of how many questions were right.
public struct QuizScore: Equatable, Sendable, Codable {
    public var correct: Int
    public var total: Int
    /// The depth a lesson's round was drawn at; nil for the mixed review (each lesson at its own
    /// depth) and for rounds saved before depths were recorded.
    public var depth: LessonDepth?
    public init(correct: Int, total: Int, depth: LessonDepth? = nil) {
        self.correct = correct
        self.total = total
        self.depth = depth
    }

    /// "7/10", or "7/10 at basic" when the depth is known.
    public var label: String { "\(correct)/\(total)" + (depth.map { " at \($0.rawValue)" } ?? "") }

    /// A higher share right; at the same share, more questions.
    public func isBetter(than other: QuizScore) -> Bool {
        let mine = correct * max(other.total, 1), theirs = other.correct * max(total, 1)
        return mine != theirs ? mine > theirs : total > other.total
    }
}

/// What the course screen shows for one lesson. The TUI reads it; the progress
/// store computes it.
public struct LessonProgress: Equatable, Sendable {
    /// The learner reached the end of the lesson text at some depth.
    public var read = false
    /// The depth last used ("basic", "standard" or "deep"), if the lesson was ever opened.
    public var depth: String? = nil
    /// The depth the learner practises this lesson at: the one they read it at; basic if never opened.
    public var practiceDepth: LessonDepth { depth.flatMap(LessonDepth.init(rawValue:)) ?? .basic }
    /// The first line of the lesson text shown when the learner last left it.
    public var position = 0
    /// Where the lab was left: the word under the cursor, the cell shown, and the sentence when the
    /// learner edited it (nil: the lesson's own).
    public var labWord = 0
    public var labCell: String? = nil
    public var labSentence: String? = nil
    public var bestScore: QuizScore? = nil
    public var lastScore: QuizScore? = nil
    /// Cards of this lesson due now (reviews and learning steps).
    public var cardsDue = 0
    /// Cards of this lesson never reviewed.
    public var cardsNew = 0
    /// Lab tasks of this lesson answered at least once, and those whose last answer was right.
    public var tasksTried = 0
    public var tasksRight = 0
    /// The ids of those right by their last answer (the tutor's `p` opens the next one not among them).
    public var tasksAnsweredRight: Set<String> = []
    public init() {}
}

/// Everything the course screen needs, read from the store in one go.
public struct ProgressSnapshot: Equatable, Sendable {
    /// Keyed by lesson id; a lesson with no entry has no progress yet.
    public var lessons: [String: LessonProgress] = [:]
    /// The lesson the learner was in when the tutor last closed, to resume there.
    public var lastLesson: String? = nil
    public init() {}

    /// The depth each lesson is practised at (basic for a lesson never opened).
    public func practiceDepth(of lessonID: String) -> LessonDepth { lessons[lessonID]?.practiceDepth ?? .basic }
}

/// Something the learner did that the store keeps. The TUI's update function
/// queues these; the thin layer around it hands them to the store.
public enum ProgressEvent: Equatable, Sendable {
    /// The learner is in a lesson at this depth and scroll position (sent on leaving it, or on quit).
    case position(lesson: String, depth: String, line: Int, at: Date)
    /// Where the learner left the lesson's lab: word under the cursor, cell, and an edited sentence (nil: the lesson's own).
    case lab(lesson: String, word: Int, cell: String, sentence: String?)
    /// The learner reached the end of the lesson text.
    case read(lesson: String, at: Date)
    /// One quiz answer, written as it is given. `answer` is a readable form of what was chosen.
    case quizAnswer(question: String, lesson: String, answer: String, correct: Bool, durationMs: Int, at: Date)
    /// A quiz round ended. `lesson` is nil for the mixed review across lessons.
    case quizFinished(lesson: String?, score: QuizScore, at: Date)
    /// One flashcard grade, written as it is given.
    case cardReview(card: String, lesson: String, rating: Rating, durationMs: Int, at: Date)
    /// One lab task answer. `answer` holds the learner's answer, the keyed one, the measured
    /// values and the hashes of the model files they were measured on.
    case taskAnswer(task: String, lesson: String, answer: String, correct: Bool, durationMs: Int, at: Date)
}

/// Where progress is kept, as the tutor sees it: it reads what it shows from
/// here and hands over what the learner did. The progress store implements it;
/// the tutor never touches the database itself.
public protocol ProgressBook: AnyObject {
    var scheduler: Scheduler { get }
    /// Writes each event in its own transaction, in order.
    func record(_ events: [ProgressEvent]) throws
    func snapshot(course: CoursePack, now: Date) throws -> ProgressSnapshot
    /// Cards to review now (of one lesson, or all): due ones first, then today's allowance of new ones.
    func dueCards(course: CoursePack, now: Date, lesson: String?) throws -> [Flashcard]
    /// A card as its review log leaves it.
    func card(_ id: String) throws -> Card
    /// How each question went before, for the mixed review.
    func questionHistory() throws -> [String: QuestionHistory]
}
