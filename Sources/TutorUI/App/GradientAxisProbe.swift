import ModelFile
import RNNCore
import Trace

/// The lesson's fixed gradient axis: worked out once per sentence from every loaded
/// cell at both ends of the W_hh knob's range, so that toggling the cell
/// or turning the knob moves the bars and not the axis. The gradient at the first word
/// changes monotonically with the scale on every model and sentence we measured; should a
/// later trace still fall outside, `retrace` widens the axis (it never narrows within a sentence).
enum GradientAxisProbe {
    /// The W_hh scales probed: the knob's smallest non-zero step and its top (the traces at
    /// the scale in use widen the axis should anything in between fall outside).
    static let scales: [Float] = [0.25, 4]

    /// Every ‖∂L/∂h‖ (and the LSTM's ‖∂L/∂c‖) the probes give, as series for `LogScale.covering`.
    static func series(models: LoadedModels, sentence: String, lossStep: Int?) -> [[Float]] {
        var result: [[Float]] = []
        for (model, head) in models {
            let weights = model.network.packedWeights(head: head)   // one packing serves every scale
            for scale in scales {
                // A session runs the vocabulary-wide head only at the loss step: the norms are all the axis needs.
                guard let trace = try? TraceSession(model: model, weights: weights, input: .text(sentence),
                                                    lossStep: lossStep, whhScale: scale) else { continue }
                result.append(trace.hiddenGradientNorms)
                if let cell = trace.cellGradientNorms { result.append(cell) }
            }
        }
        return result
    }
}

extension LessonSession {
    /// Sets the fixed axis for the current sentence and loss step.
    mutating func probeGradientAxis(models: LoadedModels) {
        gradientAxis = LogScale.covering(GradientAxisProbe.series(models: models, sentence: sentence, lossStep: lossWord))
        widenGradientAxis()
    }

    /// Widens the axis to what is on screen, should a trace fall outside the probes.
    mutating func widenGradientAxis() {
        let shown = (overlay ? overlayTraces : trace.map { [$0] } ?? []).flatMap { t in
            [t.hiddenGradientNorms] + (t.cellGradientNorms.map { [$0] } ?? [])
        }
        gradientAxis = LogScale.union(gradientAxis, LogScale.covering(shown))
    }

    /// The bars the gradient panel shows now (one series per cell when overlaid).
    var shownGradient: [[Float]]? {
        if overlay && overlayTraces.count > 1 { return overlayTraces.map(\.hiddenGradientNorms) }
        return trace.map { [$0.hiddenGradientNorms] }
    }
}
