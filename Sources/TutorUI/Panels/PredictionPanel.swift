import Foundation
import Trace

/// The model's most likely next words after the current word, as bars.
public enum PredictionPanel {
    /// `classifier`: the model labels the sentence rather than guessing the next word.
    /// `unknown`: a language model's unknown-word token and the vocabulary; it stands for every
    /// word outside the vocabulary, so it is not ranked with the words but shown on its own line.
    public static func draw(_ trace: SentenceTrace, step: Int, classifier: Bool = false,
                            unknown: (id: Int, vocabulary: [String])? = nil, in rect: Rect, on grid: inout CellGrid,
                            options: RenderOptions) {
        let word = trace.tokens[step]
        let unknown = classifier ? nil : unknown
        let caption = classifier ? "the class the network gives the words so far; bar = probability"
            : unknown == nil ? "the next word the network expects; bar = probability"
            : "next known word; <unk> = any word outside the vocabulary"
        let body = PanelFrame.draw("Prediction after \"\(word)\"", caption: caption, in: rect, on: &grid, options: options)
        guard body.height > 0 else { return }
        // Each row: its label and label style, its probability and bar style (an empty label: a gap).
        var rows: [(label: String, labelStyle: Style, probability: Float, bar: Style)]
        let wordBar = Style(foreground: .cyan)
        // A model's "<eos>" says nothing to a learner; the panel says what it means.
        func label(_ id: Int, _ text: String) -> String { id == trace.endOfSentenceID ? "end of sentence" : text }
        if let unknown, let token = unknown.vocabulary.indices.contains(unknown.id) ? unknown.vocabulary[unknown.id] : nil {
            let (ranked, rare) = trace.ranked(at: step, count: min(5, max(1, body.height - 1)), apart: unknown.id)
            rows = ranked.map {
                (label($0.id, unknown.vocabulary.indices.contains($0.id) ? unknown.vocabulary[$0.id] : "#\($0.id)"), .plain, $0.probability, wordBar)
            }
            if body.height >= ranked.count + 2 { rows.append(("", .plain, .nan, .plain)) }   // a gap sets the rare words apart
            rows.append(("other \(token)", Style(foreground: .magenta, italic: true), rare ?? 0, Style(foreground: .magenta)))
        } else {
            rows = trace.steps[step].top.map { (label($0.id, $0.label), .plain, $0.probability, wordBar) }
        }
        rows = Array(rows.prefix(body.height))
        let labelWidth = min(rows.contains { $0.label == "end of sentence" } ? 15 : 14, rows.map { displayWidth(of: $0.label) }.max() ?? 0)
        for (row, entry) in rows.enumerated() where !entry.label.isEmpty {
            let y = body.y + row
            grid.put(entry.label, x: body.x, y: y, style: entry.labelStyle, clip: Rect(x: body.x, y: y, width: labelWidth, height: 1))
            let percent = Numbers.percent(entry.probability)
            let barX = body.x + labelWidth + 1
            let barWidth = max(0, body.maxX - barX - percent.count - 1)
            grid.put(Bar.text(Double(entry.probability), width: barWidth, ascii: options.ascii), x: barX, y: y, style: entry.bar, clip: body)
            grid.put(percent, x: body.maxX - percent.count, y: y, clip: body)
        }
    }
}
