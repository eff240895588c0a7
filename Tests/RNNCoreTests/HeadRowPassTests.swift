import Foundation
import Testing
@testable import RNNCore

@Suite struct HeadRowPassTests {
    /// A head of `outputs` rows over `hidden` units, its bias, and one top-layer state.
    /// `spread` scales the weights: large values give logits hundreds apart, so the running
    /// maximum must rescale what it summed before or exp would overflow.
    func head(outputs: Int, hidden: Int, spread: Float, seed: UInt64) -> (w: Tensor, bias: [Float], h: [Float]) {
        var random = SeededRandom(seed: seed)
        let w = Tensor(shape: [outputs, hidden], values: (0..<(outputs * hidden)).map { _ in spread * random.uniform(-1, 1) })
        let bias = (0..<outputs).map { _ in random.uniform(-1, 1) }
        let h = (0..<hidden).map { _ in random.uniform(-1, 1) }
        return (w, bias, h)
    }

    /// The logits are the head's own row, bit for bit; the expectation is Σ softmax·W in Double.
    @Test(arguments: [(1, 1, Float(1)), (5, 3, 1), (17, 8, 1), (1_000, 33, 1), (2_500, 64, 1), (1_100, 16, 40)])
    func logitsAreTheHeadRowAndTheExpectationIsTheSoftmaxWeightedRow(outputs: Int, hidden: Int, spread: Float) {
        let (w, bias, h) = head(outputs: outputs, hidden: hidden, spread: spread, seed: UInt64(outputs * 7 + hidden))
        let packed = PackedMatrix(transposing: w)
        let pass = h.withUnsafeBufferPointer { headRowPass(hidden: $0.baseAddress!, head: packed, bias: bias) }

        var row = bias
        h.withUnsafeBufferPointer { hp in
            row.withUnsafeMutableBufferPointer {
                multiply(StridedMatrix(base: hp.baseAddress!, rows: 1, rowStride: hidden), packed, into: $0.baseAddress!,
                         ldc: outputs, accumulate: true)
            }
        }
        #expect(pass.logits.map(\.bitPattern) == row.map(\.bitPattern))
        // Given the logits it would compute, the pass gives the same expectation.
        let known = h.withUnsafeBufferPointer { hp in
            row.withUnsafeBufferPointer { headRowPass(hidden: hp.baseAddress!, head: packed, bias: bias, knownLogits: $0.baseAddress!) }
        }
        #expect(known.expectation.map(\.bitPattern) == pass.expectation.map(\.bitPattern))
        #expect(known.logits.map(\.bitPattern) == row.map(\.bitPattern))

        let logits = row.map(Double.init), largest = logits.max()!
        let weights = logits.map { Foundation.exp($0 - largest) }, total = weights.reduce(0, +)
        for u in 0..<hidden {
            let expected = (0..<outputs).reduce(0.0) { $0 + weights[$1] / total * Double(w.values[$1 * hidden + u]) }
            #expect(abs(Double(pass.expectation[u]) - expected) <= 1e-5 * Double(spread), "unit \(u)")
        }
    }

    /// Fixed shards combined in order: the same bits on one thread or three.
    @Test func theSameOnAnyNumberOfThreads() {
        let (w, bias, h) = head(outputs: 5_000, hidden: 48, spread: 3, seed: 9)
        let packed = PackedMatrix(transposing: w)
        var results: [[UInt32]] = []
        for threads in [1, 2, 3] {
            let pass = onThreads(threads) { h.withUnsafeBufferPointer { headRowPass(hidden: $0.baseAddress!, head: packed, bias: bias) } }
            results.append(pass.expectation.map(\.bitPattern) + pass.logits.map(\.bitPattern))
        }
        #expect(results[1] == results[0])
        #expect(results[2] == results[0])
    }

