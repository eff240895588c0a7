import RNNCore
import Trace

/// The vanishing-gradient bound, live: for every word the largest stretch σ_max of the
/// one-step Jacobian ∂sₜ/∂sₜ₋₁ against the line at 1 (the LSTM's forget-gate mean beside
/// it), then for every word before the loss the product of those stretches up to the loss
/// against the ratio of gradient norms the backward pass really measured.
public enum JacobianPanel {
    public static func draw(_ bound: JacobianTrace, trace: SentenceTrace, layer: Int, cursor: Int, whhScale: Float,
                            in rect: Rect, on grid: inout CellGrid, options: RenderOptions) {
        guard bound.layers.indices.contains(layer), rect.height > 0 else { return }
        let values = bound.layers[layer]
        let lstm = trace.cell == .lstm
        let state = lstm ? "∂(hₜ,cₜ)/∂(hₜ₋₁,cₜ₋₁)" : "∂hₜ/∂hₜ₋₁"
        let title = "Jacobian \(state) of the \(options.name(trace)): σ_max per word" + GradientPanel.knob(whhScale)
        let forget = lstm ? (options.letters ? "; o forget gate mean" : "; cyan ◆ forget gate mean") : ""
        let line = options.letters ? "- -" : "┄┄"
        var body = PanelFrame.draw(title, caption: "log scale; \(line) 1: a bar above stretches the gradient, below shrinks it" + forget,
                                   in: rect, on: &grid, options: options)
        let k = bound.lossStep
        let t = min(max(cursor, 0), values.largestSingularValues.count - 1)
        if body.height >= 8 {
            grid.put(TextLayout.fitted(options.spell(cursorLine(values, trace: trace, step: t, lossStep: k, top: layer == bound.layers.count - 1)),
                                       body.width),
                     x: body.x, y: body.y, clip: body)
            body = body.splitTop(1).rest
        }
        // The stretches take the upper part; the product against the measured ratio the lower, when there is room.
        let (upper, lower) = body.height >= 10 ? body.splitTop(body.height / 2) : (body, Rect(x: body.x, y: body.maxY, width: body.width, height: 0))
        let sigmas = values.largestSingularValues
        let axis = LogScale(values: sigmas + (values.meanForgetGate ?? []) + [1])
        LogBarChart.draw([LogBarChart.Series(values: sigmas, style: Style(foreground: .yellow), letter: "s")],
                         through: sigmas.count - 1, emptyMessage: "no finite stretch", axis: axis, marks: values.meanForgetGate,
                         cursor: t, reference: 1, letters: options.letters, in: upper, on: &grid)
        guard lower.height >= 4 else { return }
        let product = options.letters ? "b" : "yellow"
        let measured = options.letters ? "r" : "magenta"
        let relation = layer == bound.layers.count - 1 ? "≥" : "vs (not a bound below the top layer)"
        // For the LSTM the state the recurrence carries is (h, c): the bound is on their joint gradient.
        let ratio = lstm ? "‖∂L/∂(hₜ,cₜ)‖/‖∂L/∂(h_K,c_K)‖" : "‖∂L/∂hₜ‖/‖∂L/∂h_K‖"
        let heading = "Π σ_max from t+1 to the loss (\(product)) \(relation) measured \(ratio) (\(measured))"
        grid.put(TextLayout.fitted(options.spell(heading), lower.width), x: lower.x, y: lower.y, style: PanelFrame.titleStyle, clip: lower)
        let chart = lower.splitTop(1).rest
        LogBarChart.draw([LogBarChart.Series(values: values.bound, style: Style(foreground: .yellow), letter: "b"),
                          LogBarChart.Series(values: values.measuredRatio, style: Style(foreground: .magenta), letter: "r")],
                         through: k, emptyMessage: "no gradient reaches any word", cursor: t, reference: 1,
                         letters: options.letters, in: chart, on: &grid)
    }

    /// The cursor's word in numbers: its stretch, and the product against the measured ratio.
    static func cursorLine(_ values: JacobianTrace.Layer, trace: SentenceTrace, step t: Int, lossStep k: Int, top: Bool) -> String {
        var parts = ["σ_max " + Numbers.setting(values.largestSingularValues[t])]
        if let f = values.meanForgetGate { parts.append("forget " + Numbers.setting(f[t])) }
        if t < k {
            let sign = top ? " ≥ " : " vs "
            parts.append("Π " + Numbers.scientific(values.bound[t]) + sign + "measured " + Numbers.scientific(values.measuredRatio[t]))
        } else if t > k {
            parts.append("after the loss: no gradient")
        }
        if k > 0 {   // the steps the product runs over: s = 1 … K (no step leads into the first word)
            let stretching = values.largestSingularValues[1...k].filter { $0 > 1 }.count
            parts.append("\(stretching)/\(k) steps to the loss above 1")
        }
        return "word \(t + 1) \"\(trace.tokens[t])\": " + parts.joined(separator: " · ")
    }
}
