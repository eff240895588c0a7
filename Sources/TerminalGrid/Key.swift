/// A key press, as the update function sees it (the terminal layer translates).
public enum Key: Equatable, Sendable {
    case character(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case enter, escape, tab, backspace, delete
    case controlC
}

/// What the terminal reads: a key, a new size, or a beat with nothing read.
public enum TerminalInput: Equatable, Sendable {
    case key(Key)
    case resize(width: Int, height: Int)
    case tick
}
