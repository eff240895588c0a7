import RNNCore

/// One sentence stepped through a network, with the backward sweep from one
/// loss: what the live panels draw and what `rnn-tutor trace` exports.
/// The rules (default loss step, default target, ties) are section 3 of
/// `model-and-trace.md`.
public struct SentenceTrace: Sendable {
    public struct Step: Sendable {
        /// Top layer's h_t.
        public var hidden: StepValues
        /// Top layer's c_t (LSTM only).
        public var cell: StepValues?
        /// The step's record of its G blocks of H (the gates, or the plain RNN's pre-activation),
        /// in the cell's order: `gates` and `preActivation` name its blocks when asked, so that a
        /// trace does not build a list of views for every step that nothing may read.
        let gateRecord: StepValues
        let kind: CellKind
        /// The min(5, C) most likely outputs, most likely first.
        public var top: [(label: String, id: Int, probability: Float)]

        /// Named gate activations in PyTorch's order (empty for the plain RNN, whose pre-activation is in `preActivation`).
        public var gates: [(name: String, values: StepValues)] {
            guard kind != .rnn else { return [] }
            let h = gateRecord.count / kind.gateCount
            return kind.gateNames.enumerated().map { i, name in (name, gateRecord.block(i * h, count: h)) }
        }
        /// The plain RNN's W_ih·x + b_ih + W_hh·h + b_hh (nil for gated cells).
        public var preActivation: StepValues? { kind == .rnn ? gateRecord : nil }
    }

    public struct LossInfo: Sendable {
        public var step: Int
        public var target: String
        public var targetID: Int
        public var value: Float
    }

    public var cell: CellKind
    public var layers: Int
    public var hiddenSize: Int
    public var tokens: [String]
    public var ids: [Int]
    public var steps: [Step]
    public var loss: LossInfo
    /// ||dL/dh_t|| for the top layer, 0 after the loss step.
    public var hiddenGradientNorms: [Float]
    /// ||dL/dc_t|| for the LSTM's top layer (nil for the others).
    public var cellGradientNorms: [Float]?
    /// The output that means "the sentence ends here" (a model's `eos` entry), if any.
    public var endOfSentenceID: Int? = nil
    /// The underlying records, for panels that show more than the export (every layer, every unit's adjoint).
    public var forward: ForwardTrace
    public var gradients: Gradients
}

/// How a network's outputs are named and how the next target is chosen.
public struct OutputLabels: Sendable {
    public enum Task: Sendable { case languageModel, classifier }
    public var task: Task
    /// C labels, index = output id (the vocabulary for a language model).
    public var labels: [String]
    /// On a lowercasing model, a `--target` that matches no label is lowercased and tried again.
    public var lowercase: Bool

    public init(task: Task, labels: [String], lowercase: Bool) {
        self.task = task
        self.labels = labels
        self.lowercase = lowercase
    }

    func id(of label: String) -> Int? {
        if let i = labels.firstIndex(of: label) { return i }
        if lowercase, let i = labels.firstIndex(of: label.lowercased()) { return i }
        return nil
    }
}

public enum TraceError: Error, Equatable, CustomStringConvertible {
    case emptyInput
    case lossStepOutOfRange(Int, steps: Int)
    case badScale(Float)
    case unknownTarget(String)
    case idOutOfRange(Int, vocabulary: Int)
    case tokenizer(String)

    /// Worded for the tutor and the command line alike; `option` names the command-line option
    /// behind it.
    public var description: String {
        switch self {
        case .emptyInput: "the input has no tokens: give at least one word or id"
        case .lossStepOutOfRange(let k, let steps): "the loss step \(k) is outside 0…\(steps - 1) (steps are counted from 0)"
        case .badScale(let s): "the W_hh scale must be a finite number ≥ 0, not \(s)"
        case .unknownTarget(let t): "the target \"\(t)\" is not one of the model's labels"
        case .idOutOfRange(let id, let v): "token id \(id) is outside the vocabulary (0…\(v - 1))"
        case .tokenizer(let message): message
        }
    }

    /// The command-line option a request got wrong, if one did.
    public var option: String? {
        switch self {
        case .lossStepOutOfRange: "--loss-step"
        case .badScale: "--whh-scale"
        case .unknownTarget: "--target"
        case .emptyInput, .idOutOfRange, .tokenizer: nil
        }
    }
}

