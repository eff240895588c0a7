import ModelFile
import RNNCore
import Trace

/// The lesson's traces, kept as one `TraceSession` per loaded model so that a key pays only
/// for what it changed: the cursor runs the head at one new step (kept once computed), the loss
/// step reruns the backward sweep, an edit reuses the forward states before the first changed
/// word, the W_hh knob reruns the sentence, and toggling back to a cell seen costs nothing.
/// The head runs only at the steps something shows: the cursor's word and the loss step.
///
/// Derived from the models and `inputs`, so two values are equal when the same inputs made them.
public struct LessonTraces: Equatable, Sendable {
    /// What the traces were computed from.
    public struct Inputs: Equatable, Sendable {
        public var sentence: String
        public var modelIndex: Int
        public var lossWord: Int?
        public var whhScale: Float
        public var overlay: Bool
    }
    public private(set) var inputs: Inputs? = nil
    /// The current cell's trace (nil when it could not be computed: `error` says why). Its steps
    /// have a prediction (`top`) only where the head has run: the loss step and the cursor's words.
    public private(set) var current: SentenceTrace? = nil
    public private(set) var error: String? = nil
    /// The other cells' traces while the overlay is on, by model index.
    private var others: [Int: SentenceTrace] = [:]
    /// One session per model index, kept across keys (and lessons: a new sentence is an edit).
    private var sessions: [Int: TraceSession] = [:]

    public init() {}

    /// One trace per loaded model, in model order, for the overlay (empty when not overlaid).
    public var overlay: [SentenceTrace] {
        guard let inputs, inputs.overlay, let current else { return [] }
        return (others.keys + [inputs.modelIndex]).sorted().map { $0 == inputs.modelIndex ? current : others[$0]! }
    }

    /// What model `index`'s session has computed so far (nil: none open), so a test can see the work follow the change.
    func work(model index: Int) -> TraceSession.Work? { sessions[index]?.work }

    public static func == (a: LessonTraces, b: LessonTraces) -> Bool { a.inputs == b.inputs && a.error == b.error }

    /// Brings every shown cell up to `wanted`, with the head at `cursor` (clamped to the
    /// sentence) in the current cell. Returns the inputs used: when a cell splits the sentence
    /// into fewer words than the loss step asks, the loss goes back to its default (nil).
    mutating func follow(_ wanted: Inputs, models: LoadedModels, cursor: Int) -> Inputs {
        // The snapshots share the sessions' storage: let go of them first, so the sessions change in place.
        current = nil
        others = [:]
        error = nil
        var used = wanted
        guard models.indices.contains(wanted.modelIndex) else {
            inputs = used
            error = "no model loaded"
            return used
        }
        let cells = wanted.overlay ? models.overlaid(around: wanted.modelIndex) : [wanted.modelIndex]
        do {
            do {
                for i in cells { try sync(i, models: models, to: used) }
            } catch .lossStepOutOfRange {
                used.lossWord = nil   // another model may split the sentence into fewer words: aim at its last one
                for i in cells { try sync(i, models: models, to: used) }
            }
        } catch {
            inputs = used
            self.error = error.description
            return used
        }
        inputs = used
        let shown = min(max(cursor, 0), sessions[wanted.modelIndex]!.stepCount - 1)
        sessions[wanted.modelIndex]!.computeHead(at: [shown])
        for i in cells {
            let trace = snapshot(i, models: models)
            if i == wanted.modelIndex { current = trace } else { others[i] = trace }
        }
        return used
    }

    /// Whether the current cell's head has run at `step` (true when there is no such step to run it at).
    func hasHead(at step: Int) -> Bool {
        guard let index = inputs?.modelIndex, let session = sessions[index], session.stepCount > step, step >= 0
        else { return true }
        return session.hasHead(at: step)
    }

    /// The cursor moved to `step`: runs the head there in the current cell if it has not run yet.
    mutating func showStep(_ step: Int, models: LoadedModels) {
        guard !hasHead(at: step), let index = inputs?.modelIndex else { return }
        current = nil
        sessions[index]!.computeHead(at: [step])
        current = snapshot(index, models: models)
    }

    /// Brings cell `i`'s session to the inputs (opening it the first time), doing only what changed.
    private mutating func sync(_ i: Int, models: LoadedModels, to inputs: Inputs) throws(TraceError) {
        let (model, head) = models[i]
        let (tokens, ids) = try SentenceTrace.words(of: .text(inputs.sentence), for: model)
        // Taken out while it changes, so that a failed step leaves no half-updated session behind.
        guard var session = sessions.removeValue(forKey: i) else {
            sessions[i] = try TraceSession(
                network: model.network, weights: model.network.packedWeights(head: head),
                outputs: OutputLabels(model), tokens: tokens, ids: ids, lossStep: inputs.lossWord, whhScale: inputs.whhScale)
            return
        }
        if session.ids != ids || session.tokens != tokens {
            try session.edit(tokens: tokens, ids: ids, lossStep: inputs.lossWord)
        }
        if session.whhScale != inputs.whhScale { try session.setWhhScale(inputs.whhScale) }
        if session.loss.step != inputs.lossWord ?? ids.count - 1 { try session.moveLoss(to: inputs.lossWord) }
        sessions[i] = session
    }

    private func snapshot(_ i: Int, models: LoadedModels) -> SentenceTrace {
        var trace = sessions[i]!.trace
        let model = models[i].model
        if model.task == .lm { trace.endOfSentenceID = model.endOfSentenceID }
        return trace
    }
}
