/// Colours for values in [0, 1], as gates take: dark for closed, bright for
/// open. Without colour, a character of growing weight stands in.
public enum SequentialRamp {
    static let palette: [UInt8] = [236, 238, 240, 243, 246, 249, 252, 229, 226, 220]
    static let shades: [Character] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]

    static func slot(_ value: Float) -> Int {
        guard value.isFinite else { return value > 0 ? palette.count - 1 : 0 }
        return min(max(Int(value * Float(palette.count)), 0), palette.count - 1)
    }

    public static func color(_ value: Float) -> Color { .indexed(palette[slot(value)]) }
    public static func character(_ value: Float) -> Character { shades[slot(value)] }
}
