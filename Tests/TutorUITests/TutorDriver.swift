import Foundation
import Practice
@testable import TutorUI

/// The tutor as TutorCommand runs it, for tests: a runtime with a store and a worker (or
/// none), a clock the test sets, and the state read (and set up) through its fields.
@dynamicMemberLookup
final class TutorDriver {
    let runtime: TutorRuntime
    /// The time each message is handled at.
    var now: Date

    init(_ state: TutorState, book: ProgressBook? = nil, worker: ExperimentWorker? = nil) {
        runtime = TutorRuntime(state, book: book, worker: worker)
        now = state.now
    }

    var state: TutorState { runtime.state }

    subscript<T>(dynamicMember path: WritableKeyPath<TutorState, T>) -> T {
        get { runtime.state[keyPath: path] }
        set { runtime.state[keyPath: path] = newValue }
    }

    subscript<T>(dynamicMember path: KeyPath<TutorState, T>) -> T { runtime.state[keyPath: path] }
}

/// One turn of the loop, as TutorCommand runs it.
func advance(_ tutor: inout TutorDriver, _ message: Message) { tutor.runtime.handle(message, now: tutor.now) }

func view(_ tutor: TutorDriver) -> CellGrid { view(tutor.runtime.state) }