    /// A 1,500-word network, its packed head and bias, a sentence of `length` words, and two
    /// forward passes over it: one with every head row, one with the head skipped.
    func twoPasses(_ cell: CellKind, seed: UInt64, length: Int, wordStep: Int)
        -> (network: RecurrentNetwork, head: PackedMatrix, bias: [Float], ids: [Int], full: ForwardTrace, skipped: ForwardTrace) {
        let arch = Architecture(cell: cell, inputSize: 5, hiddenSize: 24, layerCount: 1, outputSize: 1_500, vocabularySize: 1_500)
        let network = RecurrentNetwork(architecture: arch, seed: seed)
        let ids = (0..<length).map { ($0 * wordStep) % 1_500 }
        return (network, network.packedHead(), network.parameters.headBias.values, ids,
                network.forward(.tokens([ids])), network.forward(.tokens([ids]), head: .skipped))
    }

    /// A full trace's head in one pass: every row's logits as the forward pass computes them, and
    /// the loss row's expectation as the one-row pass gives it, bit for bit.
    @Test(arguments: [0, 6, 12])
    func everyRowAndTheLossRowInOnePass(passRow: Int) {
        var (network, head, bias, ids, full, skipped) = twoPasses(.gru, seed: 8, length: 13, wordStep: 97)
        let (expectation, ranked) = skipped.computeEveryHeadRow(passRow: passRow, bias: bias, head: head, ranking: 5)
        #expect(skipped.packedOutputs.map(\.bitPattern) == full.outputs.map(\.bitPattern))
        #expect(ranked.count == ids.count)
        for row in 0..<ranked.count {
            let plain = full.outputs[(row * 1_500)..<((row + 1) * 1_500)].withUnsafeBufferPointer { topIndicesAndMaximum($0, k: 5) }
            #expect(Array(ranked.indices(row)) == plain.indices && ranked.maxima[row].bitPattern == plain.maximum.bitPattern, "row \(row)")
        }
        var onDemand = network.forward(.tokens([ids]), head: .onDemand)
        let one = onDemand.computeHeadRow(passRow, bias: bias, head: head)
        #expect(expectation.map(\.bitPattern) == one.map(\.bitPattern))
    }

    /// The one-pass head lays each row on cache lines: every row starts on a 64-byte boundary,
    /// whole lines apart, with zeros between. Whatever reads a row by `outputRow`, `outputStart`
    /// or `packedOutputs` gets the packed pass's numbers.
    @Test func everyRowStartsOnACacheLine() {
        var (network, head, bias, ids, full, laidOut) = twoPasses(.lstm, seed: 9, length: 11, wordStep: 131)
        _ = laidOut.computeEveryHeadRow(passRow: 4, bias: bias, head: head, ranking: 5)
        #expect(laidOut.outputStride % 16 == 0 && laidOut.outputStride >= 1_500)
        laidOut.outputs.withUnsafeBufferPointer { out in
            for r in 0..<ids.count {
                #expect(Int(bitPattern: out.baseAddress! + laidOut.outputStart(r)) % 64 == 0, "row \(r)")
            }
        }
        let written = Set((0..<ids.count).flatMap { laidOut.outputStart($0)..<(laidOut.outputStart($0) + 1_500) })
        #expect(laidOut.outputs.indices.allSatisfy { written.contains($0) || laidOut.outputs[$0] == 0 }, "the padding holds zeros")
        for r in 0..<ids.count {
            #expect(laidOut.outputRow(r).map(\.bitPattern) == full.outputRow(r).map(\.bitPattern), "row \(r)")
            #expect(laidOut.probabilities(step: r).map(\.bitPattern) == full.probabilities(step: r).map(\.bitPattern))
            #expect(laidOut.headExpectation(atComputedRow: r, bias: bias, head: head).map(\.bitPattern)
                    == full.headExpectation(atComputedRow: r, bias: bias, head: head).map(\.bitPattern))
        }
        // A pass cut short, or continued, is packed again.
        #expect(laidOut.keepingSteps(6).outputs.map(\.bitPattern) == full.keepingSteps(6).outputs.map(\.bitPattern))
        let gradients = network.backward(laidOut, loss: .crossEntropy([.init(step: 4, sequence: 0, label: 7)]))
        let packedGradients = network.backward(full, loss: .crossEntropy([.init(step: 4, sequence: 0, label: 7)]))
        #expect(gradients.loss.bitPattern == packedGradients.loss.bitPattern)
        #expect(gradients.hiddenAdjoints.map { $0.map(\.bitPattern) } == packedGradients.hiddenAdjoints.map { $0.map(\.bitPattern) })
    }
}
