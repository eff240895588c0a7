import CKernels

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
    /// What the backward pass needs beyond the gates, [T, B, H]: the GRU's W_hn·h_{t−1} + b_hn,
    /// the LSTM's tanh(c_t) (kept rather than computed again); empty for the RNN.
    var cellExtra: [Float]
    /// h and c before step 0, [B, H] each: zeros, or the state carried over from the previous chunk.
    public internal(set) var initialHidden: [Float]
    public internal(set) var initialCell: [Float]

    /// The state after the last step, to carry into the next chunk of a long sequence.
    public var finalHidden: [Float] { Array(hidden[((steps - 1) * batch * hiddenSize)...]) }
    public var finalCell: [Float] {
        cell == .lstm ? Array(cellState[((steps - 1) * batch * hiddenSize)...]) : []
    }
}

/// A record's buffers as the backward walk reads them; a buffer the cell keeps none of
/// (an RNN's cell state) points at scratch instead.
struct RecordPointers {
    var hidden, gates, cellState, extra, initialHidden, initialCell: UnsafePointer<Float>
}

extension LayerRecord {
    /// Lends `body` a pointer to every buffer at once, so the walk needs no closure per buffer.
    func withPointers<R>(orElse unused: UnsafePointer<Float>, _ body: (RecordPointers) -> R) -> R {
        hidden.withUnsafeBufferPointer { hidden in
        gates.withUnsafeBufferPointer { gates in
        cellState.withUnsafeBufferPointer { cellState in
        cellExtra.withUnsafeBufferPointer { extra in
        initialHidden.withUnsafeBufferPointer { h0 in
        initialCell.withUnsafeBufferPointer { c0 in
            body(RecordPointers(hidden: hidden.baseAddress ?? unused, gates: gates.baseAddress ?? unused,
                                cellState: cellState.baseAddress ?? unused, extra: extra.baseAddress ?? unused,
                                initialHidden: h0.baseAddress ?? unused, initialCell: c0.baseAddress ?? unused))
        }}}}}}
    }
}

/// A zero-filled scratch buffer freed by the caller.
func scratch(_ count: Int) -> UnsafeMutablePointer<Float> {
    let p = uninitializedScratch(count)
    p.initialize(repeating: 0, count: max(count, 1))
    return p
}

/// A scratch buffer that the caller writes in full before reading it (no zero-fill:
/// at the race's sizes, clearing the large per-step buffers cost 5% of a step).
func uninitializedScratch(_ count: Int) -> UnsafeMutablePointer<Float> {
    // On a cache line, so that a 16-wide load or store of a row never straddles two.
    UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        .bindMemory(to: Float.self, capacity: max(count, 1))
}

/// Fills `rows` rows of width bias.count with the bias (a walk's few rows at a step: the large
/// fills, the head's and the input projection's, take the bias inside the product instead).
func fillRows(_ out: UnsafeMutablePointer<Float>, rows: Int, with bias: [Float]) {
    bias.withUnsafeBufferPointer { b in
        for r in 0..<rows { (out + r * b.count).update(from: b.baseAddress!, count: b.count) }
    }
}

/// Adds up the rows of a [rows, width] matrix, row by row: each column is the same chain of
/// additions in row order however the columns are shared out (`addWeightedRows`, which reads a
/// large matrix row by row from memory), every row weighted 1 (1·x + s is exactly s + x).
func columnSums(_ m: UnsafePointer<Float>, rows: Int, width: Int) -> [Float] {
    var sums = [Float](repeating: 0, count: width)
    let ones = [Float](repeating: 1, count: rows)
    sums.withUnsafeMutableBufferPointer { out in
        addWeightedRows(of: m, rows: rows, width: width, weights: ones, into: out.baseAddress!)
    }
    return sums
}

