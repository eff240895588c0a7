/// Walking one layer through time, forward and backward. The same walk serves
/// every cell type; only the elementwise step differs (see `Cells/`).
///
/// Buffers are laid out time-major: row t·B + b holds sequence b at step t.

/// What one layer computed over T steps of B sequences.
public struct LayerRecord: Sendable {
    public let cell: CellKind
    public let nonlinearity: Nonlinearity
    public let steps: Int
    public let batch: Int
    public let hiddenSize: Int
    /// h_t, [T, B, H].
    public internal(set) var hidden: [Float]
    /// c_t, [T, B, H] (LSTM only, else empty).
    public internal(set) var cellState: [Float]
    /// [T, B, G·H]: the gate activations in PyTorch's order (i f g o, r z n), or the RNN's pre-activation.
    public internal(set) var gates: [Float]
    /// The GRU's W_hn·h_{t−1} + b_hn, [T, B, H] (empty for the others).
    var hiddenCandidateProjection: [Float]
    /// h and c before step 0, [B, H] each: zeros, or the state carried over from the previous chunk.
    public internal(set) var initialHidden: [Float]
    public internal(set) var initialCell: [Float]

    /// The state after the last step, to carry into the next chunk of a long sequence.
    public var finalHidden: [Float] { Array(hidden[((steps - 1) * batch * hiddenSize)...]) }
    public var finalCell: [Float] {
        cell == .lstm ? Array(cellState[((steps - 1) * batch * hiddenSize)...]) : []
    }
}

/// A zero-filled scratch buffer freed by the caller.
func scratch(_ count: Int) -> UnsafeMutablePointer<Float> {
    let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
    p.initialize(repeating: 0, count: max(count, 1))
    return p
}

/// Fills `rows` rows of width bias.count with the bias.
func fillRows(_ out: UnsafeMutablePointer<Float>, rows: Int, with bias: [Float]) {
    bias.withUnsafeBufferPointer { b in
        for r in 0..<rows { (out + r * b.count).update(from: b.baseAddress!, count: b.count) }
    }
}

/// Adds up the rows of a [rows, width] matrix, row by row (each column in the same order
/// however the columns are shared out on the worker pool).
func columnSums(_ m: UnsafePointer<Float>, rows: Int, width: Int) -> [Float] {
    var sums = [Float](repeating: 0, count: width)
    let blockWidth = 256
    let blocks = rows * width >= 1 << 18 ? (width + blockWidth - 1) / blockWidth : 1
    sums.withUnsafeMutableBufferPointer { s in
        let out = s.baseAddress!
        WorkerPool.shared.run(shards: blocks) { block in
            let first = blocks == 1 ? 0 : block * blockWidth
            let count = blocks == 1 ? width : min(blockWidth, width - first)
            for r in 0..<rows {
                let row = m + r * width + first
                forEachChunk(count) { j, n in store(load(out + first + j, n) + load(row + j, n), out + first + j, n) }
            }
        }
    }
    return sums
}

