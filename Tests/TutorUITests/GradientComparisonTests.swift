import Foundation
import ModelFile
import RNNCore
import Testing
import Trace
@testable import TutorUI

/// The pieces of the headline comparison: sampling that keeps the words a lesson talks
/// about, one fixed axis, the loss label, the status line's summary, the ghost, resume.
@Suite struct GradientComparisonTests {
    @Test func samplingKeepsTheFirstWordTheCursorAndTheLoss() {
        #expect(ColumnSampling.steps(count: 5, slots: 9, keep: [3]) == [0, 1, 2, 3, 4])
        let drawn = ColumnSampling.steps(count: 68, slots: 20, keep: [37, 62])
        #expect(drawn.count == 20 && drawn.contains(0) && drawn.contains(37) && drawn.contains(62))
        #expect(drawn == drawn.sorted() && Set(drawn).count == drawn.count)
        #expect(ColumnSampling.steps(count: 68, slots: 2, keep: [37, 62]) == [0, 37])
        #expect(ColumnSampling.steps(count: 0, slots: 4, keep: []).isEmpty)
        #expect(ColumnSampling.steps(count: 10, slots: 3, keep: [99, -1]).count == 3)
    }

    @Test func theFixedAxisIsTheUnionOfItsSeries() throws {
        let axis = try #require(LogScale.covering([[2e-12, 0.5], [3e-4, 2e6], [0, .nan]]))
        #expect(axis.lowDecade == -12 && axis.highDecade == 7)
        #expect(axis.contains([1e-5, 1]) && !axis.contains([1e-13]))
        #expect(LogScale.union(nil, LogScale(lowDecade: -1, highDecade: 0)) == LogScale(lowDecade: -1, highDecade: 0))
        #expect(LogScale.covering([[0], []]) == nil)
        #expect(Numbers.scientific(5.5e-12) == "5.5e-12" && Numbers.scientific(0) == "0")
    }

    static let passage = "it was a cold and wet morning in the country , and the family had been at home for many days , with little "
        + "to do but read , write letters and talk of the winter . at last a letter came from town , and they heard that the young "
        + "man who had been so kind to her sister at the ball was gone to london ."

