import RNNCore

/// One sentence traced through one network for a screen that keeps showing it,
/// doing only the work a change calls for:
/// - the head (a softmax over the whole vocabulary, most of a trace's cost) runs
///   only at the steps asked for, and each row is kept once computed;
/// - moving the loss step reruns only the backward sweep;
/// - an edit keeps the forward states before the first changed word;
/// - the weights are packed once, when the session opens.
/// Every number equals the full trace's (`SentenceTrace.compute`), bit for bit;
/// `fullTrace()` computes the head everywhere, as `trace` exports it.
/// A screen keeps one session per model, so going back to a cell costs nothing.
public struct TraceSession: Sendable {
    public let network: RecurrentNetwork
    public let outputs: OutputLabels
    public let weights: PackedWeights
    public private(set) var tokens: [String]
    public private(set) var ids: [Int]
    public private(set) var forward: ForwardTrace
    public private(set) var loss: SentenceTrace.LossInfo
    public var gradients: Gradients { swept.gradients }
    /// ||dL/dh_t|| of the top layer (0 after the loss step); ||dL/dc_t|| for an LSTM.
    public var hiddenGradientNorms: [Float] { swept.hiddenNorms }
    public var cellGradientNorms: [Float]? { swept.cellNorms }
    private var swept: Sweep
    /// What the session has computed so far, so a test (or a curious bench) can see the work follow the change.
    public private(set) var work = Work()
    private var heads: [HeadRow?]
    /// The loss request as given (nil: the default), kept across edits.
    private var requestedTarget: String?

    public struct Work: Sendable, Equatable {
        /// Head rows computed (each a product with the whole C × H head and a softmax).
        public var headRows = 0
        /// Forward steps run (per sentence position, all layers).
        public var forwardSteps = 0
        /// Backward sweeps run.
        public var backwardSweeps = 0
    }

    /// Traces the sentence: the forward pass, the head at the loss step and at
    /// `headSteps`, and the backward sweep. `weights` may pass weights packed earlier
    /// for the same network (at any W_hh scale: the scale is applied to the product).
    public init(network: RecurrentNetwork, weights: PackedWeights? = nil, outputs: OutputLabels,
                tokens: [String], ids: [Int], lossStep: Int? = nil, target: String? = nil, whhScale: Float = 1,
                headSteps: [Int] = []) throws(TraceError) {
        let (k, explicitTarget) = try SentenceTrace.checked(network: network, outputs: outputs, ids: ids,
                                                             lossStep: lossStep, target: target, whhScale: whhScale)
        let packed = weights ?? network.packedWeights()
        var forward = network.forward(.tokens([ids]), whhScale: whhScale, packed: packed, head: .onDemand)
        let expectation = forward.computeHeadRow(k, bias: network.parameters.headBias.values, head: packed.head)
        var heads = [HeadRow?](repeating: nil, count: ids.count)
        heads[k] = HeadRow(forward, step: k, labels: outputs.labels)
        let targetID = explicitTarget
            ?? SentenceTrace.defaultTarget(outputs: outputs, ids: ids, lossStep: k, best: heads[k]!.best)
        swept = Sweep(network: network, forward: forward, lossStep: k, targetID: targetID, packed: packed,
                      headExpectation: expectation)
        loss = SentenceTrace.LossInfo(step: k, target: outputs.labels[targetID], targetID: targetID,
                                      value: swept.gradients.loss)
        self.network = network
        self.outputs = outputs
        self.weights = packed
        self.tokens = tokens
        self.ids = ids
        self.forward = forward
        self.heads = heads
        requestedTarget = target
        work = Work(headRows: 1, forwardSteps: ids.count, backwardSweeps: 1)
        computeHead(at: headSteps)
    }

    public var stepCount: Int { ids.count }
    public var whhScale: Float { forward.whhScale }

    /// Whether the head has run at step t.
    public func hasHead(at t: Int) -> Bool { heads.indices.contains(t) && heads[t] != nil }

    /// Runs the head at these steps (those not yet computed); steps outside the sentence are ignored.
    public mutating func computeHead(at steps: some Sequence<Int>) {
        let wanted = steps.filter { heads.indices.contains($0) && heads[$0] == nil }
        guard !wanted.isEmpty else { return }
        forward.computeHead(rows: Set(wanted).sorted(), bias: network.parameters.headBias.values, head: weights.head)
        for t in Set(wanted) { keepHead(at: t) }
    }

    /// Keeps step t's prediction, once its logits are in `forward`.
    private mutating func keepHead(at t: Int) {
        heads[t] = HeadRow(forward, step: t, labels: outputs.labels)
        work.headRows += 1
    }

