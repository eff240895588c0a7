/// Escape sequences that reach the program as bytes because the terminal's terminfo entry
/// does not name them (Home sent as `ESC [1~` under a TERM whose entry lacks it, say).
/// Without this, such a key arrives as Esc plus letters: Esc leaves the lesson and the
/// letters act as keys of their own.
public enum EscapeSequence {
    /// Whether a character after Esc starts a sequence (CSI `[` or SS3 `O`); anything else is a key of its own.
    public static func canStart(_ code: UInt32) -> Bool { code == 0x5B || code == 0x4F }

    /// Whether `codes` (what followed an Esc) could still grow into a longer sequence.
    public static func isIncomplete(_ codes: [UInt32]) -> Bool {
        guard let first = codes.first else { return true }
        switch first {
        case 0x5B:   // CSI: ESC [ parameters… intermediates… final (0x40–0x7E)
            return !codes.dropFirst().contains { (0x40...0x7E).contains($0) }
        case 0x4F:   // SS3: ESC O and one more character
            return codes.count < 2
        default:
            return false
        }
    }

    /// The key a complete sequence stands for: the common Home/End spellings and the arrows
    /// map to their keys; any other well-formed sequence is swallowed whole (nil), so no stray
    /// letter acts as a key. `[]` (Esc alone) is Escape.
    public static func decode(_ codes: [UInt32]) -> Key? {
        guard let first = codes.first else { return .escape }
        let body = String(String.UnicodeScalarView(codes.dropFirst().compactMap(Unicode.Scalar.init)))
        switch (first, body) {
        case (0x5B, "1~"), (0x5B, "7~"), (0x5B, "H"), (0x4F, "H"): return .home
        case (0x5B, "4~"), (0x5B, "8~"), (0x5B, "F"), (0x4F, "F"): return .end
        case (0x5B, "A"), (0x4F, "A"): return .up
        case (0x5B, "B"), (0x4F, "B"): return .down
        case (0x5B, "C"), (0x4F, "C"): return .right
        case (0x5B, "D"), (0x4F, "D"): return .left
        case (0x5B, "5~"): return .pageUp
        case (0x5B, "6~"): return .pageDown
        case (0x5B, "3~"): return .delete
        case (0x5B, _), (0x4F, _): return nil
        default: return nil   // Alt plus a key: not a key the tutor binds
        }
    }
}
