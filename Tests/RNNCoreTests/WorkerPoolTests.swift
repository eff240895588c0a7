import Foundation
import Synchronization
import Testing
@testable import RNNCore

/// The worker pool really runs work side by side, and no number the engine
/// computes depends on how many threads it has.
@Suite struct WorkerPoolTests {
    @Test func shardsRunSideBySideAndEachRunsOnce() {
        let pool = WorkerPool(threads: 3)
        defer { pool.shutDown() }
        // Each of three shards waits until all three have started: only three threads at once can finish this.
        let started = Atomic<Int>(0)
        let deadline = Date().addingTimeInterval(20)
        var allMet = [Bool](repeating: false, count: 3)
        allMet.withUnsafeMutableBufferPointer { met in
            let base = met.baseAddress!
            pool.run(shards: 3) { s in
                started.add(1, ordering: .acquiringAndReleasing)
                while started.load(ordering: .acquiring) < 3 && Date() < deadline { usleep(100) }
                base[s] = started.load(ordering: .acquiring) == 3
            }
        }
        #expect(allMet == [true, true, true])
        let counts = Mutex([Int](repeating: 0, count: 100))
        pool.run(shards: 100) { s in counts.withLock { $0[s] += 1 } }
        #expect(counts.withLock { $0 } == [Int](repeating: 1, count: 100))
        #expect(pool.map(shards: 5) { $0 * $0 } == [0, 1, 4, 9, 16])
    }

    /// `using` lends a pool for a while without shutting either down: the lent pool still runs
    /// three shards side by side afterwards.
    @Test func aPoolLentForAWhileIsGivenBack() {
        let pool = WorkerPool(threads: 3)
        defer { pool.shutDown() }
        #expect(WorkerPool.using(pool) { WorkerPool.shared } === pool)
        let started = Atomic<Int>(0)
        let deadline = Date().addingTimeInterval(20)
        let met = pool.map(shards: 3) { _ -> Bool in
            started.add(1, ordering: .acquiringAndReleasing)
            while started.load(ordering: .acquiring) < 3 && Date() < deadline { usleep(100) }
            return started.load(ordering: .acquiring) == 3
        }
        #expect(met == [true, true, true])
    }

    @Test func aJobStartedDuringAnotherRunsOnTheCaller() {
        let pool = WorkerPool(threads: 2)
        defer { pool.shutDown() }
        let inner = pool.map(shards: 2) { s in pool.map(shards: 3) { s * 10 + $0 } }
        #expect(inner == [[0, 1, 2], [10, 11, 12]])
    }