func forwardLayer(_ p: LayerParameters, cell: CellKind, nonlinearity: Nonlinearity = .tanh, input: UnsafePointer<Float>, inputSize: Int,
                  steps: Int, batch: Int, whhScale: Float,
                  initialHidden: [Float]?, initialCell: [Float]?,
                  packedInput: PackedMatrix? = nil, packedRecurrent: PackedMatrix? = nil) -> LayerRecord {
    let h = p.weightHH.shape[1], gh = cell.gateCount * h, rowsBH = batch * h
    let total = steps * batch
    // Block t of `states` is the state before step t; block 0 is the initial state.
    let hiddenStates = scratch((steps + 1) * rowsBH), cellStates = scratch((steps + 1) * rowsBH)
    // Every step's input projection at once: one large product instead of T small ones.
    let inputProjection = scratch(total * gh)
    let hiddenProjection = scratch(batch * gh)
    let gates = scratch(total * gh)
    let extra = scratch(cell == .gru ? total * h : rowsBH)
    defer {
        for buffer in [hiddenStates, cellStates, inputProjection, hiddenProjection, gates, extra] { buffer.deallocate() }
    }
    if let initialHidden { hiddenStates.update(from: initialHidden, count: rowsBH) }
    if let initialCell, cell == .lstm { cellStates.update(from: initialCell, count: rowsBH) }
    fillRows(inputProjection, rows: total, with: p.biasIH.values)
    multiply(StridedMatrix(base: input, rows: total, rowStride: inputSize), packedInput ?? PackedMatrix(transposing: p.weightIH),
             into: inputProjection, ldc: gh, accumulate: true)
    let recurrent = packedRecurrent ?? PackedMatrix(transposing: p.weightHH, scale: whhScale)
    let step = cell.step(nonlinearity)
    for t in 0..<steps {
        let previousHidden = hiddenStates + t * rowsBH
        fillRows(hiddenProjection, rows: batch, with: p.biasHH.values)
        multiply(StridedMatrix(base: previousHidden, rows: batch, rowStride: h), recurrent,
                 into: hiddenProjection, ldc: gh, accumulate: true)
        step.forward(StepForward(
            batch: batch, hidden: h,
            inputProjection: inputProjection + t * batch * gh, hiddenProjection: hiddenProjection,
            previousHidden: previousHidden, previousCell: cellStates + t * rowsBH,
            gates: gates + t * batch * gh, hiddenOut: previousHidden + rowsBH,
            cellOut: cellStates + (t + 1) * rowsBH,
            extra: cell == .gru ? extra + t * rowsBH : extra))
    }
    func copy(_ p: UnsafeMutablePointer<Float>, _ count: Int) -> [Float] { Array(UnsafeBufferPointer(start: p, count: count)) }
    return LayerRecord(
        cell: cell, nonlinearity: nonlinearity, steps: steps, batch: batch, hiddenSize: h,
        hidden: copy(hiddenStates + rowsBH, total * h),
        cellState: cell == .lstm ? copy(cellStates + rowsBH, total * h) : [],
        gates: copy(gates, total * gh),
        hiddenCandidateProjection: cell == .gru ? copy(extra, total * h) : [],
        initialHidden: copy(hiddenStates, rowsBH),
        initialCell: cell == .lstm ? copy(cellStates, rowsBH) : [])
}

/// What flowing backward through one layer yields.
struct LayerAdjoints {
    /// dL/dh_t, [T, B, H], through every path.
    var hidden: [Float]
    /// dL/dc_t, [T, B, H] (LSTM only).
    var cellState: [Float]
    /// dL/dx_t for the layer's input, [T, B, input] (when asked for).
    var input: [Float]?
    var parameters: LayerParameters?
}

