import Course
import Foundation
import ModelFile
import RNNCore
import Testing
import Trace
@testable import TutorUI

/// The lesson keeps one trace session per cell and runs only what a key changed; every
/// number a panel reads is still the full trace's, bit for bit.
@Suite struct LessonTracesTests {
    /// Every number the panels and the status line read from a trace, compared as bit patterns:
    /// the states and gates at every step, the norms, the loss, and the prediction (the top five
    /// and the logits the prediction panel ranks) at the cursor's word and the loss step.
    static func expectSameAsFull(_ shown: SentenceTrace, _ full: SentenceTrace, cursor: Int, _ what: String) {
        func bits(_ xs: some Collection<Float>) -> [UInt32] { xs.map(\.bitPattern) }
        #expect(shown.cell == full.cell && shown.tokens == full.tokens && shown.ids == full.ids, "\(what): tokens")
        #expect(shown.endOfSentenceID == full.endOfSentenceID, "\(what): end of sentence")
        #expect(shown.steps.count == full.steps.count, "\(what): steps")
        for (t, (x, y)) in zip(shown.steps, full.steps).enumerated() {
            #expect(bits(x.hidden) == bits(y.hidden) && x.cell.map(bits) == y.cell.map(bits), "\(what): h, c at \(t)")
            #expect(x.gates.map { bits($0.values) } == y.gates.map { bits($0.values) }
                    && x.preActivation.map(bits) == y.preActivation.map(bits), "\(what): gates at \(t)")
        }
        for t in Set([cursor, full.loss.step]) {
            let (x, y) = (shown.steps[t].top, full.steps[t].top)
            #expect(x.map(\.id) == y.map(\.id) && x.map(\.label) == y.map(\.label)
                    && bits(x.map(\.probability)) == bits(y.map(\.probability)), "\(what): prediction at \(t)")
            let (a, b) = (shown.ranked(at: t, count: 5, apart: 0), full.ranked(at: t, count: 5, apart: 0))
            #expect(a.ranked.map(\.id) == b.ranked.map(\.id) && bits(a.ranked.map(\.probability)) == bits(b.ranked.map(\.probability))
                    && a.apartProbability?.bitPattern == b.apartProbability?.bitPattern, "\(what): ranked at \(t)")
        }
        #expect(shown.loss.step == full.loss.step && shown.loss.targetID == full.loss.targetID
                && shown.loss.value.bitPattern == full.loss.value.bitPattern, "\(what): loss")
        #expect(bits(shown.hiddenGradientNorms) == bits(full.hiddenGradientNorms)
                && shown.cellGradientNorms.map(bits) == full.cellGradientNorms.map(bits), "\(what): gradient norms")
    }

    /// The state's traces against fresh full traces of its sentence, loss step and knob.
    static func expectSameAsFull(_ state: TutorState, _ what: String) throws {
        let s = try #require(state.lessonSession, "\(what): a lesson")
        func full(_ i: Int) throws -> SentenceTrace {
            try SentenceTrace.compute(model: state.models[i].model, input: .text(s.sentence), lossStep: s.lossWord,
                                      whhScale: s.whhScale)
        }
        let shown = try #require(s.trace, "\(what): a trace")
        expectSameAsFull(shown, try full(s.modelIndex), cursor: s.cursorWord, what)
        if s.overlay {
            #expect(s.overlayTraces.map(\.cell) == state.models.map(\.model.cell), "\(what): overlay cells")
            for (i, trace) in s.overlayTraces.enumerated() {
                expectSameAsFull(trace, try full(i), cursor: i == s.modelIndex ? s.cursorWord : trace.loss.step, "\(what), overlay \(i)")
            }
        }
        // What is drawn matches too: the prediction panel, the status line and every other panel.
        #expect(s.trace?.steps[s.cursorWord].top.isEmpty == false, "\(what): the cursor's prediction")
    }

    @Test func everyKeyShowsTheFullTracesNumbersAndDoesOnlyItsWork() throws {
        var s = try UpdateAndViewTests.fixtureState()
        s.selectedLesson = try #require(s.course.lessons.firstIndex { $0.lab.cell == .all })
        _ = update(&s, .key(.enter))
        #expect(s.lessonSession?.overlay == true && s.lessonSession?.overlayTraces.count == 3)
        try Self.expectSameAsFull(s, "opened")
        let rnn = try #require(s.models.firstIndex { $0.model.cell == .rnn })
        let lstm = try #require(s.models.firstIndex { $0.model.cell == .lstm })
        func work(_ i: Int) throws -> TraceSession.Work { try #require(s.lessonSession?.traces.work(model: i)) }
        let words = try #require(s.lessonSession?.trace?.tokens.count)

        // The cursor: one head row for a word not seen yet, none for a word seen.
        var before = try work(rnn)
        _ = update(&s, .key(.right))
        _ = update(&s, .key(.right))
        _ = update(&s, .key(.left))
        var after = try work(rnn)
        #expect(after.headRows == before.headRows + 2 && after.forwardSteps == before.forwardSteps
                && after.backwardSweeps == before.backwardSweeps)
        try Self.expectSameAsFull(s, "cursor moved")

        // A toggle to a cell the overlay already traced, and back: no work at all but the cursor's head row.
        before = try work(lstm)
        _ = update(&s, .key(.character("2")))
        try Self.expectSameAsFull(s, "LSTM")
        after = try work(lstm)
        #expect(after.forwardSteps == before.forwardSteps && after.backwardSweeps == before.backwardSweeps)
        let rnnBefore = try work(rnn)
        _ = update(&s, .key(.character("1")))
        #expect(try work(rnn) == rnnBefore)
        try Self.expectSameAsFull(s, "back to the RNN")

        // The loss a word earlier: a backward sweep in each cell, no forward step.
        before = try work(rnn)
        _ = update(&s, .key(.character("[")))
        #expect(try work(rnn).forwardSteps == before.forwardSteps && work(rnn).backwardSweeps == before.backwardSweeps + 1)
        try Self.expectSameAsFull(s, "loss moved")

        // An edit of the last words: the forward states before them are kept.
        before = try work(rnn)
        _ = update(&s, .key(.character("e")))
        for _ in 0..<2 { _ = update(&s, .key(.backspace)) }
        for c in " and we slept ." { _ = update(&s, .key(.character(c))) }
        _ = update(&s, .key(.enter))
        #expect(s.lessonSession?.editor == nil && s.lessonSession?.sentence.hasSuffix("the door and we slept .") == true)
        let newWords = try #require(s.lessonSession?.trace?.tokens.count)
        #expect(try work(rnn).forwardSteps - before.forwardSteps == newWords - (words - 1))
        try Self.expectSameAsFull(s, "edited")

        // The knob, the overlay off and on, the cursor and the loss again.
        for key in ["+", "+", "o", "]", "-", "o", "3"] {
            _ = update(&s, .key(.character(Character(key))))
            try Self.expectSameAsFull(s, "after \(key)")
        }
        _ = update(&s, .key(.end))
        try Self.expectSameAsFull(s, "at the last word")
        _ = update(&s, .key(.home))
        try Self.expectSameAsFull(s, "at the first word")
    }
}