extension SentenceTrace {
    /// Steps `ids` (with their display `tokens`) through `network` and sweeps
    /// backward from the loss at `lossStep` (default: the last step).
    /// The head runs at every step: this is the full trace that `trace` exports.
    /// `packed` may give every weight packed once for the model (as the tutor keeps them),
    /// or `packedHead` the head alone.
    public static func compute(network: RecurrentNetwork, packed: PackedWeights? = nil, packedHead: PackedMatrix? = nil,
                               outputs: OutputLabels,
                               tokens: [String], ids: [Int], lossStep: Int? = nil, target: String? = nil,
                               whhScale: Float = 1) throws(TraceError) -> SentenceTrace {
        let (k, explicitTarget) = try checked(network: network, outputs: outputs, ids: ids, lossStep: lossStep,
                                               target: target, whhScale: whhScale)
        let count = ids.count
        let head = packed?.head ?? packedHead ?? network.packedHead()
        var forward = network.forward(.tokens([ids]), whhScale: whhScale, packed: packed, head: .skipped)
        // Every step's logits, top five and largest logit, and the loss row's Σ softmax·W_head,
        // from the same read of the head.
        let (expectation, ranked) = forward.computeEveryHeadRow(passRow: k, bias: network.parameters.headBias.values,
                                                                head: head, ranking: 5)
        let c = network.architecture.outputSize
        let (heads, targetID, sweep) = forward.outputs.withUnsafeBufferPointer { logits in
            let rows = (0..<count).map { logits.baseAddress! + forward.outputStart($0) }
            // Then the sweep, with every row's log Σ exp worked into its products.
            let targetID = explicitTarget ?? defaultTarget(outputs: outputs, ids: ids, lossStep: k, best: ranked.indices(k).first!)
            let normalizers = LogSumExpRows(rows: rows, width: c, maxima: ranked.maxima)
            let sweep = Sweep(network: network, forward: forward, lossStep: k, targetID: targetID, packed: packed,
                              packedHead: head, headExpectation: expectation, alongside: normalizers)
            let logNormalizers = normalizers.values()
            let heads = rows.indices.map { t in
                HeadRow(ids: ranked.indices(t), logNormalizer: logNormalizers[t],
                        row: UnsafeBufferPointer(start: rows[t], count: c), labels: outputs.labels)
            }
            return (heads, targetID, sweep)
        }
        return SentenceTrace(
            cell: network.architecture.cell, layers: network.architecture.layerCount,
            hiddenSize: network.architecture.hiddenSize, tokens: tokens, ids: ids,
            steps: (0..<count).map { [layer = forward.top] in step(layer, $0, top: heads[$0].top) },
            loss: LossInfo(step: k, target: outputs.labels[targetID], targetID: targetID, value: sweep.gradients.loss),
            hiddenGradientNorms: sweep.hiddenNorms, cellGradientNorms: sweep.cellNorms,
            forward: forward, gradients: sweep.gradients)
    }

    /// The checks every trace makes on its request; returns the loss step and the target asked for.
    static func checked(network: RecurrentNetwork, outputs: OutputLabels, ids: [Int], lossStep: Int?, target: String?,
                        whhScale: Float) throws(TraceError) -> (lossStep: Int, target: Int?) {
        let count = ids.count
        guard count > 0 else { throw .emptyInput }
        if let vocabulary = network.architecture.vocabularySize, let bad = ids.first(where: { $0 < 0 || $0 >= vocabulary }) {
            throw .idOutOfRange(bad, vocabulary: vocabulary)
        }
        guard whhScale.isFinite && whhScale >= 0 else { throw .badScale(whhScale) }
        let k = lossStep ?? count - 1
        guard k >= 0 && k < count else { throw .lossStepOutOfRange(k, steps: count) }
        guard let target else { return (k, nil) }
        guard let id = outputs.id(of: target) else { throw .unknownTarget(target) }
        return (k, id)
    }

    /// The default target: the next word for a language model, else the model's own best guess.
    static func defaultTarget(outputs: OutputLabels, ids: [Int], lossStep k: Int, best: Int) -> Int {
        outputs.task == .languageModel && k < ids.count - 1 ? ids[k + 1] : best
    }

    /// Step t of a layer's record (the top layer's, for a trace), with the prediction given:
    /// views of the record, not copies.
    public static func step(_ layer: LayerRecord, _ t: Int, top: [(label: String, id: Int, probability: Float)]) -> Step {
        let cell = layer.cell, h = layer.hiddenSize, g = cell.gateCount
        return Step(hidden: StepValues(layer.hidden, offset: t * h, count: h),
                    cell: cell == .lstm ? StepValues(layer.cellState, offset: t * h, count: h) : nil,
                    gateRecord: StepValues(layer.gates, offset: t * g * h, count: g * h), kind: cell,
                    top: top)
    }
}