/// Backpropagation through time for one layer. `direct` is dL/dh_t from outside
/// the recurrence (the head, or the layer above); the walk adds what reaches
/// h_t from step t+1.
/// Steps after `lastLossStep` cannot reach the loss, so the walk starts there.
/// Nothing flows into the initial state: a carried-over state is a constant
/// here (truncated BPTT).
func backwardLayer(_ p: LayerParameters, record: LayerRecord, input: UnsafePointer<Float>, inputSize: Int,
                   direct: UnsafePointer<Float>, lastLossStep: Int, whhScale: Float,
                   wantInput: Bool, wantParameters: Bool,
                   packedRecurrent: PackedMatrix? = nil, packedInput: PackedMatrix? = nil) -> LayerAdjoints {
    let cell = record.cell, steps = record.steps, batch = record.batch
    let h = record.hiddenSize, gh = cell.gateCount * h, rowsBH = batch * h, total = steps * batch
    // The state before each step, [T, B, H]: the initial state, then h_0 … h_{T−2}.
    let previousHidden = record.initialHidden + record.hidden.prefix((steps - 1) * rowsBH)
    let previousCell = cell == .lstm ? record.initialCell + record.cellState.prefix((steps - 1) * rowsBH) : []
    let dInputProjection = scratch(total * gh)
    let dHiddenProjection = cell.separateHiddenProjectionAdjoint ? scratch(total * gh) : dInputProjection
    let adjointHidden = scratch(total * h)
    let adjointCell = scratch(cell == .lstm ? total * h : rowsBH)
    let carryHidden = scratch(rowsBH), carryCell = scratch(rowsBH), zeros = scratch(rowsBH)
    defer {
        for buffer in [dInputProjection, adjointHidden, adjointCell, carryHidden, carryCell, zeros] { buffer.deallocate() }
        if cell.separateHiddenProjectionAdjoint { dHiddenProjection.deallocate() }
    }
    let recurrent = packedRecurrent ?? PackedMatrix(p.weightHH, scale: whhScale)
    let step = cell.step(record.nonlinearity)
    let isLSTM = cell == .lstm, isGRU = cell == .gru
    record.hidden.withUnsafeBufferPointer { hidden in
    record.gates.withUnsafeBufferPointer { gates in
    record.cellState.withUnsafeBufferPointer { cellState in
    record.hiddenCandidateProjection.withUnsafeBufferPointer { extra in
    previousHidden.withUnsafeBufferPointer { before in
    previousCell.withUnsafeBufferPointer { cellBefore in
        for t in stride(from: min(lastLossStep, steps - 1), through: 0, by: -1) {
            let dh = adjointHidden + t * rowsBH
            for i in 0..<rowsBH { dh[i] = direct[t * rowsBH + i] + carryHidden[i] }
            step.backward(StepBackward(
                batch: batch, hidden: h, dHidden: dh,
                gates: gates.baseAddress! + t * batch * gh, hiddenOut: hidden.baseAddress! + t * rowsBH,
                cellOut: isLSTM ? cellState.baseAddress! + t * rowsBH : UnsafePointer(zeros),
                extra: isGRU ? extra.baseAddress! + t * rowsBH : UnsafePointer(zeros),
                previousHidden: before.baseAddress! + t * rowsBH,
                previousCell: isLSTM ? cellBefore.baseAddress! + t * rowsBH : UnsafePointer(zeros),
                cellCarry: carryCell,
                cellAdjoint: isLSTM ? adjointCell + t * rowsBH : adjointCell,
                dInputProjection: dInputProjection + t * batch * gh,
                dHiddenProjection: dHiddenProjection + t * batch * gh,
                dPreviousHiddenDirect: carryHidden))
            if t > 0 {
                multiply(StridedMatrix(base: dHiddenProjection + t * batch * gh, rows: batch, rowStride: gh), recurrent,
                         into: carryHidden, ldc: h, accumulate: true)
            }
        }
    }}}}}}

    var result = LayerAdjoints(
        hidden: Array(UnsafeBufferPointer(start: adjointHidden, count: total * h)),
        cellState: isLSTM ? Array(UnsafeBufferPointer(start: adjointCell, count: total * h)) : [],
        input: nil, parameters: nil)
    if wantInput {
        var dInput = [Float](repeating: 0, count: total * inputSize)
        dInput.withUnsafeMutableBufferPointer {
            multiply(StridedMatrix(base: dInputProjection, rows: total, rowStride: gh), packedInput ?? PackedMatrix(p.weightIH),
                     into: $0.baseAddress!, ldc: inputSize, accumulate: false)
        }
        result.input = dInput
    }
    if wantParameters {
        var g = LayerParameters(weightIH: Tensor(zeros: p.weightIH.shape), weightHH: Tensor(zeros: p.weightHH.shape),
                                biasIH: Tensor(zeros: [gh]), biasHH: Tensor(zeros: [gh]))
        // dW_ih = Σ_t dpre_tᵀ·x_t: read the adjoints transposed, in place.
        g.weightIH.values.withUnsafeMutableBufferPointer {
            multiply(StridedMatrix(base: dInputProjection, rows: gh, rowStride: 1, columnStride: gh),
                     PackedMatrix(rows: total, columns: inputSize, source: input, rowStride: inputSize, columnStride: 1),
                     into: $0.baseAddress!, ldc: inputSize, accumulate: false)
        }
        // dW = s·Σ_t dpre_tᵀ·h_{t−1}, since the forward pass used s·W_hh.
        previousHidden.withUnsafeBufferPointer { before in
            g.weightHH.values.withUnsafeMutableBufferPointer {
                multiply(StridedMatrix(base: dHiddenProjection, rows: gh, rowStride: 1, columnStride: gh),
                         PackedMatrix(rows: total, columns: h, source: before.baseAddress!, rowStride: h, columnStride: 1,
                                      scale: whhScale),
                         into: $0.baseAddress!, ldc: h, accumulate: false)
            }
        }
        g.biasIH.values = columnSums(dInputProjection, rows: total, width: gh)
        g.biasHH.values = columnSums(dHiddenProjection, rows: total, width: gh)
        result.parameters = g
    }
    return result
}
