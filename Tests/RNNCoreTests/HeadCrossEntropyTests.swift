import Foundation
import Testing
@testable import RNNCore

/// The training step's head, forward and back a block of rows at a time, against the same
/// loss computed a stage at a time (all logits, then the softmax of every row, then each
/// product on its own), which is how `backward` computed it before: every number must match
/// bit for bit, on one thread and on three.
@Suite struct HeadCrossEntropyTests {
    struct Case {
        var rows: Int, hidden: Int, classes: Int, spread: Float
    }

    /// The stage-by-stage loss and gradients from the same top-layer rows and labels.
    func stageByStage(top: [Float], labels: [Int], weight: Tensor, bias: [Float])
        -> (value: Float, hidden: [Float], weight: [Float], bias: [Float]) {
        let (c, h, n) = (weight.shape[0], weight.shape[1], labels.count)
        var logits = [Float](repeating: 0, count: n * c)
        for r in 0..<n { for v in 0..<c { logits[r * c + v] = bias[v] } }
        top.withUnsafeBufferPointer { a in
            logits.withUnsafeMutableBufferPointer {
                multiply(StridedMatrix(base: a.baseAddress!, rows: n, rowStride: h), PackedMatrix(transposing: weight),
                         into: $0.baseAddress!, ldc: c, accumulate: true)
            }
        }
        let evaluation = Loss.crossEntropy(labels.enumerated().map { .init(step: $0.offset, label: $0.element) })
            .evaluate(outputs: logits, width: c, batch: 1)
        var hidden = [Float](repeating: 0, count: n * h), dW = [Float](repeating: 0, count: c * h)
        var db: [Float] = []
        evaluation.gradient.withUnsafeBufferPointer { g in
            weight.values.withUnsafeBufferPointer { w in
                hidden.withUnsafeMutableBufferPointer {
                    multiply(StridedMatrix(base: g.baseAddress!, rows: n, rowStride: c),
                             PackedMatrix(rows: c, columns: h, source: w.baseAddress!, rowStride: h, columnStride: 1),
                             into: $0.baseAddress!, ldc: h, accumulate: false)
                }
            }
            top.withUnsafeBufferPointer { t in
                dW.withUnsafeMutableBufferPointer {
                    multiply(StridedMatrix(base: g.baseAddress!, rows: c, rowStride: 1, columnStride: c),
                             PackedMatrix(rows: n, columns: h, source: t.baseAddress!, rowStride: h, columnStride: 1),
                             into: $0.baseAddress!, ldc: h, accumulate: false)
                }
            }
            db = columnSums(g.baseAddress!, rows: n, width: c)
        }
        return (evaluation.value, hidden, dW, db)
    }

    // Rows across several blocks (full ones of 48 and short ones), classes that end mid-panel,
    // a head wide enough to be shared out, and logits far apart.
    @Test(arguments: [Case(rows: 1, hidden: 3, classes: 5, spread: 1), Case(rows: 7, hidden: 20, classes: 37, spread: 1),
                      Case(rows: 100, hidden: 24, classes: 300, spread: 1), Case(rows: 130, hidden: 64, classes: 1_000, spread: 30),
                      Case(rows: 300, hidden: 16, classes: 200, spread: 1)])
    func sameBitsAsStageByStage(_ shape: Case) {
        var random = SeededRandom(seed: UInt64(shape.rows * 31 + shape.classes))
        let (n, h, c) = (shape.rows, shape.hidden, shape.classes)
        let weight = Tensor(shape: [c, h], values: (0..<(c * h)).map { _ in shape.spread * random.uniform(-1, 1) })
        let bias = (0..<c).map { _ in random.uniform(-1, 1) }
        let top = (0..<(n * h)).map { _ in random.uniform(-1, 1) }
        let labels = (0..<n).map { _ in Int(random.next() % UInt64(c)) }
        let expected = stageByStage(top: top, labels: labels, weight: weight, bias: bias)
        for threads in [1, 3] {
            let pool = WorkerPool(threads: threads)
            defer { pool.shutDown() }
            let fused = top.withUnsafeBufferPointer {
                headCrossEntropy(top: $0.baseAddress!, labels: labels, weight: weight, bias: bias,
                                 packedHead: PackedMatrix(transposing: weight), parameterGradients: true, pool: pool)
            }
            #expect(fused.value.bitPattern == expected.value.bitPattern, "loss, \(threads) thread(s)")
            #expect(fused.hidden.map(\.bitPattern) == expected.hidden.map(\.bitPattern), "dL/dh, \(threads) thread(s)")
            #expect(fused.weight?.map(\.bitPattern) == expected.weight.map(\.bitPattern), "dL/dW, \(threads) thread(s)")
            #expect(fused.bias?.map(\.bitPattern) == expected.bias.map(\.bitPattern), "dL/db, \(threads) thread(s)")
        }
    }