/// The recurrent product into `out` (row stride `ldc`), scaled by the W_hh knob: with s = 1,
/// out += rows·packed; otherwise out += s·(rows·packed), the product first summed in
/// `product` (rows × ldc floats). The scale multiplies the product, not the packed weights, so
/// one packing serves every scale; at s = 1 both forms give the same bits.
/// With a `bias` row, out starts from it instead of from what it held (at s = 1 written in one
/// pass, C = bias + rows·packed, the bits of filling and adding).
/// `fromTheEnd`, for a walk's every other step: one row's product reads W_hh's panels last to
/// first. W_hh (256 KB at H = 128) streams from L2, but the last 48 KB or so that a step read
/// are still in L1, and the next step then starts with them (a 16 MB W_hh streams from L3, and
/// the last 2 MB are still in L2); each sum is the same either way.
func addRecurrentProduct(_ rows: StridedMatrix, _ packed: PackedMatrix, scale: Float, bias: [Float]? = nil,
                         into out: UnsafeMutablePointer<Float>, ldc: Int, product: UnsafeMutablePointer<Float>,
                         fromTheEnd: Bool = false) {
    guard scale != 1 else {
        if let bias {
            bias.withUnsafeBufferPointer {
                multiply(rows, packed, into: out, ldc: ldc, accumulate: false, bias: $0.baseAddress, fromTheEnd: fromTheEnd)
            }
        } else {
            multiply(rows, packed, into: out, ldc: ldc, accumulate: true, fromTheEnd: fromTheEnd)
        }
        return
    }
    if let bias { fillRows(out, rows: rows.rows, with: bias) }
    multiply(rows, packed, into: product, ldc: ldc, accumulate: false)
    let s = F8(repeating: scale)
    forEachChunk(rows.rows * ldc) { i, n in store(load(out + i, n) + s * load(product + i, n), out + i, n) }
}

/// An array of `count` floats that `body` writes in full: no zero-fill before, no copy after.
/// `body` gets nil for an empty array.
func arrayWritten(count: Int, _ body: (UnsafeMutablePointer<Float>?) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        body(count > 0 ? buffer.baseAddress! : nil)
        initialized = count
    }
}

/// The batch rows that walk through time together: fixed shards of 16 rows (the last may
/// be shorter), set by the batch size alone. Every row's numbers are the same in any shard
/// (nothing mixes rows), so they are the same whether the shards run on one thread or many.
func batchShards(_ batch: Int) -> [Range<Int>] {
    let rows = 16
    return stride(from: 0, to: batch, by: rows).map { $0..<min($0 + rows, batch) }
}

