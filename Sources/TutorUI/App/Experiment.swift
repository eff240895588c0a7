import RNNCore

/// The latest state of a running experiment (the race or the explorer), as the worker hands it to the screen.
public struct ExperimentSnapshot: Equatable, Sendable {
    public var race: AddingRace
    /// False once the worker has stopped (finished, or stopped by the learner).
    public var running: Bool

    public init(race: AddingRace, running: Bool) {
        self.race = race
        self.running = running
    }

    /// Two snapshots are the same moment of the same run.
    public static func == (a: ExperimentSnapshot, b: ExperimentSnapshot) -> Bool {
        a.race.step == b.race.step && a.running == b.running && a.race.settings == b.race.settings
    }
}

/// The race or the explorer: its settings and the latest snapshot of the run.
public struct ExperimentSession: Equatable, Sendable {
    public enum Kind: Equatable, Sendable { case race, explorer }
    public var kind: Kind
    public var settings: AddingRace.Settings
    /// The run so far (nil before the first start).
    public var snapshot: ExperimentSnapshot? = nil
    /// The learner stopped the run before its end.
    public var stopped = false
    /// The explorer's previous run: its loss curve and cell, drawn as a dim ghost beside the new one.
    public var ghost: (cell: CellKind, lossCurve: [Float])? = nil

    public static func == (a: ExperimentSession, b: ExperimentSession) -> Bool {
        a.kind == b.kind && a.settings == b.settings && a.snapshot == b.snapshot && a.stopped == b.stopped
            && a.ghost?.cell == b.ghost?.cell && a.ghost?.lossCurve == b.ghost?.lossCurve
    }

    public var isRunning: Bool { snapshot?.running ?? false }

    /// The race: all three cells, defaults that show the textbook result in a couple of minutes.
    public static func race(length: Int = 50) -> ExperimentSession {
        var settings = AddingRace.Settings()
        settings.length = length
        return ExperimentSession(kind: .race, settings: settings)
    }

    /// The explorer: one cell, the knobs from the lesson's preset. The defaults (T = 50, 2,000
    /// steps, clipping at norm 1) are the README's race at T = 50: about 2–3 s per cell on one
    /// core, after which the LSTM and the GRU have learned the task and the plain RNN has not.
    public static func explorer(cell: CellKind, whhScale: Float, clipping: Bool) -> ExperimentSession {
        var settings = AddingRace.Settings()
        settings.cells = [cell]
        settings.length = 50
        settings.steps = 2000
        settings.whhScale = whhScale
        settings.clipNorm = clipping ? 1 : nil
        return ExperimentSession(kind: .explorer, settings: settings)
    }

    /// The lengths the race offers (the README's table has a row for each).
    public static let lengths = [10, 25, 50, 100]
    /// The run lengths the race offers, in training steps.
    public static let stepChoices = [500, 1000, 2000, 4000, 8000]
}
