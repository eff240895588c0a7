import Course
import Foundation
import ModelFile
import Practice
import RNNCore
import Trace

/// Everything the tutor shows, in one value. Only `update` changes it; `view`
/// draws it.
public struct TutorState {
    public enum Screen: Equatable, Sendable { case course, lesson, quiz, cards, experiment, faq }
    public enum Focus: Equatable, Sendable { case text, panels }

    public let course: CoursePack
    /// The loaded models by cell type, with their packed heads (packed once: a trace reuses them).
    public let models: [(model: Model, head: PackedMatrix)]
    public var screen: Screen = .course
    public var focus: Focus = .text
    public var selectedLesson = 0
    public var depth: LessonDepth = .basic
    public var textScroll = 0
    public var modelIndex = 0
    public var sentence: String = ""
    /// The word the cursor is on (0-based).
    public var step = 0
    public var lossStep: Int? = nil
    public var whhScale: Float = 1
    /// While the backward sweep replays: the earliest word revealed so far.
    public var sweepFrom: Int? = nil
    var sweepTicks = 0
    public var firstUnit = 0
    /// Whether the gradient plot overlays every loaded cell (the vanishing-gradient lesson starts so).
    public var overlay = false
    public var showHelp = false
    public var width: Int
    public var height: Int
    public var ascii: Bool
    public var color: Bool
    public static let courseStatus = "Enter opens a lesson · f questions and answers · ? help · q quits"
    public var status = TutorState.courseStatus
    public var quit = false

    /// Something about the saved progress the learner must know (a damaged file replaced, nothing
    /// being saved): the course screen keeps it in view, and the status line shows it at start.
    public var notice: String? = nil
    /// The learner's progress as last read from the store; the course screen shows it.
    public var progress = ProgressSnapshot()
    /// What the learner did since the runtime last looked; the runtime hands it to the store.
    public var outbox: [ProgressEvent] = []
    /// Why the outbox could not be saved, while it cannot.
    public var saveProblem: String? = nil
    /// Set by the runtime before each message: update itself never reads a clock.
    public var now = Date(timeIntervalSince1970: 0)
    /// The link of the lesson text that Enter would follow (its number in reading order).
    public var selectedLink: Int? = nil
    /// A lesson left by following a link, to come back to with Esc.
    public struct Visit: Equatable, Sendable {
        public var lesson: Int, depth: LessonDepth, scroll: Int
    }
    public var history: [Visit] = []
    /// Where progress is kept: read for the course screen, quizzes and reviews (nil: nothing is kept).
    public var book: ProgressBook? = nil
    /// The quiz or card review in progress, and the screen to return to after it.
    public var quiz: QuizSession? = nil
    public var review: ReviewSession? = nil
    public var returnScreen: Screen = .course
    /// The FAQ, while open, and while a lesson its link opened is read (Esc returns to it).
    public var faq: FAQSession? = nil
    /// The adding race or the gradient explorer, while open.
    public var experiment: ExperimentSession? = nil
    /// Trains experiments off the UI thread (nil: experiments cannot run).
    public var worker: ExperimentWorker? = nil
    /// What update asked the runtime to do; `advance` carries it out.
    public var commands: [Command] = []
    /// The sentence editor, while it is open.
    public var editor: LineEditor? = nil
    /// The current word's hidden state before the last key, so the panel can mark the units that moved.
    public var previousHidden: [Float]? = nil
    public private(set) var trace: SentenceTrace? = nil
    public private(set) var traceError: String? = nil
    /// One trace per loaded model, for the overlay (same sentence, loss step and knob).
    public private(set) var overlayTraces: [SentenceTrace] = []
    /// The gradient panel's axis, fixed for the lesson's sentence (see `GradientAxisProbe`).
    public var gradientAxis: LogScale? = nil
    /// The gradient bars from before the last toggle or knob turn, drawn dimly until the next key.
    public var gradientGhost: [[Float]]? = nil

    public init(course: CoursePack, models: [Model], width: Int, height: Int, ascii: Bool, color: Bool,
                progress: ProgressSnapshot = ProgressSnapshot()) {
        self.course = course
        self.progress = progress
        self.models = models.map { ($0, $0.network.packedHead()) }
        self.width = width
        self.height = height
        self.ascii = ascii
        self.color = color
    }

    public var lesson: Lesson? { course.lessons.indices.contains(selectedLesson) ? course.lessons[selectedLesson] : nil }
    public var model: Model? { models.indices.contains(modelIndex) ? models[modelIndex].model : nil }

    /// Recomputes the trace after the sentence, model, loss step or knob changed.
    mutating func retrace() {
        guard models.indices.contains(modelIndex) else { trace = nil; traceError = "no model loaded"; return }
        // One trace per cell for the overlay (the current one among them), else just the current cell's.
        let cells = overlay ? Array(models.indices) : [modelIndex]
        func traces() throws(TraceError) -> [SentenceTrace] {
            var result: [SentenceTrace] = []
            for i in cells {
                result.append(try SentenceTrace.compute(model: models[i].model, packedHead: models[i].head,
                                                        input: .text(sentence), lossStep: lossStep, whhScale: whhScale))
            }
            return result
        }
        do {
            let computed: [SentenceTrace]
            do {
                computed = try traces()
            } catch .lossStepOutOfRange {
                lossStep = nil   // another model may split the sentence into fewer words: aim at its last one
                computed = try traces()
            }
            trace = computed[cells.firstIndex(of: modelIndex)!]
            overlayTraces = overlay ? computed : []
            step = min(step, trace!.tokens.count - 1)
            traceError = nil
            if gradientAxis != nil { widenGradientAxis() }
        } catch {
            trace = nil
            overlayTraces = []
            traceError = error.description
        }
    }
}
