import Foundation
import Trace

/// The model's most likely next words after the current word, as bars.
public enum PredictionPanel {
    /// `classifier`: the model labels the sentence rather than guessing the next word.
    public static func draw(_ trace: SentenceTrace, step: Int, classifier: Bool = false, in rect: Rect, on grid: inout CellGrid,
                            ascii: Bool) {
        let word = trace.tokens[step]
        let caption = classifier ? "the class the network gives the words so far; bar = probability"
                                 : "the next word the network expects; bar = probability"
        let body = PanelFrame.draw("Prediction after \"\(word)\"", caption: caption, in: rect, on: &grid, ascii: ascii)
        let entries = trace.steps[step].top.prefix(body.height)
        let endOfSentence = "end of sentence"
        let label = { (id: Int, text: String) in id == trace.endOfSentenceID ? endOfSentence : text }
        let labelWidth = min(entries.contains { $0.id == trace.endOfSentenceID } ? endOfSentence.count : 14,
                             entries.map { displayWidth(of: label($0.id, $0.label)) }.max() ?? 0)
        for (row, entry) in entries.enumerated() {
            let y = body.y + row
            // A model's "<eos>" says nothing to a learner; the panel says what it means.
            grid.put(label(entry.id, entry.label), x: body.x, y: y, clip: Rect(x: body.x, y: y, width: labelWidth, height: 1))
            let percent = entry.probability.isFinite ? String(format: "%5.1f%%", entry.probability * 100) : "  nan"
            let barX = body.x + labelWidth + 1
            let barWidth = max(0, body.maxX - barX - percent.count - 1)
            grid.put(Bar.text(Double(entry.probability), width: barWidth, ascii: ascii), x: barX, y: y,
                     style: Style(foreground: .cyan), clip: body)
            grid.put(percent, x: body.maxX - percent.count, y: y, clip: body)
        }
    }
}