func forwardLayer(_ p: LayerParameters, cell: CellKind, nonlinearity: Nonlinearity = .tanh, input: UnsafePointer<Float>, inputSize: Int,
                  steps: Int, batch: Int, whhScale: Float,
                  initialHidden: [Float]?, initialCell: [Float]?,
                  packedInput: PackedMatrix? = nil, packedRecurrent: PackedMatrix? = nil) -> LayerRecord {
    let h = p.weightHH.shape[1], gh = cell.gateCount * h, rowsBH = batch * h
    let total = steps * batch
    let isLSTM = cell == .lstm, isGRU = cell == .gru
    let startHidden = initialHidden ?? [Float](repeating: 0, count: rowsBH)
    let startCell = isLSTM ? initialCell ?? [Float](repeating: 0, count: rowsBH) : []
    // Every step's input projection at once: one large product instead of T small ones.
    let inputProjection = uninitializedScratch(total * gh)   // bias + x·W_ihᵀ, below
    let unused = scratch(rowsBH)   // the c_t and extra records of cells that keep none
    defer {
        inputProjection.deallocate()
        unused.deallocate()
    }
    p.biasIH.values.withUnsafeBufferPointer { bias in
        multiply(StridedMatrix(base: input, rows: total, rowStride: inputSize), packedInput ?? PackedMatrix(transposing: p.weightIH),
                 into: inputProjection, ldc: gh, accumulate: false, bias: bias.baseAddress)
    }
    let recurrent = packedRecurrent ?? PackedMatrix(transposing: p.weightHH)
    let step = cell.step(nonlinearity)
    let shards = batchShards(batch)
    var cellState: [Float] = [], extra: [Float] = [], gates: [Float] = []
    // The records are written in place, step by step, each shard of rows on its own.
    let hidden = arrayWritten(count: total * h) { hiddenOut in
    cellState = arrayWritten(count: isLSTM ? total * h : 0) { cellOut in
    extra = arrayWritten(count: isGRU || isLSTM ? total * h : 0) { extraOut in
    gates = arrayWritten(count: total * gh) { gatesOut in
    startHidden.withUnsafeBufferPointer { h0 in
    startCell.withUnsafeBufferPointer { c0 in
        guard let hiddenOut, let gatesOut else { return }   // no steps or no rows
        WorkerPool.shared.run(shards: shards.count) { s in
            let first = shards[s].lowerBound, rows = shards[s].count
            let hiddenProjection = uninitializedScratch(rows * gh)   // filled with the bias at every step
            let product = uninitializedScratch(whhScale == 1 ? 0 : rows * gh)   // s·(W_hh·h) before it is added
            defer {
                hiddenProjection.deallocate()
                product.deallocate()
            }
            // One sequence of an LSTM whose W_hh product stays on one thread (as `multiply` decides)
            // on AVX-512: the whole walk in one C call, the same numbers.
            if isLSTM && batch == 1 && whhScale == 1 && Kernels.current == .avx512 && productBlocks(rows: 1, k: h, columns: gh) < 2 {
                withExtendedLifetime(recurrent) {
                    p.biasHH.values.withUnsafeBufferPointer { bias in
                        rnn_avx512_lstm_walk(Int32(steps), Int32(h), inputProjection, recurrent.panels, bias.baseAddress!,
                                             h0.baseAddress!, c0.baseAddress!, initialHidden != nil ? 1 : 0, hiddenProjection,
                                             gatesOut, hiddenOut, cellOut!, extraOut!)
                    }
                }
                return
            }
            for t in 0..<steps {
                let here = t * batch + first   // this shard's first row at step t
                let previousHidden = t == 0 ? h0.baseAddress! + first * h : UnsafePointer(hiddenOut + (here - batch) * h)
                // From a zero state W_hh·h is zero: a large model's first step skips reading W_hh
                // (the sum would be +0, so only a bias of exactly −0 could tell the difference).
                if t > 0 || initialHidden != nil {
                    addRecurrentProduct(StridedMatrix(base: previousHidden, rows: rows, rowStride: h), recurrent, scale: whhScale,
                                        bias: p.biasHH.values, into: hiddenProjection, ldc: gh, product: product,
                                        fromTheEnd: t % 2 == 1)
                } else {
                    fillRows(hiddenProjection, rows: rows, with: p.biasHH.values)
                }
                let previousCell = !isLSTM ? UnsafePointer(unused)
                    : t == 0 ? c0.baseAddress! + first * h : UnsafePointer(cellOut! + (here - batch) * h)
                step.forward(StepForward(
                    batch: rows, hidden: h,
                    inputProjection: inputProjection + here * gh, hiddenProjection: hiddenProjection,
                    previousHidden: previousHidden, previousCell: previousCell,
                    gates: gatesOut + here * gh, hiddenOut: hiddenOut + here * h,
                    cellOut: isLSTM ? cellOut! + here * h : unused,
                    extra: isGRU || isLSTM ? extraOut! + here * h : unused))
            }
        }
    }}}}}}
    return LayerRecord(
        cell: cell, nonlinearity: nonlinearity, steps: steps, batch: batch, hiddenSize: h,
        hidden: hidden, cellState: cellState, gates: gates, cellExtra: extra,
        initialHidden: startHidden, initialCell: startCell)
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
                   packedRecurrent: PackedMatrix? = nil, packedInput: PackedMatrix? = nil,
                   alongside: LogSumExpRows? = nil) -> LayerAdjoints {
    let cell = record.cell, steps = record.steps, batch = record.batch
    let h = record.hiddenSize, gh = cell.gateCount * h, rowsBH = batch * h, total = steps * batch
    // The walk writes every step up to the last scored one; the steps after it stay zero.
    let last = min(lastLossStep, steps - 1), walked = (last + 1) * batch
    func adjointScratch(_ width: Int) -> UnsafeMutablePointer<Float> {
        let p = uninitializedScratch(total * width)
        if walked < total { (p + walked * width).initialize(repeating: 0, count: (total - walked) * width) }
        return p
    }
    let dInputProjection = adjointScratch(gh)
    let dHiddenProjection = cell.separateHiddenProjectionAdjoint ? adjointScratch(gh) : dInputProjection
    let isLSTM = cell == .lstm, isGRU = cell == .gru
    let unused = scratch(rowsBH)   // the records and carries of cells that keep none
    defer {
        for buffer in [dInputProjection, unused] { buffer.deallocate() }
        if cell.separateHiddenProjectionAdjoint { dHiddenProjection.deallocate() }
    }
    let recurrent = packedRecurrent ?? PackedMatrix(p.weightHH)
    let step = cell.step(record.nonlinearity)
    let shards = batchShards(batch)
    // One sequence on AVX-512: the products of the walk carry `alongside`'s exponentials.
    let job = batch == 1 && whhScale == 1 && recurrent.columns <= 8 * PackedMatrix.panelWidth ? alongside?.job : nil
    var adjointCell: [Float] = []
    let adjointHidden = arrayWritten(count: total * h) { adjointHidden in
    adjointCell = arrayWritten(count: isLSTM ? total * h : 0) { adjointCell in
        guard let adjointHidden else { return }   // no steps or no rows
        let tail = total - walked
        if tail > 0 {
            (adjointHidden + walked * h).initialize(repeating: 0, count: tail * h)
            if isLSTM { (adjointCell! + walked * h).initialize(repeating: 0, count: tail * h) }
        }
        record.withPointers(orElse: unused) { r in
            // Each shard of rows walks back through time on its own.
            WorkerPool.shared.run(shards: shards.count) { s in
                let first = shards[s].lowerBound, rows = shards[s].count, rowsH = rows * h
                let carryHidden = scratch(rowsH), carryCell = scratch(rowsH)
                let product = uninitializedScratch(whhScale == 1 ? 0 : rowsH)   // s·(dpre·W_hh) before it is added
                defer {
                    carryHidden.deallocate()
                    carryCell.deallocate()
                    product.deallocate()
                }
                for t in stride(from: last, through: 0, by: -1) {
                    let here = t * batch + first   // this shard's first row at step t
                    let dh = adjointHidden + here * h
                    forEachChunk(rowsH) { i, n in store(load(direct + here * h + i, n) + load(carryHidden + i, n), dh + i, n) }
                    let before = t == 0 ? r.initialHidden + first * h : r.hidden + (here - batch) * h
                    let cellBefore = !isLSTM ? UnsafePointer(unused)
                        : t == 0 ? r.initialCell + first * h : r.cellState + (here - batch) * h
                    step.backward(StepBackward(
                        batch: rows, hidden: h, dHidden: dh,
                        gates: r.gates + here * gh, hiddenOut: r.hidden + here * h,
                        cellOut: isLSTM ? r.cellState + here * h : UnsafePointer(unused),
                        extra: isGRU || isLSTM ? r.extra + here * h : UnsafePointer(unused),
                        previousHidden: before, previousCell: cellBefore,
                        cellCarry: carryCell,
                        cellAdjoint: isLSTM ? adjointCell! + here * h : unused,
                        dInputProjection: dInputProjection + here * gh,
                        dHiddenProjection: dHiddenProjection + here * gh,
                        dPreviousHiddenDirect: carryHidden))
                    if t > 0, let job {
                        rnn_avx512_row_alongside(dHiddenProjection + here * gh, 1, recurrent.panels, gh, carryHidden,
                                                 Int32(h), 1, job)
                    } else if t > 0 {
                        addRecurrentProduct(StridedMatrix(base: dHiddenProjection + here * gh, rows: rows, rowStride: gh), recurrent,
                                            scale: whhScale, into: carryHidden, ldc: h, product: product)
                    }
                }
            }
        }
    }}

    var result = LayerAdjoints(hidden: adjointHidden, cellState: adjointCell, input: nil, parameters: nil)
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
        if inputSize <= 4 {
            // A few inputs (the adding problem's value and marker): each input's column of dW_ih
            // is the adjoint rows weighted by that input, summed in the same order as the product,
            // without a 16-wide panel for 2 columns or a transposed copy of the adjoints.
            var columns = [Float](repeating: 0, count: inputSize * gh)
            columns.withUnsafeMutableBufferPointer { c in
                for e in 0..<inputSize {
                    addWeightedRows(of: dInputProjection, rows: total, width: gh, stride: gh, weights: input + e,
                                    weightStride: inputSize, into: c.baseAddress! + e * gh)
                }
            }
            for row in 0..<gh {
                for e in 0..<inputSize { g.weightIH.values[row * inputSize + e] = columns[e * gh + row] }
            }
        } else {
            g.weightIH.values.withUnsafeMutableBufferPointer {
                multiply(StridedMatrix(base: dInputProjection, rows: gh, rowStride: 1, columnStride: gh),
                         PackedMatrix(rows: total, columns: inputSize, source: input, rowStride: inputSize, columnStride: 1),
                         into: $0.baseAddress!, ldc: inputSize, accumulate: false)
            }
        }
        // dW = s·Σ_t dpre_tᵀ·h_{t−1}, since the forward pass used s·W_hh; the state before each
        // step, [T, B, H], is the initial state, then h_0 … h_{T−2}.
        let previousHidden = record.initialHidden + record.hidden.prefix((steps - 1) * rowsBH)
        previousHidden.withUnsafeBufferPointer { before in
            g.weightHH.values.withUnsafeMutableBufferPointer {
                multiply(StridedMatrix(base: dHiddenProjection, rows: gh, rowStride: 1, columnStride: gh),
                         PackedMatrix(rows: total, columns: h, source: before.baseAddress!, rowStride: h, columnStride: 1,
                                      scale: whhScale),
                         into: $0.baseAddress!, ldc: h, accumulate: false)
            }
        }
        g.biasIH.values = columnSums(dInputProjection, rows: total, width: gh)
        // Cells whose two projections share one adjoint (RNN, LSTM) have equal bias gradients.
        g.biasHH.values = cell.separateHiddenProjectionAdjoint ? columnSums(dHiddenProjection, rows: total, width: gh)
            : g.biasIH.values
        result.parameters = g
    }
    return result
}
