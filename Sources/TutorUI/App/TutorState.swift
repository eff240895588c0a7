import Course
import Foundation
import Lab
import ModelFile
import Practice
import RNNCore
import Trace

/// Everything the tutor shows, in one plain value. Only `update` changes it; `view`
/// draws it; the store and the training thread sit in `TutorRuntime`, never here.
public struct TutorState: Equatable, Sendable {
    /// The screen in view, carrying its session: a quiz screen always has its quiz.
    ///
    /// To add a screen: a case here with its session (a plain `Equatable` value), a `Kind`
    /// case, a file under Screens/ holding the session, its keys (`fooKey(&state, key) -> [Effect]`)
    /// and its drawing, one line in `update`'s and in `view`'s switch, and a key table
    /// (Keymap.Mode) picked in `keymapMode`. Open it with `state.open(.foo(session))`
    /// (the screen it came from waits on the return stack) and leave with `state.goBack()`.
    public enum Screen: Equatable, Sendable {
        case course
        case lesson(LessonSession)
        case quiz(QuizSession)
        case review(ReviewSession)
        /// The adding race or the gradient explorer.
        case experiment(ExperimentSession)
        case faq(FAQSession)

        /// Which screen, without its session (for tests and status lines).
        public enum Kind: Equatable, Sendable { case course, lesson, quiz, review, experiment, faq }
        public var kind: Kind {
            switch self {
            case .course: .course
            case .lesson: .lesson
            case .quiz: .quiz
            case .review: .review
            case .experiment: .experiment
            case .faq: .faq
            }
        }
    }

    public let course: CoursePack
    /// The loaded models by cell type, with their packed heads.
    public private(set) var models: LoadedModels
    public internal(set) var screen: Screen = .course
    /// The screens a link, a quiz, a review, an experiment or a lesson opened from the FAQ
    /// was opened over, innermost last: Esc (`goBack`) returns to the last one, at the same place.
    /// The course is the root and is never on it.
    public internal(set) var returnStack: [Screen] = []
    /// The key table drawn over whatever screen is in view; any key closes it.
    public var showHelp = false
    /// The course screen's chosen lesson (and the lesson in view while one is).
    public var selectedLesson = 0
    /// What a lesson the learner has not opened before starts at: the depth and the cell last used.
    public var readingDepth: LessonDepth = .basic
    public var lastModelIndex = 0
    public var width: Int
    public var height: Int
    public var ascii: Bool
    public var color: Bool
    public static let courseStatus = Keymap.hint(.course, [([.open], "opens a lesson"), ([.faq], "questions and answers"),
                                                           ([.help], "help"), ([.quit], "quits")])
    public var status = TutorState.courseStatus
    public var quit = false

    /// Something about the saved progress the learner must know (a damaged file replaced, nothing
    /// being saved): the course screen keeps it in view, and the status line shows it at start.
    public var notice: String? = nil
    /// The learner's progress as last read from the store; the course screen shows it.
    public var progress = ProgressSnapshot()
    /// How the store schedules cards, for the review's grade buttons (nil: no progress is kept).
    public var scheduler: Scheduler? = nil
    /// Set by the runtime before each message: update itself never reads a clock.
    public var now = Date(timeIntervalSince1970: 0)
    /// The lesson text as last wrapped (`lessonLines`), kept by `update`.
    var wrappedLessonText: WrappedLessonText? = nil

    public init(course: CoursePack, models: [Model], modelNames: [String?] = [], modelHashes: [FileHash] = [], width: Int,
                height: Int, ascii: Bool, color: Bool, progress: ProgressSnapshot = ProgressSnapshot()) {
        self.course = course
        self.progress = progress
        self.models = LoadedModels(models, names: modelNames, hashes: modelHashes)
        self.width = width
        self.height = height
        self.ascii = ascii
        self.color = color
    }

    /// Whether something moves on the timer beats (the backward sweep, a training run, a finished
    /// review waiting for its cards to come back), so every beat redraws.
    public var isAnimating: Bool {
        (lessonSession?.sweepFrom != nil && lessonSession?.task?.holdsSweep != true) || lessonSession?.task?.isActing == true
            || lessonSession?.instruments.isAnimating == true || experiment?.isRunning == true || review?.isFinished == true
    }

    /// The lesson in view, else the one chosen on the course screen.
    public var lesson: Lesson? {
        let index = lessonSession?.lessonIndex ?? selectedLesson
        return course.lessons.indices.contains(index) ? course.lessons[index] : nil
    }
    /// The lesson's model (the cell last used when no lesson is in view).
    public var model: Model? {
        let index = lessonSession?.modelIndex ?? lastModelIndex
        return models.indices.contains(index) ? models[index].model : nil
    }

    /// A model loaded after start (a lesson's `model:`).
    mutating func addModel(_ model: Model, name: String) { models = models.adding(model, name: name) }

    // MARK: Moving between screens

    /// Opens `next` over the screen in view, which waits on the return stack (the course is the root).
    mutating func open(_ next: Screen) {
        if screen != .course { returnStack.append(screen) }
        screen = next
    }

    /// Leaves the screen in view for the one it was opened over (the course when none).
    mutating func goBack() {
        screen = returnStack.popLast() ?? .course
        if var lesson = lessonSession {
            // The window may have been resized while the lesson waited.
            selectedLesson = lesson.lessonIndex
            lesson.textScroll = min(lesson.textScroll, maximumTextScroll)
            lessonSession = lesson
        }
    }

    // MARK: The sessions, by screen (nil on another screen; setting one changes only its own screen)

    public internal(set) var lessonSession: LessonSession? {
        get { if case .lesson(let session) = screen { session } else { nil } }
        set { if let newValue, case .lesson = screen { screen = .lesson(newValue) } }
    }
    public internal(set) var quiz: QuizSession? {
        get { if case .quiz(let session) = screen { session } else { nil } }
        set { if let newValue, case .quiz = screen { screen = .quiz(newValue) } }
    }
    public internal(set) var review: ReviewSession? {
        get { if case .review(let session) = screen { session } else { nil } }
        set { if let newValue, case .review = screen { screen = .review(newValue) } }
    }
    public internal(set) var experiment: ExperimentSession? {
        get { if case .experiment(let session) = screen { session } else { nil } }
        set { if let newValue, case .experiment = screen { screen = .experiment(newValue) } }
    }
    public internal(set) var faq: FAQSession? {
        get { if case .faq(let session) = screen { session } else { nil } }
        set { if let newValue, case .faq = screen { screen = .faq(newValue) } }
    }
}
