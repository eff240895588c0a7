import Foundation

/// Curves that grow as an experiment runs: one point per column, on a linear
/// axis with a dotted reference line (the loss against its 0.167 baseline) or
/// on a log axis (gradient norms). A point that is not finite, as after an
/// explosion, is drawn as a red "!" at the top: shown, never dropped. Without
/// colour (or in ASCII) each series' letter marks its points.
public enum CurvePlot {
    public struct Series: Sendable {
        public var values: [Float]
        public var style: Style
        /// The point when letters stand in for colour (a letter per cell).
        public var mark: String
        public init(values: [Float], style: Style, mark: String) {
            self.values = values
            self.style = style
            self.mark = mark
        }
    }

    public enum Axis: Sendable {
        case linear(low: Float, high: Float)
        case log
    }

    /// Two plots side by side when `area` is wide enough (the right one a column in from
    /// the divide), else the whole area for the first and none for the second.
    static func sideBySide(_ area: Rect) -> (left: Rect, right: Rect?) {
        guard area.width >= 70 else { return (area, nil) }
        let (left, right) = area.splitLeft(area.width / 2)
        return (left, Rect(x: right.x + 1, y: right.y, width: right.width - 1, height: right.height))
    }

    /// `capacity`: how many points a full run has, so the curves fill the width only at the end.
    public static func draw(_ series: [Series], axis: Axis, reference: (value: Float, label: String)? = nil, capacity: Int,
                            in rect: Rect, on grid: inout CellGrid, options: RenderOptions) {
        let axisWidth = 7
        guard rect.height >= 3, rect.width > axisWidth + 4 else { return }
        let plot = Rect(x: rect.x + axisWidth, y: rect.y, width: rect.width - axisWidth, height: rect.height)
        let rows = plot.height
        let position: (Float) -> Double?
        switch axis {
        case .linear(let low, let high):
            grid.put(Numbers.tick(high).leftPadded(to: axisWidth - 1), x: rect.x, y: plot.y, style: PanelFrame.captionStyle, clip: rect)
            grid.put(Numbers.tick(low).leftPadded(to: axisWidth - 1), x: rect.x, y: plot.maxY - 1, style: PanelFrame.captionStyle, clip: rect)
            position = { $0.isFinite ? min(max(Double(($0 - low) / (high - low)), 0), 1) : nil }
        case .log:
            guard let scale = LogScale(values: series.flatMap(\.values)) else {
                let empty = series.allSatisfy(\.values.isEmpty)
                grid.put(empty ? "the first point comes after a few steps" : "no finite positive value yet", x: plot.x, y: plot.y,
                         style: PanelFrame.captionStyle, clip: plot)
                return
            }
            grid.put(Numbers.decade(scale.highDecade).leftPadded(to: axisWidth - 1), x: rect.x, y: plot.y,
                     style: PanelFrame.captionStyle, clip: rect)
            grid.put(Numbers.decade(scale.lowDecade).leftPadded(to: axisWidth - 1), x: rect.x, y: plot.maxY - 1,
                     style: PanelFrame.captionStyle, clip: rect)
            position = { $0.isFinite && $0 > 0 ? scale.position($0) : ($0 == 0 ? 0 : nil) }
        }
        func row(_ p: Double) -> Int { plot.maxY - 1 - Int((p * Double(rows - 1)).rounded()) }
        let referenceRow = reference.flatMap { position($0.value) }.map(row)
        if let y = referenceRow {
            grid.put(String(repeating: "┄", count: plot.width), x: plot.x, y: y, style: Style(dim: true), clip: plot)
        }
        let columns = max(1, capacity)
        var above = false
        if case .linear(_, let high) = axis { above = series.contains { $0.values.contains { $0.isFinite && $0 > high } } }
        for line in series {
            for (i, value) in line.values.enumerated() {
                let x = plot.x + min(plot.width - 1, i * plot.width / columns)
                if let p = position(value) {
                    grid.put(options.letters ? line.mark : "•", x: x, y: row(p), style: line.style, clip: plot)
                } else {
                    grid.put("!", x: x, y: plot.y, style: Style(foreground: .red, bold: true), clip: plot)
                }
            }
        }
        // Labels last, so no point hides them.
        if let reference, let y = referenceRow {
            grid.put(" " + reference.label, x: plot.maxX - displayWidth(of: reference.label) - 1, y: y, style: Style(dim: true), clip: plot)
        }
        if above {
            let note = " ↑ above the scale "
            grid.put(note, x: plot.maxX - displayWidth(of: note), y: plot.y, style: Style(reverse: true, dim: true), clip: plot)
        }
    }
}
