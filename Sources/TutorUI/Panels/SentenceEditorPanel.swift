import ModelFile

/// The sentence being edited (`e`), with its cursor and, in red, the words the
/// model does not know (it reads each of them as its unknown-word entry).
public enum SentenceEditorPanel {
    public static func draw(_ editor: LineEditor, model: Model?, in rect: Rect, on grid: inout CellGrid, options: RenderOptions) {
        let unknown = unknownWords(in: editor.text, model: model)
        let caption = unknown.isEmpty ? "Enter traces it · Esc keeps the old one"
                                      : "Enter traces it · Esc keeps the old one · red: not in the vocabulary"
        let body = PanelFrame.draw("Edit the sentence", caption: caption, in: rect, on: &grid, options: options)
        guard body.height > 0, body.width > 2 else { return }
        let characters = Array(editor.text)
        var starts: [String.Index] = []
        var index = editor.text.startIndex
        for _ in characters { starts.append(index); index = editor.text.index(after: index) }
        // Scroll sideways so the cursor stays in view.
        var first = 0
        func width(_ range: Range<Int>) -> Int { range.reduce(0) { $0 + displayWidth(of: String(characters[$1])) } }
        while first < editor.cursor && width(first..<editor.cursor) + 1 > body.width - 1 { first += 1 }
        var x = body.x
        grid.put(first > 0 ? (options.ascii ? "<" : "…") : ">", x: x, y: body.y, style: Style(dim: true), clip: body)
        x += 2
        for i in first..<characters.count {
            let isUnknown = unknown.contains { $0.contains(starts[i]) }
            var style = isUnknown ? Style(foreground: .red, underline: true) : .plain
            if i == editor.cursor { style.reverse = true }
            let used = grid.put(String(characters[i]), x: x, y: body.y, style: style, clip: body)
            if used == 0 { break }
            x += used
        }
        if editor.cursor == characters.count { grid.put(" ", x: x, y: body.y, style: Style(reverse: true), clip: body) }
        if body.height > 1 && !unknown.isEmpty {
            let words = unknown.map { "\"\(editor.text[$0])\"" }.joined(separator: ", ")
            grid.put("unknown: \(words)", x: body.x, y: body.y + 1, style: Style(foreground: .red), clip: body)
        }
    }

    /// Where the words the model does not know stand in `text`.
    static func unknownWords(in text: String, model: Model?) -> [Range<String.Index>] {
        guard let model else { return [] }
        // `words(in:)` is made from `wordRanges(in:)`, one word per range, in order.
        return zip(Tokenizer.wordRanges(in: text, rule: model.tokenizer),
                   Tokenizer.words(in: text, lowercase: model.lowercase, rule: model.tokenizer))
            .filter { model.id(of: $0.1) == nil }.map(\.0)
    }
}
