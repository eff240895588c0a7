import Foundation
import Testing
import Course
import ModelFile
import Trace
@testable import TutorUI

/// Issue 15's instruments in the lab: what each key does to the state, and the numbers the
/// lessons quote checked on the shipped models (the Jacobian against the backward pass itself).
@Suite struct InstrumentTests {
    func lesson(_ id: String, width: Int = 200, height: Int = 60) throws -> TutorState {
        var s = try UpdateAndViewTests.state(width: width, height: height)
        s.selectedLesson = try #require(s.course.lessons.firstIndex { $0.id == id })
        _ = update(&s, .key(.enter))
        return s
    }

    @Test func jBringsTheJacobianPanelAndItFollowsTheKnob() throws {
        var s = try lesson("vanishing-exploding")
        #expect(s.lessonOnScreen.instruments.jacobian == nil)
        _ = update(&s, .key(.character("J")))
        let bound = try #require(s.lessonOnScreen.instruments.jacobian?.bound)
        let trace = try #require(s.lessonOnScreen.trace)
        #expect(bound.lossStep == 62 && bound.layers.count == 1)
        // The panel's measured ratio is the gradient panel's own norms, divided by the one at the loss.
        let norms = trace.hiddenGradientNorms
        for t in [0, 30, 61] {
            let ratio = bound.layers[0].measuredRatio[t], expected = norms[t] / norms[62]
            #expect(abs(ratio - expected) <= 1e-4 + 1e-3 * abs(expected), "t = \(t): \(ratio) vs \(expected)")
        }
        // Lesson 4's claims at W_hh × 1: every step above 1, a product near 10^21, a measured ratio near 4e-12.
        let layer = bound.layers[0]
        #expect(layer.largestSingularValues.prefix(63).allSatisfy { $0 > 1.4 && $0 < 4.1 })
        #expect(layer.bound[0] > 1e20 && layer.bound[0] < 1e22)
        #expect(layer.measuredRatio[0] > 1e-12 && layer.measuredRatio[0] < 1e-11)
        let screen = view(s).text
        #expect(screen.contains("Jacobian ∂hₜ/∂hₜ₋₁ of the RNN"))
        #expect(screen.contains("steps to the loss above 1"))
        // − three times: most steps below the line, the ceiling near 10^-5, the measured ratio near 3e-28.
        for _ in 0..<3 { _ = update(&s, .key(.character("-"))) }
        let scaled = try #require(s.lessonOnScreen.instruments.jacobian?.bound.layers[0])
        #expect(scaled.largestSingularValues.prefix(63).filter { $0 < 1 }.count > 40)
        #expect(scaled.bound[0] > 1e-6 && scaled.bound[0] < 1e-4)
        #expect(scaled.measuredRatio[0] > 1e-28 && scaled.measuredRatio[0] < 1e-27)
        // The top layer's ratio never exceeds its bound.
        for t in 0...62 { #expect(scaled.measuredRatio[t] <= scaled.bound[t] * 1.001) }
        // The LSTM: the joint state and the forget gate's mean, around 0.44 on this passage.
        _ = update(&s, .key(.character("+")))
        _ = update(&s, .key(.character("+")))
        _ = update(&s, .key(.character("+")))
        _ = update(&s, .key(.character("2")))
        let lstm = try #require(s.lessonOnScreen.instruments.jacobian?.bound.layers[0].meanForgetGate)
        let sorted = lstm.prefix(63).sorted()
        #expect(abs(sorted[31] - 0.44) < 0.03)
        #expect(view(s).text.contains("Jacobian ∂(hₜ,cₜ)/∂(hₜ₋₁,cₜ₋₁) of the LSTM"))
        _ = update(&s, .key(.character("J")))
        #expect(s.lessonOnScreen.instruments.jacobian == nil && !view(s).text.contains("Jacobian ∂"))
    }

    /// Lesson 3's numbers: every step of its sentence stretches by 1.8 to 3.4 at most, yet the
    /// gradient at "the" is about 0.02 of the one at "never"; at × 0.25 the ceiling is about 0.1.
    @Test func lessonThreesJacobianClaims() throws {
        var s = try lesson("bptt")
        _ = update(&s, .key(.character("J")))
        let layer = try #require(s.lessonOnScreen.instruments.jacobian?.bound.layers[0])
        #expect(layer.largestSingularValues.prefix(13).allSatisfy { $0 > 1.75 && $0 < 3.4 })
        #expect(layer.bound[0] > 1e4 && layer.bound[0] < 3e4)
        #expect(layer.measuredRatio[0] > 0.015 && layer.measuredRatio[0] < 0.025)
        for _ in 0..<3 { _ = update(&s, .key(.character("-"))) }
        let scaled = try #require(s.lessonOnScreen.instruments.jacobian?.bound.layers[0])
        #expect(scaled.largestSingularValues.prefix(13).allSatisfy { $0 > 0.6 && $0 < 1.05 })
        #expect(scaled.bound[0] > 0.08 && scaled.bound[0] < 0.15)
        #expect(scaled.measuredRatio[0] > 4e-7 && scaled.measuredRatio[0] < 8e-7)
    }

    /// The plain RNN's gates panel shows every unit's slope 1 − h², the saturated ones marked.
    @Test func theRNNShowsItsSlopeWithSaturatedUnitsMarked() throws {
        var s = try UpdateAndViewTests.fixtureState(width: 140, height: 45)
        _ = update(&s, .key(.enter))
        let trace = try #require(s.lessonOnScreen.trace)
        let rows = GatesPanel.rows(trace, step: 0)
        #expect(rows.count == 1 && rows[0].name == "s")
        for (h, slope) in zip(trace.steps[0].hidden, rows[0].values) { #expect(abs(slope - (1 - h * h)) < 1e-6) }
        let saturated = trace.steps[0].hidden.filter { abs($0) > 0.9487 }.count
        #expect(view(s).text.contains("; \(saturated) saturated (s < 0.10"))
    }
}

/// The network writing (`w`) and find the unit (`u`), with the numbers lessons 5, 7 and 8 quote.
@Suite struct WriterAndFinderTests {
    func lesson(_ id: String, width: Int = 200, height: Int = 60) throws -> TutorState {
        try InstrumentTests().lesson(id, width: width, height: height)
    }

    /// Beats until the writer stops (it writes a word every `WriterSession.pace` beats).
    func writeToTheEnd(_ s: inout TutorState) {
        var beats = 0
        while s.lessonOnScreen.instruments.writer?.isWriting == true && beats < 2000 {
            _ = update(&s, .tick)
            beats += 1
        }
    }

    /// A sampled long shot is reported as such, never as "a 0% chance".
    @Test func aWrittenWordsChanceIsNeverRoundedToZero() {
        #expect(Numbers.chance(0.263) == "26%" && Numbers.chance(0.004) == "0.4%" && Numbers.chance(0.0002) == "<0.1%")
        #expect(Numbers.chance(.nan) == "NaN")
    }

    /// Quitting while the network writes keeps the learner's own sentence and word, not the written ones.
    @Test func quittingWhileWritingKeepsTheLearnersOwnSentence() throws {
        var s = try lesson("applications")
        for _ in 0..<7 { _ = update(&s, .key(.right)) }
        _ = update(&s, .key(.character("w")))
        for _ in 0..<WriterSession.pace { _ = update(&s, .tick) }
        #expect(s.lessonOnScreen.cursorWord == 8)
        let effects = update(&s, .key(.controlC))
        let lab = effects.compactMap { effect -> (word: Int, sentence: String?)? in
            if case .record(.lab(_, let word, _, let sentence)) = effect { (word, sentence) } else { nil }
        }
        #expect(lab.count == 1 && lab.first?.word == 7 && lab.first?.sentence == nil)   // nil: the lesson's own sentence
    }

    @Test func wWritesWordByWordTracingEachAndTheSettingsMoveIt() throws {
        var s = try lesson("applications")
        for _ in 0..<7 { _ = update(&s, .key(.right)) }
        #expect(s.lessonOnScreen.trace?.tokens[s.lessonOnScreen.cursorWord] == "man")
        _ = update(&s, .key(.character("w")))
        #expect(s.keymapMode == .writer && s.isAnimating)
        #expect(s.lessonOnScreen.sentence == "it is a truth that every young man")
        for _ in 0..<WriterSession.pace { _ = update(&s, .tick) }
        #expect(s.lessonOnScreen.instruments.writer?.written.count == 1)
        #expect(s.lessonOnScreen.trace?.tokens.count == 9 && s.lessonOnScreen.cursorWord == 8)   // the new word is traced and under the cursor
        writeToTheEnd(&s)
        // The same words as `rnn-tutor generate` with the same settings (temperature 1, every word, seed 1).
        let model = try #require(s.model)
        var generator = try TextGenerator(model: model, prefix: "it is a truth that every young man",
                                          settings: GenerationSettings(words: 20, temperature: 1, topK: 0, seed: 1))
        let expected = generator.run()
        #expect(s.lessonOnScreen.instruments.writer?.written == expected)
        #expect(expected.joined(separator: " ") == "has given stronger money .")
        #expect(s.lessonOnScreen.sentence == "it is a truth that every young man has given stronger money .")
        #expect(s.status.contains("the sentence ended after 5 words"))
        #expect(view(s).text.contains("The LSTM writes · temperature 1.00 · top-k all · seed 1"))
        // t four times: greedy.
        for _ in 0..<4 { _ = update(&s, .key(.character("t"))) }
        #expect(s.lessonOnScreen.instruments.writer?.temperature == 0)
        writeToTheEnd(&s)
        #expect(s.lessonOnScreen.instruments.writer?.written.joined(separator: " ") == "is a very good .")
        // T up to 2: twenty words, no full stop.
        for _ in 0..<7 { _ = update(&s, .key(.character("T"))) }
        #expect(s.lessonOnScreen.instruments.writer?.temperature == 2)
        writeToTheEnd(&s)
        let hot = try #require(s.lessonOnScreen.instruments.writer?.written)
        #expect(hot.count == 20 && !hot.contains(".") && hot.prefix(4) == ["lives", "born", "jokes", "enough"])
        #expect(s.lessonOnScreen.instruments.writer?.stop == .wordLimit)
        // Esc: back to the sentence before; w again, Space stops, Enter keeps.
        _ = update(&s, .key(.escape))
        #expect(s.lessonOnScreen.instruments.writer == nil && s.lessonOnScreen.sentence == s.lesson?.lab.sentence && s.lessonOnScreen.cursorWord == 7)
        _ = update(&s, .key(.character("w")))
        for _ in 0..<(2 * WriterSession.pace) { _ = update(&s, .tick) }
        _ = update(&s, .key(.character(" ")))
        #expect(s.lessonOnScreen.instruments.writer?.isWriting == false && s.lessonOnScreen.instruments.writer?.written.count == 2)
        let kept = s.lessonOnScreen.sentence
        _ = update(&s, .key(.enter))
        #expect(s.lessonOnScreen.instruments.writer == nil && s.lessonOnScreen.sentence == kept && s.keymapMode == .lesson)
    }

    /// Lesson 7: from "my dear , i am very" the LSTM at temperature 1, seed 1, draws an unlikely "teach" and drifts.
    @Test func lessonSevensExposureBiasRun() throws {
        var s = try lesson("training")
        _ = update(&s, .key(.character("2")))
        for _ in 0..<5 { _ = update(&s, .key(.right)) }
        _ = update(&s, .key(.character("w")))
        var chances: [String: Double] = [:]
        while s.lessonOnScreen.instruments.writer?.isWriting == true {
            _ = update(&s, .tick)
            if let writer = s.lessonOnScreen.instruments.writer, let last = writer.written.last, let p = writer.lastProbability { chances[last] = p }
        }
        #expect(s.lessonOnScreen.instruments.writer?.written.joined(separator: " ") == "sorry to teach you to bed what it is married .")
        #expect((chances["teach"] ?? 1) < 0.05, "\(chances)")
        for _ in 0..<4 { _ = update(&s, .key(.character("t"))) }
        writeToTheEnd(&s)
        #expect(s.lessonOnScreen.instruments.writer?.written.joined(separator: " ") == "glad to be sure .")
    }

    /// Lesson 5: on the typed quotation sentence, the LSTM's unit 17 leads the ranking at about +1.8;
    /// Enter asks the runtime for a search, whose answer the panel then lists.
    @Test func uRanksTheUnitsOfASpanAndAsksForASearch() throws {
        var s = try lesson("lstm")
        _ = update(&s, .key(.character("e")))
        for _ in 0..<300 { _ = update(&s, .key(.backspace)) }
        for c in "she said , \" i am sure he will come \" , and went out ." { _ = update(&s, .key(.character(c))) }
        _ = update(&s, .key(.enter))
        #expect(s.lessonOnScreen.trace?.tokens.count == 16)
        _ = update(&s, .key(.character("u")))
        #expect(s.keymapMode == .finder)
        for _ in 0..<4 { _ = update(&s, .key(.right)) }
        _ = update(&s, .key(.character("[")))
        for _ in 0..<5 { _ = update(&s, .key(.right)) }
        _ = update(&s, .key(.character("]")))
        let finder = try #require(s.lessonOnScreen.instruments.finder)
        #expect(finder.spanStart == 4 && finder.spanEnd == 9)
        let top = try #require(finder.chosen)
        #expect(top.unit == 17 && abs(top.score - 1.81) < 0.02 && abs(top.meanInside - 0.83) < 0.01 && top.meanOutside < 0)
        #expect(view(s).text.contains("unit  17  +1.81"))
        let effects = update(&s, .key(.enter))
        let request = UnitSearchRequest(model: s.lessonOnScreen.modelIndex, layer: 0, unit: 17, highest: true)
        #expect(effects == [.searchUnit(request)])
        #expect(s.lessonOnScreen.instruments.finder?.searching == true && s.isAnimating)
        // The worker, on a small text of our own (the held-out text takes the runtime's thread).
        let worker = UnitSearchWorker { ["she said \" i am glad \" and left .", "the cat sat on the mat ."] }
        let answer = worker.search(request, model: try #require(s.model))
        #expect(answer.lines == 2 && answer.contexts.count == 2 && answer.contexts[0].tokens.first == "she")
        _ = update(&s, .unitSearched(answer))
        #expect(s.lessonOnScreen.instruments.finder?.searching == false)
        let screen = view(s).text
        #expect(screen.contains("Where unit 17 is highest in the held-out text (2 lines)"))
        #expect(screen.contains("she said \" i am glad \" and left ."))
        // Another unit: the old contexts go; Esc closes.
        _ = update(&s, .key(.down))
        #expect(s.lessonOnScreen.instruments.finder?.found == nil)
        _ = update(&s, .key(.escape))
        #expect(s.lessonOnScreen.instruments.finder == nil && s.keymapMode == .lesson)
    }

    /// The runtime carries the search out on its worker and answers on a later beat.
    @Test func theRuntimeSearchesOffTheUpdatePath() async throws {
        var state = try lesson("lstm")
        state.width = 120
        let worker = UnitSearchWorker { ["he said \" yes \" .", "no quotation here ."] }
        let runtime = TutorRuntime(state, book: nil, worker: nil, unitSearch: worker)
        runtime.handle(.key(.character("u")))
        runtime.handle(.key(.enter))
        #expect(runtime.state.lessonOnScreen.instruments.finder?.searching == true)
        var beats = 0
        while runtime.state.lessonOnScreen.instruments.finder?.searching == true && beats < 500 {
            try await Task.sleep(for: .milliseconds(10))
            runtime.handle(.tick)
            beats += 1
        }
        #expect(runtime.state.lessonOnScreen.instruments.finder?.found?.lines == 2)
    }
}

/// `L` and a lesson's `model:` (lesson 2 loads the 2-layer LSTM beside the three).
@Suite struct LayerAndModelTests {
    static func fourModels(names: Bool) throws -> TutorState {
        let root = UpdateAndViewTests.root
        let models = try ["rnn", "lstm", "gru", "lstm2"].map { try Model.load(path: root.appendingPathComponent("models/\($0).safetensors").path) }
        let course = try CoursePack.load(directory: root.appendingPathComponent("lessons").path)
        return TutorState(course: course, models: names ? models : Array(models.prefix(3)),
                          modelNames: names ? ["rnn", "lstm", "gru", "lstm2"] : ["rnn", "lstm", "gru"],
                          width: 200, height: 60, ascii: false, color: true)
    }

    @Test func lessonTwoLoadsTheStackedModelAndLCyclesItsLayers() throws {
        // Not loaded yet: opening lesson 2 asks for it; the answer adds it, the lab stays on the RNN.
        var fresh = try Self.fourModels(names: false)
        fresh.selectedLesson = try #require(fresh.course.lessons.firstIndex { $0.id == "recurrent-cell" })
        #expect(fresh.lesson?.lab.model == "lstm2")
        let effects = update(&fresh, .key(.enter))
        #expect(effects.contains(.loadModel(name: "lstm2")))
        let lstm2 = try Model.load(path: UpdateAndViewTests.root.appendingPathComponent("models/lstm2.safetensors").path)
        _ = update(&fresh, .modelLoaded(ModelDelivery(name: "lstm2", model: lstm2)))
        #expect(fresh.models.count == 4 && fresh.model?.cell == .rnn)

        var s = try Self.fourModels(names: true)
        s.selectedLesson = try #require(s.course.lessons.firstIndex { $0.id == "recurrent-cell" })
        _ = update(&s, .key(.enter))
        #expect(s.model?.cell == .rnn)
        _ = update(&s, .key(.character("L")))
        #expect(s.status.contains("one layer"))
        for _ in 0..<3 { _ = update(&s, .key(.character("c"))) }
        #expect(s.model?.architecture.layerCount == 2)
        #expect(view(s).text.contains("Sentence (LSTM 2-layer, layer 2 of 2, word"))
        let top = try #require(s.lessonOnScreen.shownTrace)
        _ = update(&s, .key(.character("L")))
        let bottom = try #require(s.lessonOnScreen.shownTrace)
        let trace = try #require(s.lessonOnScreen.trace)
        let h = trace.hiddenSize
        #expect(Array(bottom.steps[3].hidden) == Array(trace.forward.layers[0].hidden[(3 * h)..<(4 * h)]))
        #expect(bottom.steps[3].top.map(\.id) == top.steps[3].top.map(\.id))   // the prediction is the top layer's
        let adjoint = trace.gradients.hiddenAdjoints[0][0..<h].reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(Double(bottom.hiddenGradientNorms[0]) - adjoint) <= 1e-4 + 1e-3 * adjoint)
        let screen = view(s).text
        #expect(screen.contains("Hidden state hₜ (LSTM 2-layer, layer 1 of 2)"))
        // Lesson 2's numbers: with the loss on "down", about 0.12 of the bottom layer's gradient reaches "she", 0.10 of the top's.
        _ = update(&s, .key(.character("J")))
        let bound = try #require(s.lessonOnScreen.instruments.jacobian?.bound)
        #expect(bound.lossStep == 8)
        #expect(abs(bound.layers[0].measuredRatio[0] - 0.12) < 0.01 && abs(bound.layers[1].measuredRatio[0] - 0.095) < 0.01)
        #expect(view(s).text.contains("Jacobian ∂(hₜ,cₜ)/∂(hₜ₋₁,cₜ₋₁) of the LSTM 2-layer, layer 1 of 2"))
        _ = update(&s, .key(.character("L")))
        #expect(s.lessonOnScreen.instruments.layer == nil && s.status.contains("layer 2 of 2"))
        // The overlay keeps one model per cell.
        _ = update(&s, .key(.character("o")))
        #expect(s.lessonOnScreen.overlayTraces.count == 3)
    }
}
