import RNNCore
import Trace

/// Every unit of the top layer's h over the words read so far: a heat map with
/// units down and time across, the current word's column marked, and the
/// current values written out beside it. Units that do not fit are scrolled.
public enum HiddenStatePanel {
    /// Units whose current value changed by at least this much since the last key get an arrow.
    static let movedThreshold: Float = 0.05

    /// `previous`: the current word's values before the last key, to mark what moved.
    public static func draw(_ trace: SentenceTrace, step: Int, firstUnit: Int, previous: [Float]? = nil, in rect: Rect,
                            on grid: inout CellGrid, options: RenderOptions) {
        let h = trace.hiddenSize
        let visibleRows = max(0, rect.height - 2)
        let first = min(max(firstUnit, 0), max(0, h - visibleRows))
        let last = min(h, first + visibleRows)
        let scrolled = visibleRows == 0 ? "no room for the units here"
            : last - first < h ? "units \(first + 1)–\(last) of \(h), ↑↓ scroll" : "all \(h) units"
        // tanh keeps h in −1…+1; a ReLU RNN's h is ≥ 0 and unbounded, so its scale is 0 … the largest h.
        let limit = trace.hiddenScale
        let scale = trace.forward.architecture.nonlinearity == .relu
            ? (options.color ? "0 … red +\(Numbers.value(limit)) (ReLU: h ≥ 0)" : "0 ' + # +\(Numbers.value(limit)) (ReLU: h ≥ 0)")
            : (options.color ? "blue −1 … red +1" : DivergingRamp.characterLegend)
        let body = PanelFrame.draw("Hidden state hₜ (\(options.name(trace)))",
                                   caption: "\(scrolled); \(scale); a column per word" + (previous == nil ? "" : "; ▲▼ moved"),
                                   in: rect, on: &grid, options: options)
        guard body.height > 0 else { return }
        let valueWidth = 8, labelWidth = 4
        let mapWidth = max(0, body.width - labelWidth - valueWidth)
        // Up to 3 columns per word while they fit; the most recent words stay in view.
        let columnWidth = max(1, min(3, mapWidth / (step + 1)))
        let firstStep = max(0, step + 1 - mapWidth / columnWidth)
        for (row, unit) in (first..<last).enumerated() {
            let y = body.y + row
            grid.put(String(unit + 1).leftPadded(to: labelWidth - 1), x: body.x, y: y, style: PanelFrame.captionStyle, clip: body)
            for t in firstStep...step {
                let value = trace.steps[t].hidden[unit]
                let x = body.x + labelWidth + (t - firstStep) * columnWidth
                let cell = HeatStrip.cell(value, .diverging(limit: limit), width: columnWidth, current: t == step, options)
                grid.put(cell.text, x: x, y: y, style: cell.style,
                         clip: Rect(x: body.x, y: body.y, width: body.width - valueWidth, height: body.height))
            }
            let value = trace.steps[step].hidden[unit]
            var mark = " "
            if let previous, previous.indices.contains(unit), abs(value - previous[unit]) >= movedThreshold {
                mark = value > previous[unit] ? "▲" : "▼"
            }
            grid.put(Numbers.value(value).leftPadded(to: valueWidth - 2) + mark, x: body.maxX - valueWidth + 1, y: y,
                     style: mark == " " ? .plain : Style(bold: true), clip: body)
        }
    }
}

extension SentenceTrace {
    /// The hidden-state heat map's ±limit: 1 for tanh; for ReLU the largest h of the sentence.
    var hiddenScale: Float {
        guard forward.architecture.nonlinearity == .relu else { return 1 }
        let largest = steps.lazy.flatMap(\.hidden).filter(\.isFinite).max() ?? 0
        return largest > 0 ? largest : 1
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: " ", count: max(0, width - displayWidth(of: self))) + self
    }
}
