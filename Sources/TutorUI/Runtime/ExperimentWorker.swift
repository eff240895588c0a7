import Foundation
import RNNCore
import Synchronization

/// Trains an experiment on a thread of its own, so the screen stays responsive.
/// The runtime polls it on every tick for the latest snapshot; a new start or
/// `stop` ends the previous run between two training steps.
public final class ExperimentWorker: Sendable {
    private struct Shared {
        var generation = 0
        var latest: ExperimentSnapshot? = nil
    }
    private let shared = Mutex(Shared())
    /// How often a running race publishes its curves.
    private let publishEvery: Duration

    public init(publishEvery: Duration = .milliseconds(50)) {
        self.publishEvery = publishEvery
    }

    /// Trains `race` until its step count reaches `target`; at the end of a whole run,
    /// scores it on held-out sequences.
    public func start(_ race: AddingRace, until target: Int) {
        let generation = shared.withLock { shared -> Int in
            shared.generation += 1
            shared.latest = ExperimentSnapshot(race: race, running: true)
            return shared.generation
        }
        let thread = Thread { [self] in
            var race = race
            let clock = ContinuousClock()
            var lastPublished = clock.now
            while race.step < target && isCurrent(generation) {
                race.advance()
                if clock.now - lastPublished >= publishEvery {
                    publish(race, running: true, generation: generation)
                    lastPublished = clock.now
                }
            }
            if race.isFinished && isCurrent(generation) { race.evaluate() }
            publish(race, running: false, generation: generation)
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Ends the current run after the step in progress.
    public func stop() {
        shared.withLock { shared in
            shared.generation += 1
            if var last = shared.latest {
                last.running = false
                shared.latest = last
            }
        }
    }

    /// The newest snapshot since the last call, if there is one.
    public func poll() -> ExperimentSnapshot? {
        shared.withLock { shared in
            defer { shared.latest = nil }
            return shared.latest
        }
    }

    private func isCurrent(_ generation: Int) -> Bool { shared.withLock { $0.generation == generation } }

    private func publish(_ race: AddingRace, running: Bool, generation: Int) {
        shared.withLock { shared in
            if shared.generation == generation { shared.latest = ExperimentSnapshot(race: race, running: running) }
        }
    }
}
