/// One value as one heat cell: a coloured background, or without colour a character
/// whose weight carries the value. The hidden-state map and the gates share it.
enum HeatStrip {
    enum Ramp {
        /// Around zero, on a scale of ±limit (hidden state, g, c, n, the RNN's a).
        case diverging(limit: Float)
        /// In [0, 1] (the gates i f o, r z).
        case sequential
    }

    /// The text and style of a heat cell `width` columns wide; `current` marks the cursor's word.
    static func cell(_ value: Float, _ ramp: Ramp, width: Int = 1, current: Bool = false,
                     _ options: RenderOptions) -> (text: String, style: Style) {
        if options.color {
            let background: Color
            switch ramp {
            case .diverging(let limit): background = DivergingRamp.color(value, limit: limit)
            case .sequential: background = SequentialRamp.color(value)
            }
            return (String(repeating: " ", count: width), Style(background: background, bold: current))
        }
        let character: Character
        switch ramp {
        case .diverging(let limit): character = DivergingRamp.character(value, limit: limit)
        case .sequential: character = SequentialRamp.character(value)
        }
        return (String(repeating: character, count: width), Style(reverse: current))
    }
}