/// One step's prediction from the head's logits. Softmax is monotonic, so the
/// top five come from the logits, and only their probabilities are computed:
/// exp(logit − log Σ exp).
struct HeadRow: Sendable {
    var top: [(label: String, id: Int, probability: Float)]
    var best: Int { top[0].id }

    init(_ forward: ForwardTrace, step t: Int, labels: [String]) {
        self = forward.outputRow(t).withUnsafeBufferPointer { row in
            let (best, logNormalizer) = HeadRow.mostLikely(row, k: 5)
            return HeadRow(ids: best, logNormalizer: logNormalizer, row: row, labels: labels)
        }
    }

    /// The row's outputs `ids`, most likely first, given its log normaliser.
    init(ids: some Collection<Int>, logNormalizer: Float, row: UnsafeBufferPointer<Float>, labels: [String]) {
        top = ids.map { (label: labels[$0], id: $0, probability: exponential(row[$0] - logNormalizer)) }
    }

    /// The k most likely outputs of a row of logits, most likely first, and the row's log
    /// normaliser (log Σ exp): the top-k scan also finds the largest logit, which the sum is
    /// shifted by, so the row is not scanned for it twice.
    static func mostLikely(_ row: UnsafeBufferPointer<Float>, k: Int) -> (ids: [Int], logNormalizer: Float) {
        let (ids, largest) = topIndicesAndMaximum(row, k: k)
        return (ids, logSumExp(row, knownMaximum: largest))
    }
}

/// The backward sweep from one loss, and the gradient norms the panels draw.
struct Sweep: Sendable {
    var gradients: Gradients
    var hiddenNorms: [Float]
    var cellNorms: [Float]?

    /// `headExpectation`: the loss row's Σ softmax·W_head, when it came with the row's logits;
    /// `alongside`: log Σ exp rows to work into the sweep's products.
    init(network: RecurrentNetwork, forward: ForwardTrace, lossStep k: Int, targetID: Int, packed: PackedWeights?,
         packedHead: PackedMatrix? = nil, headExpectation: [Float]? = nil, alongside: LogSumExpRows? = nil) {
        let a = network.architecture, h = a.hiddenSize, count = forward.steps
        gradients = network.backward(forward, loss: .crossEntropy([.init(step: k, label: targetID)]),
                                     parameterGradients: false, packed: packed, packedHead: packedHead,
                                     headExpectation: headExpectation, alongside: alongside)
        let topLayer = a.layerCount - 1
        hiddenNorms = SentenceTrace.gradientNorms(gradients.hiddenAdjoints[topLayer], steps: count, width: h, lossStep: k)
        cellNorms = a.cell == .lstm
            ? SentenceTrace.gradientNorms(gradients.cellAdjoints[topLayer], steps: count, width: h, lossStep: k) : nil
    }
}

extension SentenceTrace {
    /// ‖adjoint_t‖ of one layer's step-major adjoints (`width` values a step), 0 after the loss step:
    /// `stepNorms`, each its step's own sum of squares in Double, in unit order.
    public static func gradientNorms(_ adjoints: [Float], steps: Int, width h: Int, lossStep k: Int) -> [Float] {
        precondition(adjoints.count >= steps * h, "the adjoints do not fit")
        let live = min(steps, k + 1)
        guard live > 0 && h > 0 else { return [Float](repeating: 0, count: steps) }
        var norms = adjoints.withUnsafeBufferPointer { stepNorms($0.baseAddress!, steps: live, width: h) }
        if live < steps { norms += repeatElement(0, count: steps - live) }
        return norms
    }
}

extension SentenceTrace {
    /// What the prediction panel ranks at `step`: the `count` most likely outputs other than
    /// `apart` (a language model's unknown-word token), most likely first, and the probability of
    /// `apart` itself. Computed from the step's logits; the trace's own `top` (what `trace` exports) is unchanged.
    public func ranked(at step: Int, count: Int, apart: Int?) -> (ranked: [(id: Int, probability: Float)], apartProbability: Float?) {
        let width = forward.architecture.outputSize
        return forward.outputRow(step).withUnsafeBufferPointer { row in
            let (best, normalizer) = HeadRow.mostLikely(row, k: count + (apart == nil ? 0 : 1))
            func probability(_ id: Int) -> Float { exponential(row[id] - normalizer) }
            let ids = best.filter { $0 != apart }.prefix(count)
            let apartProbability = apart.flatMap { $0 >= 0 && $0 < width ? probability($0) : nil }
            return (ids.map { ($0, probability($0)) }, apartProbability)
        }
    }
}