    static func models() throws -> [Model] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("models")
        return try ["rnn", "lstm", "gru"].map { try Model.load(path: folder.appendingPathComponent("\($0).safetensors").path) }
    }

    @Test func theLossLabelAndTheSummaryNameWhatTheBarsShow() throws {
        let models = try Self.models()
        let rnn = try SentenceTrace.compute(model: models[0], input: .text(Self.passage), lossStep: 62)
        #expect(LossLabel.text(rnn) == "loss: predicting \"was\" (after \"ball\", word 63)")
        let said = GradientSummary.text(rnn, prefix: "RNN", whhScale: 1, classifier: false)
        let exponent = try #require(GradientSummary.decades(rnn.hiddenGradientNorms, loss: 62))
        #expect(said.contains("10^\(exponent) of its value") && exponent <= -10)
        #expect(said.hasSuffix(LossLabel.text(rnn)))
        let lstm = try SentenceTrace.compute(model: models[1], input: .text(Self.passage), lossStep: 62)
        let lstmSaid = GradientSummary.text(lstm, prefix: "LSTM", whhScale: 1, classifier: false)
        #expect(lstmSaid.contains("‖∂L/∂h‖") && lstmSaid.contains("‖∂L/∂c‖"))
        // The RNN at word 1 sits more than six decades below the gated cells.
        let gru = try SentenceTrace.compute(model: models[2], input: .text(Self.passage), lossStep: 62)
        #expect(log10(lstm.hiddenGradientNorms[0] / rnn.hiddenGradientNorms[0]) > 6)
        #expect(log10(gru.hiddenGradientNorms[0] / rnn.hiddenGradientNorms[0]) > 6)
    }

    @Test func aSaturatedRNNIsExplainedWhenTheKnobIsUp() throws {
        let models = try Self.models()
        // A short sentence at a large scale: the RNN's units pin at ±1 and its gradient vanishes anyway.
        for scale: Float in [3, 3.5, 4] {
            let t = try SentenceTrace.compute(model: models[0], input: .text("the young man who had been so kind to her sister at the ball was gone ."),
                                              whhScale: scale)
            let said = GradientSummary.text(t, prefix: "W_hh", whhScale: scale, classifier: false)
            if let d = GradientSummary.decades(t.hiddenGradientNorms, loss: t.loss.step), d <= -2 {
                #expect(said.contains("where tanh is flat"))
            }
        }
    }

    func lesson4(width: Int = 200, height: Int = 60) throws -> TutorState {
        var s = try UpdateAndViewTests.state(width: width, height: height)
        s.selectedLesson = try #require(s.course.lessons.firstIndex { $0.id == "vanishing-exploding" })
        _ = update(&s, .key(.enter))
        return s
    }

    @Test func theAxisStaysAndTheGhostLastsOneKey() throws {
        var s = try lesson4()
        let axis = try #require(s.lessonSession!.gradientAxis)
        #expect(s.lessonSession!.trace?.loss.step == 62 && s.lessonSession!.trace?.loss.target == "was")
        for key in ["2", "3", "+", "+", "-", "1", "-", "-", "-", "-"] {
            _ = update(&s, .key(.character(Character(key))))
            #expect(s.lessonSession!.gradientAxis == axis, "after \(key)")
            #expect(s.lessonSession!.gradientGhost != nil, "after \(key)")
        }
        _ = update(&s, .key(.right))
        #expect(s.lessonSession!.gradientGhost == nil)
        // The status names the loss and agrees with the bars.
        _ = update(&s, .key(.character("2")))
        #expect(s.status.contains("loss: predicting \"was\""))
        let text = view(s).text
        #expect(text.contains("fixed for this lesson") && text.contains("dim: before the last key"))
        #expect(text.contains("‖∂L/∂c‖"))
    }

    /// Lesson 5: the cell state's gradient (◆) holds where the hidden state's (bars) dips.
    @Test func lessonFiveShowsTheBeltsGradientHolding() throws {
        var s = try UpdateAndViewTests.state(width: 200, height: 60)
        s.selectedLesson = try #require(s.course.lessons.firstIndex { $0.id == "lstm" })
        _ = update(&s, .key(.enter))
        let trace = try #require(s.lessonSession!.trace)
        let h = trace.hiddenGradientNorms, c = try #require(trace.cellGradientNorms)
        let k = trace.loss.step
        #expect(trace.tokens.count >= 40)
        // Over most of the passage the belt carries more gradient than the hidden state...
        let holding = (0..<k).filter { c[$0] > h[$0] }
        #expect(holding.count * 3 >= k * 2, "c > h at \(holding.count) of \(k) words")
        // ...and where the hidden state's gradient dips (below both neighbours), the belt's does not.
        let dips = (1..<(k - 1)).filter { h[$0] < h[$0 - 1] && h[$0] < h[$0 + 1] }
        #expect(!dips.isEmpty && dips.allSatisfy { c[$0] >= c[$0 - 1] * 0.8 }, "dips at \(dips)")
        // Both are on screen: a ◆ per word on the bars, named in the caption and the value line.
        let text = view(s).text
        #expect(text.filter { $0 == "◆" }.count >= k && text.contains("cyan ◆ c (cell state)") && text.contains("‖∂L/∂c‖ "))
        _ = update(&s, .key(.character("b")))
        for _ in 0..<400 { _ = update(&s, .tick) }
        #expect(s.status.contains("‖∂L/∂h‖") && s.status.contains("‖∂L/∂c‖"))
    }

    @Test func resumingRestoresTheWordTheCellAndAnEditedSentence() throws {
        var s = try lesson4()
        _ = update(&s, .key(.character("3")))
        for _ in 0..<5 { _ = update(&s, .key(.right)) }
        _ = update(&s, .key(.character("e")))
        _ = update(&s, .key(.end))
        for c in " now" { _ = update(&s, .key(.character(c))) }
        _ = update(&s, .key(.enter))
        for _ in 0..<4 { _ = update(&s, .key(.right)) }
        let events = update(&s, .key(.character("q"))).compactMap { if case .record(let event) = $0 { event } else { nil } }
        #expect(events.contains { if case .lab(lesson: "vanishing-exploding", word: 4, cell: "gru", sentence: .some) = $0 { true } else { false } })
        var again = try UpdateAndViewTests.state(width: 200, height: 60)
        again.progress = s.progress
        _ = update(&again, .started)
        #expect(again.lesson?.id == "vanishing-exploding" && again.lessonSession!.cursorWord == 4 && again.model?.cell == .gru)
        #expect(again.lessonSession!.sentence.hasSuffix("london . now"))
    }
}
