import Trace

/// The network writing: its settings, the words it started from (dim) and the words it
/// wrote (bold, the newest reversed), wrapped to the panel, and how the writing stands.
public enum WriterPanel {
    public static func draw(_ writer: WriterSession, cell: String, in rect: Rect, on grid: inout CellGrid, options: RenderOptions) {
        let body = PanelFrame.draw("The \(cell) writes · \(writer.settingsLine)",
                                   caption: Keymap.hint(.writer, [([.cooler, .warmer], "temperature"), ([.fewerCandidates, .moreCandidates], "top-k"),
                                                                  ([.nextSeed], "seed"), ([.stopWriting], "stops"), ([.keepWritten], "keeps"),
                                                                  ([.back], "back")]),
                                   in: rect, on: &grid, options: options)
        guard body.height > 0 else { return }
        let textArea = Rect(x: body.x, y: body.y, width: body.width, height: max(0, body.height - 1))
        let prefix = writer.prefix.split(separator: " ").map(String.init)
        let words = prefix.map { ($0, Style(dim: true)) }
            + writer.written.enumerated().map { (i, word) in
                (word, Style(foreground: .green, bold: true, reverse: i == writer.written.count - 1 && writer.isWriting))
            }
        // Wrapped word by word; when the words outgrow the rows, the newest lines are kept.
        var lines: [[(String, Style)]] = [[]]
        var width = 0
        for word in words {
            let w = displayWidth(of: word.0)
            if width > 0 && width + 1 + w > textArea.width {
                lines.append([])
                width = 0
            }
            lines[lines.count - 1].append(word)
            width += (width > 0 ? 1 : 0) + w
        }
        for (row, line) in lines.suffix(textArea.height).enumerated() {
            var x = textArea.x
            for (word, style) in line {
                x += grid.put(options.spell(word), x: x, y: textArea.y + row, style: style, clip: textArea) + 1
            }
        }
        grid.put(TextLayout.fitted(options.spell(writer.progressLine), body.width), x: body.x, y: body.maxY - 1,
                 style: writer.problem == nil ? PanelFrame.captionStyle : Style(foreground: .red, bold: true), clip: body)
    }
}
