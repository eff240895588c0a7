import Trace
/// How a frame is drawn: with colour or without, in Unicode or in ASCII. One value
/// handed to every panel and widget instead of two Bools.
public struct RenderOptions: Equatable, Sendable {
    public var color: Bool
    public var ascii: Bool
    /// What the lesson's panels call the model they show, when its cell alone does not say it
    /// (a stacked model's layer, a second model of the same cell); nil: the cell's name.
    public var modelName: String? = nil

    public init(color: Bool = true, ascii: Bool = false) {
        self.color = color
        self.ascii = ascii
    }

    /// Whether a letter, not a colour, has to tell series apart (no colour, or an ASCII terminal).
    public var letters: Bool { ascii || !color }

    /// The name a panel title gives the traced model.
    func name(_ trace: SentenceTrace) -> String { modelName ?? trace.cell.displayName }

    /// Panel text as it should appear: spelled in ASCII when asked.
    func spell(_ text: String) -> String { ascii ? plain(text) : text }
}

extension TutorState {
    /// The state's colour and ASCII choices as one value for the drawing code.
    var render: RenderOptions { RenderOptions(color: color, ascii: ascii) }
}
