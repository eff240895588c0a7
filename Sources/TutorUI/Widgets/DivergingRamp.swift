/// Colours for values around zero, as the hidden-state heat map needs: blue
/// for negative, grey near zero, red for positive, stronger with magnitude.
/// Without colour, a character carries the sign and size instead.
public enum DivergingRamp {
    /// xterm-256 colours from strong negative to strong positive.
    static let palette: [UInt8] = [21, 27, 33, 39, 75, 117, 250, 217, 210, 203, 197, 160]
    /// Characters from strong negative to strong positive, for --no-color.
    static let shades: [Character] = ["=", "=", "-", "-", "~", " ", " ", "'", "+", "+", "#", "#"]
    /// How to read the characters, for a panel's caption.
    public static let characterLegend = "−1 = - ~ 0 ' + # +1"

    /// The palette slot of `value` on a scale of ±`limit`.
    static func slot(_ value: Float, limit: Float) -> Int {
        guard value.isFinite, limit > 0 else { return value > 0 ? palette.count - 1 : 0 }
        let t = min(max(value / limit, -1), 1)                     // −1 … 1
        let index = Int(((t + 1) / 2 * Float(palette.count)).rounded(.down))
        return min(index, palette.count - 1)
    }

    public static func color(_ value: Float, limit: Float) -> Color { .indexed(palette[slot(value, limit: limit)]) }

    public static func character(_ value: Float, limit: Float) -> Character { shades[slot(value, limit: limit)] }
}
