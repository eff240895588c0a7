/// How a cell looks. Colours are indices into the terminal's palette; the
/// terminal layer maps them down to 8 colours, or drops them under NO_COLOR.
public struct Style: Hashable, Sendable {
    public var foreground: Color
    public var background: Color
    public var bold = false
    public var reverse = false
    public var dim = false
    public var italic = false
    public var underline = false

    public init(foreground: Color = .default, background: Color = .default, bold: Bool = false,
                reverse: Bool = false, dim: Bool = false, italic: Bool = false, underline: Bool = false) {
        self.italic = italic
        self.underline = underline
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
    }

    public static let plain = Style()
}

public enum Color: Hashable, Sendable {
    case `default`
    /// One of the 256 xterm colours (0–15 are the basic and bright ones).
    case indexed(UInt8)

    public static let red = Color.indexed(1), green = Color.indexed(2), yellow = Color.indexed(3)
    public static let blue = Color.indexed(4), magenta = Color.indexed(5), cyan = Color.indexed(6), white = Color.indexed(7)
}
