/// A one-line text editor whose cursor moves over user-perceived characters
/// (grapheme clusters), so "é", "한" or "👍🏽" is one step however many code
/// points it is made of. Keys that are not editing keys are left to the caller.
public struct LineEditor: Equatable, Sendable {
    public private(set) var text: String
    /// The cursor, in characters from the start (0 … text.count).
    public private(set) var cursor: Int
    /// Enough for a passage of a hundred words or so (the long lab passages are about 300
    /// characters, and the learner must be able to add to them); longer input is refused, not cut.
    public static let limit = 600

    public init(_ text: String) {
        self.text = text
        self.cursor = text.count
    }

    /// Applies an editing key; returns false for keys the editor does not handle.
    public mutating func apply(_ key: Key) -> Bool {
        switch key {
        case .character(let character):
            // Control characters (Ctrl-A and the like) are not text.
            guard !character.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return true }
            guard text.count < Self.limit else { return true }
            let head = String(text.prefix(cursor)) + String(character)
            text = head + text.dropFirst(cursor)
            cursor = head.count   // a combining mark joins the character before it: the count may not grow
        case .backspace:
            guard cursor > 0 else { return true }
            text = String(text.prefix(cursor - 1)) + text.dropFirst(cursor)
            cursor -= 1
        case .delete:
            guard cursor < text.count else { return true }
            text = String(text.prefix(cursor)) + text.dropFirst(cursor + 1)
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home: cursor = 0
        case .end: cursor = text.count
        default: return false
        }
        return true
    }
}