    /// Step t as a panel draws it; `top` is empty until the head has run there.
    public func step(_ t: Int) -> SentenceTrace.Step { step(t, of: forward.top) }

    private func step(_ t: Int, of layer: LayerRecord) -> SentenceTrace.Step {
        SentenceTrace.step(layer, t, top: heads[t]?.top ?? [])
    }

    /// The most likely outputs at step t, or nil before the head has run there.
    public func prediction(at t: Int) -> [(label: String, id: Int, probability: Float)]? { heads[t]?.top }

    /// Moves the loss (and its target; nil: the default): only the backward sweep runs again,
    /// with the head at the new loss step if it has not run there yet.
    public mutating func moveLoss(to lossStep: Int?, target: String? = nil) throws(TraceError) {
        let (k, _) = try SentenceTrace.checked(network: network, outputs: outputs, ids: ids, lossStep: lossStep,
                                               target: target, whhScale: whhScale)
        try sweep(lossStep: k, target: target)
    }

    /// A new sentence: the forward states before the first changed word are kept,
    /// and with them the head rows already computed there; the rest runs again.
    public mutating func edit(tokens newTokens: [String], ids newIDs: [Int], lossStep: Int? = nil,
                              target: String? = nil) throws(TraceError) {
        let (k, _) = try SentenceTrace.checked(network: network, outputs: outputs, ids: newIDs, lossStep: lossStep,
                                               target: target, whhScale: whhScale)
        let keep = zip(ids, newIDs).prefix { $0 == $1 }.count
        forward = network.forward(continuing: forward, keep: keep, ids: newIDs, packed: weights, head: .onDemand)
        heads = Array(heads.prefix(keep)) + Array(repeating: nil, count: newIDs.count - keep)
        work.forwardSteps += newIDs.count - keep
        tokens = newTokens
        ids = newIDs
        try sweep(lossStep: k, target: target)
    }

    /// A new W_hh scale changes every step: the whole sentence runs again (the packed weights serve every scale).
    /// The head rows computed before are let go (only the loss step's is computed again):
    /// the caller asks for the rows it shows, so a learner who has stepped through every
    /// word of a large model's sentence does not pay a vocabulary-wide row per word.
    public mutating func setWhhScale(_ scale: Float) throws(TraceError) {
        guard scale != whhScale else { return }
        let (k, _) = try SentenceTrace.checked(network: network, outputs: outputs, ids: ids, lossStep: loss.step,
                                               target: requestedTarget, whhScale: scale)
        forward = network.forward(.tokens([ids]), whhScale: scale, packed: weights, head: .onDemand)
        heads = Array(repeating: nil, count: ids.count)
        work.forwardSteps += ids.count
        try sweep(lossStep: k, target: requestedTarget)
    }

    /// The whole trace, the head at every step: what `trace` exports, equal to `SentenceTrace.compute`.
    public mutating func fullTrace() -> SentenceTrace {
        computeHead(at: 0..<stepCount)
        return trace
    }

    /// The trace as computed so far (steps whose head has not run have an empty `top`).
    public var trace: SentenceTrace {
        let a = network.architecture, layer = forward.top   // the record taken once, not per step
        return SentenceTrace(
            cell: a.cell, layers: a.layerCount, hiddenSize: a.hiddenSize, tokens: tokens, ids: ids,
            steps: (0..<stepCount).map { step($0, of: layer) },
            loss: loss, hiddenGradientNorms: hiddenGradientNorms,
            cellGradientNorms: cellGradientNorms, forward: forward, gradients: gradients)
    }

    /// The head at the loss step (for its value and the default target), then the backward sweep.
    /// A loss step whose head has not run yet gets its logits and what the loss sends back
    /// through the head from one read of the head; one whose logits are kept, only the latter.
    private mutating func sweep(lossStep k: Int, target: String?) throws(TraceError) {
        let expectation: [Float]
        if heads[k] == nil {
            expectation = forward.computeHeadRow(k, bias: network.parameters.headBias.values, head: weights.head)
            keepHead(at: k)
        } else {
            expectation = forward.headExpectation(atComputedRow: k, bias: network.parameters.headBias.values, head: weights.head)
        }
        var targetID = SentenceTrace.defaultTarget(outputs: outputs, ids: ids, lossStep: k, best: heads[k]!.best)
        if let target {
            guard let id = outputs.id(of: target) else { throw .unknownTarget(target) }
            targetID = id
        }
        swept = Sweep(network: network, forward: forward, lossStep: k, targetID: targetID, packed: weights,
                      headExpectation: expectation)
        requestedTarget = target
        loss = SentenceTrace.LossInfo(step: k, target: outputs.labels[targetID], targetID: targetID,
                                      value: swept.gradients.loss)
        work.backwardSweeps += 1
    }
}
