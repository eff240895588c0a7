import Foundation
import ModelFile
import RNNCore
import Testing
@testable import Trace

/// A trace session does only the work a change calls for, and every number it
/// shows is the full trace's, bit for bit.
@Suite struct TraceSessionTests {
    static let vocabularySize = 40
    static let labels = OutputLabels(task: .languageModel, labels: (0..<vocabularySize).map { "w\($0)" }, lowercase: false)

    static func network(_ cell: CellKind) -> RecurrentNetwork {
        let arch = Architecture(cell: cell, inputSize: 5, hiddenSize: 7, layerCount: 2, outputSize: vocabularySize,
                                vocabularySize: vocabularySize)
        return RecurrentNetwork(architecture: arch, seed: 11)
    }

    static func tokens(_ ids: [Int]) -> [String] { ids.map { "w\($0)" } }

    /// Every number of two traces, compared as bit patterns.
    static func expectIdentical(_ a: SentenceTrace, _ b: SentenceTrace, _ what: String) {
        func bits(_ xs: some Collection<Float>) -> [UInt32] { xs.map(\.bitPattern) }
        #expect(a.tokens == b.tokens && a.ids == b.ids, "\(what): tokens")
        #expect(a.steps.count == b.steps.count, "\(what): steps")
        for (t, (x, y)) in zip(a.steps, b.steps).enumerated() {
            #expect(bits(x.hidden) == bits(y.hidden), "\(what): h at \(t)")
            #expect(x.cell.map(bits) == y.cell.map(bits), "\(what): c at \(t)")
            #expect(x.gates.map(\.name) == y.gates.map(\.name), "\(what): gate names at \(t)")
            #expect(x.gates.map { bits($0.values) } == y.gates.map { bits($0.values) }, "\(what): gates at \(t)")
            #expect(x.preActivation.map(bits) == y.preActivation.map(bits), "\(what): pre-activation at \(t)")
            #expect(x.top.map(\.id) == y.top.map(\.id) && x.top.map(\.label) == y.top.map(\.label), "\(what): top at \(t)")
            #expect(bits(x.top.map(\.probability)) == bits(y.top.map(\.probability)), "\(what): p at \(t)")
        }
        #expect(a.loss.step == b.loss.step && a.loss.targetID == b.loss.targetID && a.loss.target == b.loss.target,
                "\(what): loss step and target")
        #expect(a.loss.value.bitPattern == b.loss.value.bitPattern, "\(what): loss value")
        #expect(bits(a.hiddenGradientNorms) == bits(b.hiddenGradientNorms), "\(what): grad norms h")
        #expect(a.cellGradientNorms.map(bits) == b.cellGradientNorms.map(bits), "\(what): grad norms c")
        #expect(a.gradients.hiddenAdjoints.map(bits) == b.gradients.hiddenAdjoints.map(bits), "\(what): adjoints h")
        #expect(a.gradients.cellAdjoints.map(bits) == b.gradients.cellAdjoints.map(bits), "\(what): adjoints c")
        #expect(bits(a.forward.packedOutputs) == bits(b.forward.packedOutputs), "\(what): logits")
        for (x, y) in zip(a.forward.layers, b.forward.layers) {
            #expect(bits(x.hidden) == bits(y.hidden) && bits(x.cellState) == bits(y.cellState)
                    && bits(x.gates) == bits(y.gates), "\(what): lower layers")
        }
    }

    static func full(_ network: RecurrentNetwork, _ ids: [Int], lossStep: Int? = nil, target: String? = nil,
                     whhScale: Float = 1) throws -> SentenceTrace {
        try SentenceTrace.compute(network: network, outputs: labels, tokens: tokens(ids), ids: ids, lossStep: lossStep,
                                  target: target, whhScale: whhScale)
    }

    @Test(arguments: CellKind.allCases)
    func everyChangeGivesTheFullTraceBitForBit(cell: CellKind) throws {
        let network = Self.network(cell)
        var ids = [3, 17, 8, 22, 5, 31, 9, 14, 2, 27, 11, 6]
        var session = try TraceSession(network: network, outputs: Self.labels, tokens: Self.tokens(ids), ids: ids,
                                       lossStep: 5, headSteps: [0])
        // Opening: one forward pass, the head at the cursor and at the loss step only.
        #expect(session.work == .init(headRows: 2, forwardSteps: 12, backwardSweeps: 1))
        #expect(session.hasHead(at: 0) && session.hasHead(at: 5) && !session.hasHead(at: 1))
        #expect(session.step(1).top.isEmpty && session.prediction(at: 1) == nil)
        var copy = session
        Self.expectIdentical(copy.fullTrace(), try Self.full(network, ids, lossStep: 5), "opened")

        // Moving the cursor: one head row, kept once computed.
        session.computeHead(at: [1])
        session.computeHead(at: [1, 0])
        #expect(session.work == .init(headRows: 3, forwardSteps: 12, backwardSweeps: 1))
        let cursorRow = try #require(session.prediction(at: 1))
        #expect(cursorRow.map(\.id) == (try Self.full(network, ids, lossStep: 5)).steps[1].top.map(\.id))

        // Moving the loss step: only the backward sweep (and the head at the new loss step).
        try session.moveLoss(to: 9)
        #expect(session.work == .init(headRows: 4, forwardSteps: 12, backwardSweeps: 2))
        copy = session
        Self.expectIdentical(copy.fullTrace(), try Self.full(network, ids, lossStep: 9), "loss moved")
        try session.moveLoss(to: 2, target: "w4")
        #expect(session.work.forwardSteps == 12 && session.work.backwardSweeps == 3)
        copy = session
        Self.expectIdentical(copy.fullTrace(), try Self.full(network, ids, lossStep: 2, target: "w4"), "target given")

        // An edit at word 7 reruns words 7 … 11 only, and keeps the head rows before it.
        ids[7] = 30
        try session.edit(tokens: Self.tokens(ids), ids: ids, lossStep: 10)
        #expect(session.work.forwardSteps == 12 + 5)
        #expect(session.hasHead(at: 0) && session.hasHead(at: 1) && !session.hasHead(at: 9))
        copy = session
        Self.expectIdentical(copy.fullTrace(), try Self.full(network, ids, lossStep: 10), "edited in the middle")

        // Words added at the end run only the new words; cutting the sentence runs nothing forward.
        ids += [12, 13, 39]
        try session.edit(tokens: Self.tokens(ids), ids: ids)
        #expect(session.work.forwardSteps == 17 + 3)
        copy = session
        Self.expectIdentical(copy.fullTrace(), try Self.full(network, ids), "words added")
        ids = Array(ids.prefix(6))
        try session.edit(tokens: Self.tokens(ids), ids: ids, lossStep: 3)
        #expect(session.work.forwardSteps == 20)
        copy = session
        Self.expectIdentical(copy.fullTrace(), try Self.full(network, ids, lossStep: 3), "cut short")

        // A changed first word and a new W_hh scale run everything again.
        ids[0] = 1
        try session.edit(tokens: Self.tokens(ids), ids: ids)
        #expect(session.work.forwardSteps == 26)
        try session.setWhhScale(1.7)
        copy = session
        Self.expectIdentical(copy.fullTrace(), try Self.full(network, ids, whhScale: 1.7), "W_hh scaled")
        try session.moveLoss(to: 1)
        Self.expectIdentical(session.fullTrace(), try Self.full(network, ids, lossStep: 1, whhScale: 1.7), "scaled, loss moved")
    }

    @Test func badRequestsAreRefusedAndLeaveTheSessionAsItWas() throws {
        let network = Self.network(.lstm)
        let ids = [3, 4, 5]
        var session = try TraceSession(network: network, outputs: Self.labels, tokens: Self.tokens(ids), ids: ids)
        let before = session.trace.loss.value
        #expect(throws: TraceError.lossStepOutOfRange(3, steps: 3)) { try session.moveLoss(to: 3) }
        #expect(throws: TraceError.unknownTarget("zebra")) { try session.moveLoss(to: 1, target: "zebra") }
        #expect(throws: TraceError.emptyInput) { try session.edit(tokens: [], ids: []) }
        #expect(throws: TraceError.badScale(-1)) { try session.setWhhScale(-1) }
        #expect(session.ids == ids && session.loss.step == 2 && session.loss.value == before)
        #expect(throws: TraceError.idOutOfRange(99, vocabulary: Self.vocabularySize)) {
            _ = try TraceSession(network: network, outputs: Self.labels, tokens: ["x"], ids: [99])
        }
    }

    /// A trace's numbers do not depend on how many threads compute it. The sizes
    /// are chosen so that the head and the input products are cut into blocks.
    @Test func aTraceIsTheSameOnAnyNumberOfThreads() throws {
        let v = 3000
        let arch = Architecture(cell: .lstm, inputSize: 48, hiddenSize: 96, layerCount: 2, outputSize: v, vocabularySize: v)
        let network = RecurrentNetwork(architecture: arch, seed: 5)
        let labels = OutputLabels(task: .languageModel, labels: (0..<v).map { "w\($0)" }, lowercase: false)
        var random = SeededRandom(seed: 9)
        let ids = (0..<40).map { _ in Int(random.next() % UInt64(v)) }
        var traces: [SentenceTrace] = []
        for threads in [1, 2, 3] {
            let pool = WorkerPool(threads: threads)
            defer { pool.shutDown() }
            traces.append(try WorkerPool.using(pool) {
                try SentenceTrace.compute(network: network, outputs: labels, tokens: ids.map { "w\($0)" }, ids: ids, lossStep: 30)
            })
        }
        Self.expectIdentical(traces[0], traces[1], "2 threads")
        Self.expectIdentical(traces[0], traces[2], "3 threads")
    }
}
