/// A stack of recurrent layers with an optional embedding below and a linear
/// head above: PyTorch's `Embedding → RNN/LSTM/GRU → Linear`.
public struct RecurrentNetwork: Sendable {
    public let architecture: Architecture
    public var parameters: Parameters

    public init(architecture: Architecture, parameters: Parameters) {
        precondition(architecture.parameterShapes.map(\.shape) == parameters.named.map(\.tensor.shape),
                     "parameter shapes do not fit the architecture")
        self.architecture = architecture
        self.parameters = parameters
    }

    /// PyTorch's default initialisation, reproducible from `seed`.
    public init(architecture: Architecture, seed: UInt64) {
        self.init(architecture: architecture, parameters: Parameters(randomFor: architecture, seed: seed))
    }

    /// The head's weight packed for the forward product. Packing costs a copy of
    /// the C×H matrix, which for a 5,000-word head is worth doing once per model
    /// rather than once per trace.
    public func packedHead() -> PackedMatrix { PackedMatrix(transposing: parameters.headWeight) }
}

/// What goes in at each step: token ids looked up in the embedding, or raw vectors.
public enum NetworkInput: Sendable {
    /// B sequences of T ids each: `tokens[b][t]`.
    case tokens([[Int]])
    /// [T, B, E] values, time-major.
    case vectors(Tensor)

    var steps: Int {
        switch self {
        case .tokens(let sequences): sequences.first?.count ?? 0
        case .vectors(let t): t.shape[0]
        }
    }

    var batch: Int {
        switch self {
        case .tokens(let sequences): sequences.count
        case .vectors(let t): t.shape[1]
        }
    }
}

/// The recurrent state of every layer between two chunks of a long sequence.
public struct RecurrentState: Sendable {
    /// Per layer, [B, H].
    public var hidden: [[Float]]
    /// Per layer, [B, H] (LSTM only, else empty arrays).
    public var cell: [[Float]]

    public init(hidden: [[Float]], cell: [[Float]]) {
        self.hidden = hidden
        self.cell = cell
    }
}

/// Inverted dropout for training: each value fed to a layer or to the head is
/// zeroed with probability `rate` and the rest are scaled by 1/(1 − rate).
public struct Dropout: Sendable {
    public var rate: Float
    public var seed: UInt64

    public init(rate: Float, seed: UInt64) {
        precondition(rate >= 0 && rate < 1, "dropout rate must be in [0, 1)")
        self.rate = rate
        self.seed = seed
    }

    /// A mask of `count` values, each 0 or 1/(1 − rate); a different stream per `stream`.
    /// Drawn in pieces of 16k values on the worker pool, each piece starting where the one
    /// before it ends in the stream, so the mask is the same on any number of threads.
    func mask(count: Int, stream: UInt64) -> [Float] {
        arrayWritten(count: count) { out in
            guard let out else { return }
            inPieces(count, of: Self.piece) { range in draw(range, stream: stream, into: out) }
        }
    }

    /// Multiplies `values` by a fresh mask (the one `mask(count:stream:)` gives), drawn and
    /// applied in the same pass, and returns the mask for the backward pass.
    func apply(to values: inout [Float], stream: UInt64) -> [Float] {
        let count = values.count
        return values.withUnsafeMutableBufferPointer { v in
            arrayWritten(count: count) { out in
                guard let out else { return }
                inPieces(count, of: Self.piece) { range in
                    draw(range, stream: stream, into: out)
                    multiplyElements(v.baseAddress! + range.lowerBound, by: out + range.lowerBound, count: range.count)
                }
            }
        }
    }

    private static let piece = 1 << 14

    /// The mask's values at `range` (a whole piece), from where that piece starts in the stream.
    private func draw(_ range: Range<Int>, stream: UInt64, into out: UnsafeMutablePointer<Float>) {
        let keep = 1 / (1 - rate)
        var random = SeededRandom(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ stream, skipping: range.lowerBound)
        for i in range { out[i] = random.uniform(0, 1) < rate ? 0 : keep }
    }
}

