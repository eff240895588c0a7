import Foundation
import Trace

/// The status line's account of the gradient plot, in the words the bars show.
enum GradientSummary {
    /// The share of the loss's gradient left at word 1, as a power of ten (nil: none reaches it).
    static func decades(_ norms: [Float], loss: Int) -> Int? {
        let atLoss = norms[loss], atFirst = norms[0]
        guard atLoss > 0, atFirst > 0, atLoss.isFinite, atFirst.isFinite else { return nil }
        return Int(log10(Double(atFirst / atLoss)).rounded())
    }

    /// Share of the hidden values, over the words up to the loss, at |h| > 0.95 (tanh's flat ends).
    static func saturation(_ trace: SentenceTrace) -> Double {
        let values = trace.steps.prefix(trace.loss.step + 1).flatMap(\.hidden)
        guard !values.isEmpty else { return 0 }
        return Double(values.filter { abs($0) > 0.95 }.count) / Double(values.count)
    }

    static func text(_ trace: SentenceTrace, prefix: String, whhScale: Float, classifier: Bool) -> String {
        let norms = trace.hiddenGradientNorms, k = trace.loss.step
        let loss = LossLabel.text(trace, classifier: classifier)
        if !norms[k].isFinite || !norms[0].isFinite { return "\(prefix): the gradient is not finite (it exploded) · \(loss)" }
        guard norms[k] > 0 else { return "\(prefix) · \(loss)" }
        guard let h = decades(norms, loss: k) else {
            return "\(prefix): no gradient at all reaches word 1"
                + (whhScale == 0 ? " (W_hh × 0 cuts every path back through time)" : " (it shrank below the smallest float)")
                + " · \(loss)"
        }
        var said = "\(prefix): at word 1 the gradient is about 10^\(h) of its value at the loss"
        if let cell = trace.cellGradientNorms, let c = decades(cell, loss: k) {
            said = "\(prefix): at word 1 ‖∂L/∂h‖ is about 10^\(h) and the cell state's ‖∂L/∂c‖ 10^\(c) of their values at the loss"
        }
        if trace.cell == .rnn && whhScale > 1 && h <= -2 {
            let share = Int((saturation(trace) * 100).rounded())
            said += "; it vanishes although W_hh is scaled up: \(share)% of the hidden values sit near ±1, where tanh is flat"
        } else if trace.cell == .rnn && whhScale > 1 && h >= 2 {
            said += ": it grows at every step back"
        }
        return said + " · \(loss)"
    }
}
