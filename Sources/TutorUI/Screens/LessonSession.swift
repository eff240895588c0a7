import Course
import Foundation
import ModelFile
import RNNCore
import Trace

/// A lesson in view: where the learner is in its text, and the lab beside it (the sentence,
/// the cell, the loss word, the knob, and the traces the panels draw).
public struct LessonSession: Equatable, Sendable {
    public enum Focus: Equatable, Sendable { case text, panels }

    /// The lesson's place in the course.
    public var lessonIndex = 0
    public var focus: Focus = .text
    public var depth: LessonDepth = .basic
    public var textScroll = 0
    /// The link of the lesson text that Enter would follow (its number in reading order).
    public var selectedLink: Int? = nil
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
    /// The sentence editor, while it is open.
    public var editor: LineEditor? = nil
    /// A lab task staged in this lesson's panels (see TaskSession.swift); the learner's own
    /// lesson waits under it on the return stack.
    public var task: TaskSession? = nil
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

    public init() {}

    /// What the traces are computed from.
    var inputs: LessonTraces.Inputs {
        LessonTraces.Inputs(sentence: sentence, modelIndex: modelIndex, lossWord: lossWord, whhScale: whhScale, overlay: overlay)
    }

    /// The hidden state at the cursor, as the panel shows it.
    var currentHidden: [Float]? {
        guard let trace = shownTrace, trace.steps.indices.contains(cursorWord) else { return nil }
        return Array(trace.steps[cursorWord].hidden)
    }

    /// Brings the traces up to the sentence, model, loss step, knob and overlay, doing only the
    /// work that changed (see `LessonTraces`), with the prediction at the cursor's word.
    mutating func retrace(models: LoadedModels) {
        lossWord = traces.follow(inputs, models: models, cursor: cursorWord).lossWord
        if let current = traces.current {
            cursorWord = min(cursorWord, current.tokens.count - 1)
            if gradientAxis != nil { widenGradientAxis() }
        }
        refreshInstruments(models: models)
    }

    /// Whether the prediction panel's word still lacks its head row.
    var headMissingAtCursor: Bool { !traces.hasHead(at: cursorWord) }

    /// The cursor moved: the prediction panel needs the head at its word (computed here, never in `view`).
    mutating func showCursorWord(models: LoadedModels) {
        traces.showStep(cursorWord, models: models)
    }
}

extension TutorState {
    /// The lesson on screen, for the lesson's own code, which runs only while one is
    /// (elsewhere it reads as an empty session and writing it changes nothing).
    var lessonOnScreen: LessonSession {
        get { lessonSession ?? LessonSession() }
        _modify {
            // Taken out of the screen while it changes, so that its trace sessions change in
            // place: a copy left in the screen would make every key copy the traces' buffers.
            guard case .lesson(var session) = screen else {
                var scratch = LessonSession()
                yield &scratch
                return
            }
            screen = .course
            defer { screen = .lesson(session) }
            yield &session
        }
    }

    /// Recomputes the lesson's traces after an input changed.
    mutating func retrace() { lessonOnScreen.retrace(models: models) }
}