/// Everything a forward pass computed, kept for the panels and for BPTT.
public struct ForwardTrace: Sendable {
    public let architecture: Architecture
    public let steps: Int
    public let batch: Int
    /// The factor that multiplied every W_hh in this pass (and must in its backward pass).
    public let whhScale: Float
    /// Token ids, time-major [T·B] (empty for vector inputs).
    public let tokenIDs: [Int]
    /// What each layer read, [T, B, width]: embeddings or input vectors for layer 0,
    /// the layer below's h for the others (after dropout, when training with it).
    public let layerInputs: [[Float]]
    /// One record per layer, bottom first.
    public let layers: [LayerRecord]
    /// What the head read: the top layer's h after dropout, [T, B, H].
    public let headInput: [Float]
    /// Dropout masks for each layer's input and, last, for the head's input (empty without dropout).
    public let dropoutMasks: [[Float]]
    /// The head's outputs (logits for a classifier or language model): C values for each row
    /// r = t·B + b, from `outputStart(r)`; `packedOutputs` gives them as [T, B, C].
    /// A pass run with its head `.onDemand` holds zeros here until `computeHead(rows:…)` fills
    /// the rows wanted; one run with it `.skipped` holds nothing.
    public internal(set) var outputs: [Float]
    /// Rows are packed (row r at r·C) unless `computeEveryHeadRow` laid them out: then each row
    /// starts on a 64-byte boundary and C is rounded up to whole cache lines, so that no 16-wide
    /// load or store of the head pass, the ranking or log Σ exp straddles two lines (about 0.01
    /// ms of a 1 ms trace). The padding holds zeros and is never read.
    public internal(set) var outputOffset = 0
    var paddedOutputStride: Int? = nil

    public var top: LayerRecord { layers[layers.count - 1] }

    /// How far apart the rows of `outputs` start.
    public var outputStride: Int { paddedOutputStride ?? architecture.outputSize }
    /// Where row r of `outputs` starts.
    public func outputStart(_ r: Int) -> Int { outputOffset + r * outputStride }
    /// Row r of the head's outputs (its indices count from `outputStart(r)`).
    public func outputRow(_ r: Int) -> ArraySlice<Float> {
        let start = outputStart(r)
        return outputs[start..<(start + architecture.outputSize)]
    }
    /// The head's outputs as [T, B, C], whatever their layout.
    public var packedOutputs: [Float] { packedOutputs(rows: steps * batch) }

    /// The first `rows` rows of the head's outputs, packed (row r at r·C).
    func packedOutputs(rows: Int) -> [Float] {
        let c = architecture.outputSize
        guard paddedOutputStride != nil, !outputs.isEmpty else { return Array(outputs.prefix(rows * c)) }
        var packed: [Float] = []
        packed.reserveCapacity(rows * c)
        for r in 0..<rows { packed.append(contentsOf: outputRow(r)) }
        return packed
    }

    /// Row t·B + b of a [T, B, width] buffer.
    public func row(step t: Int, sequence b: Int = 0) -> Int { t * batch + b }

    /// The state after the last step, to start the next chunk of the same sequences from.
    public var finalState: RecurrentState {
        RecurrentState(hidden: layers.map(\.finalHidden), cell: layers.map(\.finalCell))
    }

    /// softmax(outputs) for one row.
    public func probabilities(step t: Int, sequence b: Int = 0) -> [Float] {
        softmaxRows(Array(outputRow(row(step: t, sequence: b))), width: architecture.outputSize)
    }
}

/// Which of the head's outputs a forward pass computes.
public enum HeadOutputs: Sendable {
    /// Every row's.
    case all
    /// None yet: zeros until `computeHead(rows:…)` fills the rows wanted (a trace shows a few steps).
    case onDemand
    /// None, and no room for them: a training step's loss computes its logits block by block
    /// as it goes (`headCrossEntropy`), 22 MB never written at batch 32 × 35 steps × 5,000 words.
    case skipped
}

