import Course
import Foundation
import ModelFile
import Practice
import RNNCore
import Trace

/// Everything the tutor shows, in one plain value. Only `update` changes it; `view`
/// draws it; the store and the training thread sit in `TutorRuntime`, never here.
public struct TutorState: Equatable, Sendable {
    public enum Screen: Equatable, Sendable { case course, lesson, quiz, review, experiment, faq }
    public enum Focus: Equatable, Sendable { case text, panels }

    public let course: CoursePack
    /// The loaded models by cell type, with their packed heads.
    public private(set) var models: LoadedModels
    public var screen: Screen = .course
    public var focus: Focus = .text
    public var selectedLesson = 0
    public var depth: LessonDepth = .basic
    public var textScroll = 0
    public var modelIndex = 0
    public var sentence: String = ""
    /// The word the cursor is on (0-based).
    public var cursorWord = 0
    public var lossWord: Int? = nil
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
    /// How the store schedules cards, for the review's grade buttons (nil: no progress is kept).
    public var scheduler: Scheduler? = nil
    /// Set by the runtime before each message: update itself never reads a clock.
    public var now = Date(timeIntervalSince1970: 0)
    /// The link of the lesson text that Enter would follow (its number in reading order).
    public var selectedLink: Int? = nil
    /// A lesson left by following a link, to come back to with Esc.
    public struct Visit: Equatable, Sendable {
        public var lesson: Int, depth: LessonDepth, scroll: Int
    }
    public var history: [Visit] = []
    /// The quiz or card review in progress, and the screen to return to after it.
    public var quiz: QuizSession? = nil
    public var review: ReviewSession? = nil
    public var returnScreen: Screen = .course
    /// The FAQ, while open, and while a lesson its link opened is read (Esc returns to it).
    public var faq: FAQSession? = nil
    /// The adding race or the gradient explorer, while open.
    public var experiment: ExperimentSession? = nil
    /// The sentence editor, while it is open.
    public var editor: LineEditor? = nil
    /// The current word's hidden state before the last key, so the panel can mark the units that moved.
    public var previousHidden: [Float]? = nil
    /// The traces the panels draw, recomputed by `retrace` when an input changes.
    public private(set) var traces = LessonTraces()
    public var trace: SentenceTrace? { traces.current }
    public var traceError: String? { traces.error }
    /// One trace per loaded model, for the overlay (same sentence, loss step and knob).
    public var overlayTraces: [SentenceTrace] { traces.overlay }
    /// The gradient panel's axis, fixed for the lesson's sentence (see `GradientAxisProbe`).
    public var gradientAxis: LogScale? = nil
    /// The gradient bars from before the last toggle or knob turn, drawn dimly until the next key.
    public var gradientGhost: [[Float]]? = nil
    /// The Jacobian panel, the network writing, find the unit, the layer shown.
    public var instruments = LabInstruments()

    public init(course: CoursePack, models: [Model], modelNames: [String?] = [], width: Int, height: Int, ascii: Bool,
                color: Bool, progress: ProgressSnapshot = ProgressSnapshot()) {
        self.course = course
        self.progress = progress
        self.models = LoadedModels(models, names: modelNames)
        self.width = width
        self.height = height
        self.ascii = ascii
        self.color = color
    }

    /// Whether something moves on the timer beats (the backward sweep, a training run, a finished
    /// review waiting for its cards to come back), so every beat redraws.
    public var isAnimating: Bool {
        sweepFrom != nil || instruments.isAnimating || experiment?.isRunning == true || (screen == .review && review?.isFinished == true)
    }

    public var lesson: Lesson? { course.lessons.indices.contains(selectedLesson) ? course.lessons[selectedLesson] : nil }
    public var model: Model? { models.indices.contains(modelIndex) ? models[modelIndex].model : nil }

    /// The models the overlay draws: one per cell (the shown one for its cell), so a second
    /// LSTM loaded for a lesson does not crowd the comparison of the three cells.
    var overlaidModels: [Int] {
        var byCell: [CellKind: Int] = [:]
        for i in models.indices where byCell[models[i].model.cell] == nil { byCell[models[i].model.cell] = i }
        if let cell = model?.cell { byCell[cell] = modelIndex }
        return byCell.values.sorted()
    }

    /// A model loaded after start (a lesson's `model:`).
    mutating func addModel(_ model: Model, name: String) { models = models.adding(model, name: name) }

    /// What the traces are computed from.
    var inputs: LessonTraces.Inputs {
        LessonTraces.Inputs(sentence: sentence, modelIndex: modelIndex, lossWord: lossWord, whhScale: whhScale, overlay: overlay)
    }

    /// Recomputes the trace after the sentence, model, loss step or knob changed.
    mutating func retrace() {
        guard models.indices.contains(modelIndex) else { traces = LessonTraces(error: "no model loaded"); return }
        // One trace per cell for the overlay (the current one among them), else just the current cell's.
        let cells = overlay ? overlaidModels : [modelIndex]
        func computeAll() throws(TraceError) -> [SentenceTrace] {
            var result: [SentenceTrace] = []
            for i in cells {
                result.append(try SentenceTrace.compute(model: models[i].model, packedHead: models[i].head,
                                                        input: .text(sentence), lossStep: lossWord, whhScale: whhScale))
            }
            return result
        }
        do {
            let computed: [SentenceTrace]
            do {
                computed = try computeAll()
            } catch .lossStepOutOfRange {
                lossWord = nil   // another model may split the sentence into fewer words: aim at its last one
                computed = try computeAll()
            }
            let current = computed[cells.firstIndex(of: modelIndex)!]
            traces = LessonTraces(inputs: inputs, current: current, overlay: overlay ? computed : [])
            cursorWord = min(cursorWord, current.tokens.count - 1)
            if gradientAxis != nil { widenGradientAxis() }
        } catch {
            traces = LessonTraces(inputs: inputs, error: error.description)
        }
        refreshInstruments()
    }
}