    /// Products of every shape the engine uses, on 1 to 4 threads: the same bits.
    @Test(arguments: [(1, 512, 2048), (17, 128, 3000), (40, 96, 1000), (512, 64, 48), (300, 128, 200)])
    func matrixProductsAreTheSameOnAnyNumberOfThreads(rows: Int, k: Int, columns: Int) {
        var random = SeededRandom(seed: UInt64(rows * 7 + k))
        let a = (0..<(rows * k)).map { _ in random.uniform(-1, 1) }
        let b = Tensor(shape: [k, columns], values: (0..<(k * columns)).map { _ in random.uniform(-1, 1) })
        let packed = PackedMatrix(b)
        var results: [[Float]] = []
        for threads in 1...4 {
            let pool = WorkerPool(threads: threads)
            defer { pool.shutDown() }
            for transposedRead in [false, true] {
                var c = [Float](repeating: 0.25, count: rows * columns)
                let source = transposedRead ? (0..<(rows * k)).map { a[($0 % rows) * k + $0 / rows] } : a
                source.withUnsafeBufferPointer { ap in
                    c.withUnsafeMutableBufferPointer { cp in
                        let matrix = transposedRead
                            ? StridedMatrix(base: ap.baseAddress!, rows: rows, rowStride: 1, columnStride: rows)
                            : StridedMatrix(base: ap.baseAddress!, rows: rows, rowStride: k)
                        multiply(matrix, packed, into: cp.baseAddress!, ldc: columns, accumulate: true, pool: pool)
                    }
                }
                results.append(c)
            }
        }
        let reference = results[0].map(\.bitPattern)
        for (i, c) in results.enumerated() { #expect(c.map(\.bitPattern) == reference, "variant \(i)") }
        // And the product is right: one element against a sum in Double.
        let (i, j) = (rows - 1, columns - 1)
        let expected = 0.25 + (0..<k).reduce(0.0) { $0 + Double(a[i * k + $1]) * Double(b.values[$1 * columns + j]) }
        #expect(abs(Double(results[0][i * columns + j]) - expected) < 1e-3 * max(1, abs(expected)))
    }

    /// One row back through a big head, streamed row by row in column blocks: the same bits
    /// as the register sweep (widths with and without a ragged last block, and under 32).
    @Test(arguments: [(4100, 300), (300, 1024), (8000, 37), (2100, 2500)])
    func aWeightedSumOfRowsIsTheSameInBlocks(rows: Int, width: Int) {
        var random = SeededRandom(seed: 12)
        let m = (0..<(rows * width)).map { _ in random.uniform(-1, 1) }
        let weights = (0..<rows).map { _ in random.uniform(-1, 1) }
        var blocked = [Float](repeating: 0.5, count: width), serial = blocked
        m.withUnsafeBufferPointer { mp in
            weights.withUnsafeBufferPointer { wp in
                addWeightedRows(of: mp.baseAddress!, rows: rows, width: width, weights: wp.baseAddress!, into: &blocked)
                addWeightedRows(of: mp.baseAddress!, rows: rows, width: width, stride: width, weights: wp.baseAddress!,
                                into: &serial)
            }
        }
        #expect(blocked.map(\.bitPattern) == serial.map(\.bitPattern))
    }

    /// Training gives the same model, bit for bit, for a seed whatever the thread count.
    @Test(arguments: [CellKind.lstm, .gru])
    func trainingIsTheSameOnAnyNumberOfThreads(cell: CellKind) {
        var models: [Parameters] = []
        for threads in [1, 2, 3] {
            models.append(onThreads(threads) {
                trainOneEpoch(cell: cell, embedding: 32, hidden: 64, vocabulary: 700, sentences: 24, shortest: 8,
                              spread: 20, seed: 4, batchSize: 12, bpttLength: 10)
            })
        }
        for threads in [2, 3] {
            let same = zip(models[0].named, models[threads - 1].named).allSatisfy { x, y in
                x.tensor.values.map(\.bitPattern) == y.tensor.values.map(\.bitPattern)
            }
            #expect(same, "\(threads) threads")
        }
    }

    /// A batch of more than 16 sequences walks through time in shards of 16 rows, side by side,
    /// forward and backward. The shards change no number: not with 1, 2 or 3 threads, and a
    /// sequence's states in the batch are those it has alone. H = 20 leaves a partial chunk of lanes.
    @Test(arguments: [CellKind.lstm, .gru, .rnn])
    func rowShardsOfTheRecurrenceChangeNoNumber(cell: CellKind) {
        let arch = Architecture(cell: cell, inputSize: 5, hiddenSize: 20, outputSize: 3)
        let network = RecurrentNetwork(architecture: arch, seed: 9)
        let (steps, batch) = (7, 37)
        var random = SeededRandom(seed: 5)
        let values = (0..<(steps * batch * 5)).map { _ in random.uniform(-1, 1) }
        // Losses at different steps, so some shards' walks start later than others.
        let loss = Loss.meanSquaredError((0..<batch).map {
            .init(step: steps - 1 - $0 % 3, sequence: $0, values: [0.1, -0.2, 0.3])
        })
        var runs: [[[UInt32]]] = []
        for threads in [1, 2, 3] {
            let (trace, gradients) = onThreads(threads) {
                let trace = network.forward(.vectors(Tensor(shape: [steps, batch, 5], values: values)))
                return (trace, network.backward(trace, loss: loss))
            }
            var numbers: [[Float]] = [trace.top.hidden, trace.top.cellState, trace.top.gates, trace.outputs]
            numbers += [gradients.hiddenAdjoints[0], gradients.cellAdjoints[0]]
            numbers += gradients.parameters!.named.map { $0.tensor.values }
            runs.append(numbers.map { values in values.map { $0.bitPattern } })
        }
        #expect(runs[0] == runs[1])
        #expect(runs[0] == runs[2])
        let batched = network.forward(.vectors(Tensor(shape: [steps, batch, 5], values: values)))
        for b in [0, 15, 16, 36] {
            var alone: [Float] = [], rows: [UInt32] = []
            for t in 0..<steps {
                let row = t * batch + b
                alone += values[(row * 5)..<(row * 5 + 5)]
                rows += batched.top.hidden[(row * 20)..<(row * 20 + 20)].map(\.bitPattern)
            }
            let trace = network.forward(.vectors(Tensor(shape: [steps, 1, 5], values: alone)))
            #expect(rows == trace.top.hidden.map(\.bitPattern), "sequence \(b)")
        }
    }

    /// The race's cells learn side by side; the standings do not depend on the threads.
    @Test func theRaceIsTheSameOnAnyNumberOfThreads() {
        var settings = AddingRace.Settings()
        settings.length = 12
        settings.steps = 6
        var runs: [[AddingRace.Standing]] = []
        for threads in [1, 3] {
            let standings = onThreads(threads) {
                var race = AddingRace(settings)
                while !race.isFinished { race.advance() }
                race.evaluate()
                return race.standings
            }
            runs.append(standings.map { var s = $0; s.seconds = 0; return s })
        }
        #expect(runs[0].map(\.lossCurve) == runs[1].map(\.lossCurve))
        #expect(runs[0].map(\.profile) == runs[1].map(\.profile))
        #expect(runs[0].map(\.heldOutError) == runs[1].map(\.heldOutError))
    }
}

/// `body` with a pool of `threads` as the shared pool (shut down afterwards).
func onThreads<T>(_ threads: Int, _ body: () throws -> T) rethrows -> T {
    let pool = WorkerPool(threads: threads)
    defer { pool.shutDown() }
    return try WorkerPool.using(pool, body)
}
