import Practice

/// What `update` asks of the world beyond the state: the progress store and the
/// training thread. `TutorRuntime` carries effects out in order and answers with
/// messages; update itself holds no reference and does no I/O.
public enum Effect: Equatable, Sendable {
    /// Keep what the learner did (each event is written in its own transaction).
    case record(ProgressEvent)
    /// Read the cards due now (of one lesson, or all) and their states: answered with `.cardsDue`.
    case readDueCards(lesson: String?)
    /// Read how each question went before: answered with `.quizHistory`.
    case readQuizHistory
    /// Train the snapshot's experiment on the worker thread until its training step count
    /// reaches `until`: answered with `.experiment` snapshots on the timer beats.
    case train(ExperimentSnapshot, until: Int)
    case stopTraining
    /// Search the held-out text for where a unit is most active, on a worker thread: answered
    /// with `.unitSearched` on a later beat (cached per model, layer and unit).
    case searchUnit(UnitSearchRequest)
    /// Load a shipped model a lesson names (`model:`): answered with `.modelLoaded`.
    case loadModel(name: String)
}
