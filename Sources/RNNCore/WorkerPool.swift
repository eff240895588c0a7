import CKernels
import Foundation
import Synchronization

/// A small pool of worker threads that the engine's large loops share: the
/// matrix product, the softmax rows of a loss, and the race's cells.
///
/// Work is always cut into shards whose boundaries depend only on the problem,
/// never on the thread count, and every shard writes its own outputs; results
/// that are summed across shards are summed by the caller in shard order. So
/// the numbers are the same bits on one thread or on eight.
///
/// One job runs at a time. A job started while another is running (a trace
/// while the race trains, or a product inside one of the race's cells) runs its
/// shards on the calling thread instead: same shards, same numbers.
public final class WorkerPool: @unchecked Sendable {
    /// The pool the engine uses; `rnn-tutor --threads N` replaces it at start-up.
    public static var shared: WorkerPool {
        get { sharedPool.withLock { $0 } }
        set {
            let old = sharedPool.withLock { pool in
                defer { pool = newValue }
                return pool
            }
            if old !== newValue { old.shutDown() }
        }
    }
    private static let sharedPool = Mutex(WorkerPool(threads: WorkerPool.machineCores))

    /// Runs `body` with `pool` as the shared pool, then puts the one before back; neither is
    /// shut down (a benchmark comparing thread counts step by step, a test on a thread count).
    public static func using<T>(_ pool: WorkerPool, _ body: () throws -> T) rethrows -> T {
        let before = sharedPool.withLock { shared in
            defer { shared = pool }
            return shared
        }
        defer { sharedPool.withLock { $0 = before } }
        return try body()
    }

    /// The cores this process may run on.
    public static var machineCores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Threads taking part in a job, the caller included.
    public let threadCount: Int

    private let busy = Atomic<Bool>(false)
    /// How long a waiting thread stays awake before it sleeps, in nanoseconds (see `spin`).
    private let spinLimit: UInt64
    /// Shards of the current job not yet done: counted down without the lock, so that the
    /// caller can wait for it awake (see `spin`) before it sleeps on `condition`.
    private let unfinished = Atomic<Int>(0)
    /// `generation` for workers that spin briefly before they sleep (a job often follows a job).
    private let published = Atomic<Int>(0)
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var generation = 0
    private var job: ((Int) -> Void)?
    private var shardCount = 0
    private var nextShard = 0
    private var shuttingDown = false

    /// `threads` counts the calling thread, so 1 starts no worker at all.
    public init(threads: Int) {
        threadCount = max(1, threads)
        // More threads than cores (`--threads 8` on two) would spin on a core another thread needs.
        spinLimit = threadCount <= WorkerPool.machineCores ? 500_000 : 0
        for _ in 1..<threadCount {
            // The workers hold the pool: it lives until `shutDown()`.
            let worker = Thread { self.workerLoop() }
            worker.stackSize = 1 << 20
            worker.start()
        }
    }

    /// Ends the workers once they finish what they are doing (a pool made for a test, or replaced).
    public func shutDown() {
        condition.lock()
        shuttingDown = true
        condition.broadcast()
        condition.unlock()
    }

    /// Runs `body(0) … body(shards − 1)`, spread over the pool, and returns when all are done.
    public func run(shards: Int, _ body: (Int) -> Void) {
        if shards <= 0 { return }
        guard threadCount > 1, shards > 1,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for s in 0..<shards { body(s) }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { escapable in
            condition.lock()
            job = escapable
            shardCount = shards
            nextShard = 0
            unfinished.store(shards, ordering: .relaxed)
            generation += 1
            published.store(generation, ordering: .releasing)
            condition.broadcast()
            condition.unlock()
            takeShards()
            // The last shards are often a moment from done: wait for them awake first.
            spin { unfinished.load(ordering: .acquiring) == 0 }
            condition.lock()
            // The last shard's thread takes the lock to wake this one, so the wake-up cannot
            // fall between the test and the wait.
            while unfinished.load(ordering: .acquiring) > 0 { condition.wait() }
            job = nil
            shardCount = 0
            condition.unlock()
        }
    }

    /// Maps shards to values, returned in shard order.
    public func map<T>(shards: Int, _ body: (Int) -> T) -> [T] {
        var results = [T?](repeating: nil, count: max(shards, 0))
        results.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            run(shards: shards) { s in (base + s).pointee = body(s) }
        }
        return results.map { $0! }
    }

    /// Takes shards of the current job until none are left.
    private func takeShards() {
        while runOneShard() {
            if unfinished.wrappingSubtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
                condition.lock()
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    /// Runs the next shard, if any. The job's closure is let go before this returns,
    /// so once every shard is counted done no thread holds it any more.
    @inline(never)
    private func runOneShard() -> Bool {
        condition.lock()
        // The closure is copied only with a shard to run: a thread that finds none
        // must not hold it while the caller is already returning.
        guard nextShard < shardCount else {
            condition.unlock()
            return false
        }
        let s = nextShard
        nextShard += 1
        let body = job!
        condition.unlock()
        body(s)
        return true
    }

    /// Waits for `done` without sleeping, for `spinLimit` (half a millisecond) at most. A thread put to sleep
    /// takes tens of microseconds to wake (more in a virtual machine, whose idle core the host
    /// may have given away), and a training step starts and finishes about thirty jobs, most
    /// of them a fraction of a millisecond apart: sleeping between them cost 3% of a step.
    private func spin(until done: () -> Bool) {
        guard spinLimit > 0 else { return }
        let deadline = DispatchTime.now().uptimeNanoseconds + spinLimit
        var checks = 0
        while !done() {
            rnn_cpu_relax()
            checks += 1
            if checks % 256 == 0 && DispatchTime.now().uptimeNanoseconds > deadline { return }
        }
    }

    private func workerLoop() {
        var seen = 0
        while true {
            spin { published.load(ordering: .acquiring) != seen }
            condition.lock()
            while generation == seen && !shuttingDown { condition.wait() }
            if shuttingDown {
                condition.unlock()
                return
            }
            seen = generation
            condition.unlock()
            takeShards()
        }
    }
}

/// Runs `body` over 0..<count cut into fixed pieces of `piece` on the shared pool: for work
/// done element by element or row by row, whose results cannot depend on where the cuts fall.
/// Serial bookkeeping of this kind (copies, masks, zeros) had left the second core waiting for
/// about 2% of a training step.
func inPieces(_ count: Int, of piece: Int = 1 << 15, _ body: (Range<Int>) -> Void) {
    guard count > 0 else { return }
    WorkerPool.shared.run(shards: (count + piece - 1) / piece) { s in
        body((s * piece)..<min((s + 1) * piece, count))
    }
}
