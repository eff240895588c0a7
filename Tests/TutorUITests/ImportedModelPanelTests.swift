import Foundation
import ModelFile
import Testing
import Trace
@testable import TutorUI

/// A model converted from PyTorch's word-language-model example (a ReLU RNN
/// with an <eos> entry): the panels follow what it is.
@Suite struct ImportedModelPanelTests {
    static let model = try! Model.load(path: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("TraceTests/Fixtures/torch_example_relu.safetensors").path)

    @Test func thePredictionPanelNamesTheEndOfTheSentence() throws {
        let trace = try SentenceTrace.compute(model: Self.model, input: .text("The cat sat on the mat ."))
        let step = try #require(trace.steps.indices.last { t in trace.steps[t].top.contains { $0.label == "<eos>" } })
        var grid = CellGrid(width: 44, height: 8)
        PredictionPanel.draw(trace, step: step, in: grid.bounds, on: &grid, options: RenderOptions(ascii: true))
        #expect(grid.text.contains("end of sentence"))
        #expect(!grid.text.contains("<eos>"))
    }

    @Test func theHiddenStateScaleFollowsTheReLU() throws {
        let trace = try SentenceTrace.compute(model: Self.model, input: .text("The dog ran to the park ."))
        var grid = CellGrid(width: 60, height: 16)
        HiddenStatePanel.draw(trace, step: 3, firstUnit: 0, in: grid.bounds, on: &grid, options: RenderOptions(color: false))
        #expect(grid.text.contains("(ReLU: h ≥ 0)") && !grid.text.contains("−1"))
        #expect(trace.hiddenScale == trace.steps.flatMap(\.hidden).max())
    }
}
