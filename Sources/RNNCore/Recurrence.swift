/// Walking one layer through time, forward and backward. The same walk serves
/// every cell type; only the elementwise step differs (see `Cells/`).
///
/// Buffers are laid out time-major: row t·B + b holds sequence b at step t.

/// What one layer computed over T steps of B sequences.
public struct LayerRecord: Sendable {
    public let cell: CellKind
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

/// Adds up the rows of a [rows, width] matrix.
func columnSums(_ m: UnsafePointer<Float>, rows: Int, width: Int) -> [Float] {
    var sums = [Float](repeating: 0, count: width)
    sums.withUnsafeMutableBufferPointer { s in
        for r in 0..<rows {
            let row = m + r * width
            forEachChunk(width) { j, n in store(load(s.baseAddress! + j, n) + load(row + j, n), s.baseAddress! + j, n) }
        }
    }
    return sums
}

func forwardLayer(_ p: LayerParameters, cell: CellKind, input: UnsafePointer<Float>, inputSize: Int,
                  steps: Int, batch: Int, whhScale: Float) -> LayerRecord {
    let h = p.weightHH.shape[1], gh = cell.gateCount * h, rowsBH = batch * h
    let total = steps * batch
    // Every step's input projection at once: one large product instead of T small ones.
    let inputProjection = scratch(total * gh)
    let hiddenProjection = scratch(batch * gh)
    let zeros = scratch(rowsBH)
    let hidden = scratch(total * h), gates = scratch(total * gh)
    let cellState = scratch(cell == .lstm ? total * h : rowsBH)
    let extra = scratch(cell == .gru ? total * h : rowsBH)
    defer {
        for buffer in [inputProjection, hiddenProjection, zeros, hidden, gates, cellState, extra] { buffer.deallocate() }
    }
    fillRows(inputProjection, rows: total, with: p.biasIH.values)
    multiply(StridedMatrix(base: input, rows: total, rowStride: inputSize), PackedMatrix(transposing: p.weightIH),
             into: inputProjection, ldc: gh, accumulate: true)
    let recurrent = PackedMatrix(transposing: p.weightHH, scale: whhScale)
    let step = cell.step
    for t in 0..<steps {
        fillRows(hiddenProjection, rows: batch, with: p.biasHH.values)
        let previousHidden = t > 0 ? UnsafePointer(hidden + (t - 1) * rowsBH) : UnsafePointer(zeros)
        if t > 0 {
            multiply(StridedMatrix(base: previousHidden, rows: batch, rowStride: h), recurrent,
                     into: hiddenProjection, ldc: gh, accumulate: true)
        }
        let keepsCell = cell == .lstm, keepsExtra = cell == .gru
        step.forward(StepForward(
            batch: batch, hidden: h,
            inputProjection: inputProjection + t * batch * gh, hiddenProjection: hiddenProjection,
            previousHidden: previousHidden,
            previousCell: keepsCell && t > 0 ? cellState + (t - 1) * rowsBH : zeros,
            gates: gates + t * batch * gh, hiddenOut: hidden + t * rowsBH,
            cellOut: keepsCell ? cellState + t * rowsBH : cellState,
            extra: keepsExtra ? extra + t * rowsBH : extra))
    }
    return LayerRecord(
        cell: cell, steps: steps, batch: batch, hiddenSize: h,
        hidden: Array(UnsafeBufferPointer(start: hidden, count: total * h)),
        cellState: cell == .lstm ? Array(UnsafeBufferPointer(start: cellState, count: total * h)) : [],
        gates: Array(UnsafeBufferPointer(start: gates, count: total * gh)),
        hiddenCandidateProjection: cell == .gru ? Array(UnsafeBufferPointer(start: extra, count: total * h)) : [])
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
func backwardLayer(_ p: LayerParameters, record: LayerRecord, input: UnsafePointer<Float>, inputSize: Int,
                   direct: UnsafePointer<Float>, whhScale: Float,
                   wantInput: Bool, wantParameters: Bool) -> LayerAdjoints {
    let cell = record.cell, steps = record.steps, batch = record.batch
    let h = record.hiddenSize, gh = cell.gateCount * h, rowsBH = batch * h, total = steps * batch
    let dInputProjection = scratch(total * gh)
    let dHiddenProjection = cell.separateHiddenProjectionAdjoint ? scratch(total * gh) : dInputProjection
    let adjointHidden = scratch(total * h)
    let adjointCell = scratch(cell == .lstm ? total * h : rowsBH)
    let carryHidden = scratch(rowsBH), carryCell = scratch(rowsBH), zeros = scratch(rowsBH)
    defer {
        for buffer in [dInputProjection, adjointHidden, adjointCell, carryHidden, carryCell, zeros] { buffer.deallocate() }
        if cell.separateHiddenProjectionAdjoint { dHiddenProjection.deallocate() }
    }
    let recurrent = PackedMatrix(p.weightHH, scale: whhScale)
    let step = cell.step
    record.hidden.withUnsafeBufferPointer { hidden in
    record.gates.withUnsafeBufferPointer { gates in
    record.cellState.withUnsafeBufferPointer { cellState in
    record.hiddenCandidateProjection.withUnsafeBufferPointer { extra in
        let hs = hidden.baseAddress!, gs = gates.baseAddress!
        for t in stride(from: steps - 1, through: 0, by: -1) {
            let dh = adjointHidden + t * rowsBH
            for i in 0..<rowsBH { dh[i] = direct[t * rowsBH + i] + carryHidden[i] }
            let cellOut = cell == .lstm ? cellState.baseAddress! + t * rowsBH : UnsafePointer(zeros)
            let previousCell = cell == .lstm && t > 0 ? cellState.baseAddress! + (t - 1) * rowsBH : UnsafePointer(zeros)
            step.backward(StepBackward(
                batch: batch, hidden: h, dHidden: dh,
                gates: gs + t * batch * gh, hiddenOut: hs + t * rowsBH, cellOut: cellOut,
                extra: cell == .gru ? extra.baseAddress! + t * rowsBH : UnsafePointer(zeros),
                previousHidden: t > 0 ? hs + (t - 1) * rowsBH : UnsafePointer(zeros),
                previousCell: previousCell,
                cellCarry: carryCell,
                cellAdjoint: cell == .lstm ? adjointCell + t * rowsBH : adjointCell,
                dInputProjection: dInputProjection + t * batch * gh,
                dHiddenProjection: dHiddenProjection + t * batch * gh,
                dPreviousHiddenDirect: carryHidden))
            if t > 0 {
                multiply(StridedMatrix(base: dHiddenProjection + t * batch * gh, rows: batch, rowStride: gh), recurrent,
                         into: carryHidden, ldc: h, accumulate: true)
            }
        }
    }}}}

    var result = LayerAdjoints(
        hidden: Array(UnsafeBufferPointer(start: adjointHidden, count: total * h)),
        cellState: cell == .lstm ? Array(UnsafeBufferPointer(start: adjointCell, count: total * h)) : [],
        input: nil, parameters: nil)
    if wantInput {
        var dInput = [Float](repeating: 0, count: total * inputSize)
        dInput.withUnsafeMutableBufferPointer {
            multiply(StridedMatrix(base: dInputProjection, rows: total, rowStride: gh), PackedMatrix(p.weightIH),
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
        // dW = s·Σ_{t≥1} dpre_tᵀ·h_{t−1}, since the forward pass used s·W_hh.
        record.hidden.withUnsafeBufferPointer { hidden in
            g.weightHH.values.withUnsafeMutableBufferPointer {
                multiply(StridedMatrix(base: dHiddenProjection + batch * gh, rows: gh, rowStride: 1, columnStride: gh),
                         PackedMatrix(rows: (steps - 1) * batch, columns: h, source: hidden.baseAddress!,
                                      rowStride: h, columnStride: 1, scale: whhScale),
                         into: $0.baseAddress!, ldc: h, accumulate: false)
            }
        }
        g.biasIH.values = columnSums(dInputProjection, rows: total, width: gh)
        g.biasHH.values = columnSums(dHiddenProjection, rows: total, width: gh)
        result.parameters = g
    }
    return result
}