extension RecurrentNetwork {
    /// Runs the network over the input. `whhScale` multiplies every W_hh (the
    /// vanishing/exploding knob); `packedHead` may be given to skip repacking;
    /// `initialState` continues sequences from an earlier chunk; `dropout` is for training.
    /// `packed` holds every weight already packed (for repeated traces of one network);
    /// `head` says which of the head's outputs to compute (see `HeadOutputs`).
    public func forward(_ input: NetworkInput, whhScale: Float = 1, packedHead: PackedMatrix? = nil,
                        initialState: RecurrentState? = nil, dropout: Dropout? = nil,
                        packed: PackedWeights? = nil, head: HeadOutputs = .all) -> ForwardTrace {
        let a = architecture
        let steps = input.steps, batch = input.batch, total = steps * batch
        var tokenIDs: [Int] = []
        var layerInput: [Float]
        switch input {
        case .tokens(let sequences):
            guard let embedding = parameters.embedding else { preconditionFailure("this network takes vectors, not tokens") }
            precondition(sequences.allSatisfy { $0.count == steps }, "sequences in a batch must have equal length")
            tokenIDs = [Int](repeating: 0, count: total)
            for t in 0..<steps {
                for b in 0..<batch {
                    let id = sequences[b][t]
                    precondition(id >= 0 && id < embedding.shape[0], "token id \(id) outside the vocabulary")
                    tokenIDs[t * batch + b] = id
                }
            }
            // Each step's embedding row, copied whole.
            let e = a.inputSize
            layerInput = embedding.values.withUnsafeBufferPointer { table in
                arrayWritten(count: total * e) { out in
                    guard let out else { return }
                    for (row, id) in tokenIDs.enumerated() { (out + row * e).update(from: table.baseAddress! + id * e, count: e) }
                }
            }
        case .vectors(let tensor):
            precondition(tensor.shape.count == 3 && tensor.shape[2] == a.inputSize, "input vectors must be [T, B, \(a.inputSize)]")
            layerInput = tensor.values
        }
        if let state = initialState {
            precondition(state.hidden.count == a.layerCount && state.hidden.allSatisfy { $0.count == batch * a.hiddenSize },
                         "the initial state does not fit this network and batch")
        }

        var masks: [[Float]] = []
        func drop(_ values: inout [Float]) {
            guard let dropout, dropout.rate > 0 else { return }
            masks.append(dropout.apply(to: &values, stream: UInt64(masks.count)))
        }

        var layers: [LayerRecord] = [], layerInputs: [[Float]] = []
        for (k, p) in parameters.layers.enumerated() {
            drop(&layerInput)
            layerInputs.append(layerInput)
            let record = layerInput.withUnsafeBufferPointer {
                forwardLayer(p, cell: a.cell, nonlinearity: a.nonlinearity, input: $0.baseAddress!, inputSize: a.layerInputSize(k),
                             steps: steps, batch: batch, whhScale: whhScale,
                             initialHidden: initialState?.hidden[k],
                             initialCell: a.cell == .lstm ? initialState?.cell[k] : nil,
                             packedInput: packed?.inputForward[k], packedRecurrent: packed?.recurrentForward[k])
            }
            layers.append(record)
            layerInput = record.hidden
        }
        drop(&layerInput)

        // bias + h·W_headᵀ, written once (no zero-fill or bias fill before it).
        let outputs = head == .skipped ? []
            : head == .onDemand ? [Float](repeating: 0, count: total * a.outputSize)
            : arrayWritten(count: total * a.outputSize) { out in
                guard let out else { return }
                layerInput.withUnsafeBufferPointer { top in
                    parameters.headBias.values.withUnsafeBufferPointer { bias in
                        multiply(StridedMatrix(base: top.baseAddress!, rows: total, rowStride: a.hiddenSize),
                                 packedHead ?? packed?.head ?? self.packedHead(), into: out, ldc: a.outputSize,
                                 accumulate: false, bias: bias.baseAddress)
                    }
                }
            }
        return ForwardTrace(architecture: a, steps: steps, batch: batch, whhScale: whhScale, tokenIDs: tokenIDs,
                            layerInputs: layerInputs, layers: layers, headInput: layerInput, dropoutMasks: masks,
                            outputs: outputs)
    }
}
