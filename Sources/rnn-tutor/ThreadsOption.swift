import ArgumentParser
import RNNCore

/// `--threads N`: how many threads the engine's worker pool uses (the numbers never depend on it).
struct ThreadsOption: ParsableArguments {
    @Option(help: "Threads for the engine's matrix products, training and the race (default: the machine's cores, here \(WorkerPool.machineCores)). Results are the same for any count.")
    var threads: Int?

    func validate() throws {
        if let threads, !(1...256).contains(threads) {
            throw ValidationError("--threads must be between 1 and 256, not \(threads)")
        }
    }

    /// Replaces the engine's pool when a count was given.
    func apply() {
        if let threads, threads != WorkerPool.shared.threadCount { WorkerPool.shared = WorkerPool(threads: threads) }
    }

    var count: Int { threads ?? WorkerPool.machineCores }
}
