import RNNCore
import Trace

extension SentenceTrace {
    /// The trace as the panels show one layer of a stacked model (`L`): that layer's hidden
    /// state, gates and cell state at every step, and the gradient norms ‖∂L/∂hₜ‖ (and
    /// ‖∂L/∂cₜ‖) of that layer; the prediction stays the top layer's (only it feeds the head).
    func showing(layer: Int) -> SentenceTrace {
        guard layer != layers - 1, forward.layers.indices.contains(layer) else { return self }
        let h = hiddenSize, k = loss.step
        let record = forward.layers[layer]
        var view = self
        view.steps = steps.indices.map { SentenceTrace.step(record, $0, top: steps[$0].top) }
        func norms(_ adjoints: [Float]) -> [Float] {
            SentenceTrace.gradientNorms(adjoints, steps: steps.count, width: h, lossStep: k)
        }
        view.hiddenGradientNorms = norms(gradients.hiddenAdjoints[layer])
        view.cellGradientNorms = cell == .lstm ? norms(gradients.cellAdjoints[layer]) : nil
        return view
    }
}

extension LessonSession {
    /// What the lesson's panels draw: the current trace at the layer `L` chose.
    var shownTrace: SentenceTrace? {
        guard let trace else { return nil }
        return trace.showing(layer: instruments.shownLayer(of: trace.layers))
    }
}

extension TutorState {
    /// How the panels name the model shown: its cell, told apart from another loaded model of the
    /// same cell by its layers and size, and for a stacked model the layer shown.
    var shownModelName: String? {
        guard let model else { return nil }
        let a = model.architecture
        let lesson = lessonOnScreen
        let twin = models.indices.contains { $0 != lesson.modelIndex && models[$0].model.cell == model.cell }
        var name = a.cell.displayName
        if twin { name += " \(a.layerCount)-layer" }
        if a.layerCount > 1 { name += ", layer \(lesson.instruments.shownLayer(of: a.layerCount) + 1) of \(a.layerCount)" }
        return name == a.cell.displayName ? nil : name
    }
}
