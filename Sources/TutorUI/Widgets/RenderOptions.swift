/// How a frame is drawn: with colour or without, in Unicode or in ASCII. One value
/// handed to every panel and widget instead of two Bools.
public struct RenderOptions: Equatable, Sendable {
    public var color: Bool
    public var ascii: Bool

    public init(color: Bool = true, ascii: Bool = false) {
        self.color = color
        self.ascii = ascii
    }

    /// Whether a letter, not a colour, has to tell series apart (no colour, or an ASCII terminal).
    public var letters: Bool { ascii || !color }

    /// Panel text as it should appear: spelled in ASCII when asked.
    func spell(_ text: String) -> String { ascii ? plain(text) : text }
}

extension TutorState {
    /// The state's colour and ASCII choices as one value for the drawing code.
    var render: RenderOptions { RenderOptions(color: color, ascii: ascii) }
}