    /// Without parameter gradients only the loss and dL/dh come back, the same numbers.
    @Test func adjointsAloneAreTheSame() {
        var random = SeededRandom(seed: 9)
        let (n, h, c) = (60, 16, 90)
        let weight = Tensor(shape: [c, h], values: (0..<(c * h)).map { _ in random.uniform(-1, 1) })
        let bias = (0..<c).map { _ in random.uniform(-1, 1) }
        let top = (0..<(n * h)).map { _ in random.uniform(-1, 1) }
        let labels = (0..<n).map { _ in Int(random.next() % UInt64(c)) }
        let packed = PackedMatrix(transposing: weight)
        let both = top.withUnsafeBufferPointer { p in
            [true, false].map {
                headCrossEntropy(top: p.baseAddress!, labels: labels, weight: weight, bias: bias, packedHead: packed,
                                 parameterGradients: $0)
            }
        }
        #expect(both[1].weight == nil && both[1].bias == nil)
        #expect(both[1].value.bitPattern == both[0].value.bitPattern)
        #expect(both[1].hidden.map(\.bitPattern) == both[0].hidden.map(\.bitPattern))
    }

    /// A training step's forward pass writes no logits; its backward pass gives the numbers
    /// of one whose forward pass computed every row.
    @Test func aForwardPassWithoutItsHeadGivesTheSameGradients() {
        let arch = Architecture(cell: .lstm, inputSize: 6, hiddenSize: 10, layerCount: 1, outputSize: 40, vocabularySize: 40)
        let network = RecurrentNetwork(architecture: arch, seed: 4)
        var random = SeededRandom(seed: 5)
        let inputs = (0..<3).map { _ in (0..<9).map { _ in Int(random.next() % 40) } }
        let targets = (0..<3).flatMap { b in (0..<(b == 2 ? 5 : 9)).map { t in Loss.ClassTarget(step: t, sequence: b, label: Int(random.next() % 40)) } }
        let skipped = network.forward(.tokens(inputs), head: .skipped)
        let full = network.forward(.tokens(inputs))
        #expect(skipped.outputs.isEmpty && full.outputs.count == 27 * 40)
        let a = network.backward(skipped, loss: .crossEntropy(targets))
        let b = network.backward(full, loss: .crossEntropy(targets))
        #expect(a.loss.bitPattern == b.loss.bitPattern)
        #expect(a.hiddenAdjoints[0].map(\.bitPattern) == b.hiddenAdjoints[0].map(\.bitPattern))
        var same = true
        var pa = a.parameters!, pb = b.parameters!
        pa.forEachTensor { name, tensor in
            pb.forEachTensor { other, t in if name == other && tensor.values.map(\.bitPattern) != t.values.map(\.bitPattern) { same = false } }
        }
        #expect(same)
    }

    /// The head's shards cover every item once, in order, none larger than its size; the full
    /// ones come in a multiple of the threads, and at most one short one per thread comes first.
    @Test func balancedShardsCoverEveryItemOnce() {
        for threads in 1...4 {
            for size in [1, 5, 8, 48] {
                for count in 0...300 {
                    let shards = BalancedShards(count: count, size: size, threads: threads)
                    let ranges = (0..<shards.count).map { shards[$0] }
                    #expect(ranges.flatMap { Array($0) } == Array(0..<count), "\(count) items, \(size) a shard, \(threads) threads")
                    #expect(ranges.allSatisfy { !$0.isEmpty && $0.count <= size })
                    #expect(shards.short <= threads && ranges.dropFirst(shards.short).allSatisfy { $0.count == size })
                    #expect((shards.count - shards.short) % threads == 0)
                }
            }
        }
    }
}
