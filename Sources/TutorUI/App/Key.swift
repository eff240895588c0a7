/// A key press, as the update function sees it (the terminal layer translates).
public enum Key: Equatable, Sendable {
    case character(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case enter, escape, tab, backspace, delete
    case controlC
}

/// Everything that can change the tutor's state.
public enum Message: Equatable, Sendable {
    case key(Key)
    case resize(width: Int, height: Int)
    /// A timer beat: animations such as the backward sweep advance on it.
    case tick
    /// The tutor has just started: resume where the learner left off.
    case started
    /// The experiment worker's latest snapshot.
    case experiment(RaceSnapshot)
}
