/// Repeated traces of one network: its weights packed once, the head computed
/// only for the rows something shows, and an edited sentence continued from the
/// states before its first changed word. Every number comes out as a full pass
/// computes it (each element is the same sum in the same order).

/// Every weight matrix of a network laid out for the matrix product. The W_hh scale is
/// applied to the recurrent product (s·(W_hh·h)), not to the packed weights, so one
/// packing serves every scale: turning the knob on a large model packs nothing.
public struct PackedWeights: Sendable {
    public let head: PackedMatrix
    /// Per layer: W_ihᵀ and W_hhᵀ (forward), W_hh and W_ih (backward).
    let inputForward: [PackedMatrix]
    let recurrentForward: [PackedMatrix]
    let recurrentBackward: [PackedMatrix]
    let inputBackward: [PackedMatrix]
}

extension RecurrentNetwork {
    /// Packs every matrix once (the layers side by side on the worker pool); `head`
    /// may pass a head packed earlier.
    public func packedWeights(head: PackedMatrix? = nil) -> PackedWeights {
        let layers = parameters.layers
        /// Each layer's matrix as the forward product reads it (transposed) and as the backward does.
        func packed(_ matrix: (LayerParameters) -> Tensor) -> (forward: [PackedMatrix], backward: [PackedMatrix]) {
            let both = WorkerPool.shared.map(shards: 2 * layers.count) { i in
                i % 2 == 0 ? PackedMatrix(transposing: matrix(layers[i / 2])) : PackedMatrix(matrix(layers[i / 2]))
            }
            return (stride(from: 0, to: both.count, by: 2).map { both[$0] }, stride(from: 1, to: both.count, by: 2).map { both[$0] })
        }
        let recurrent = packed(\.weightHH), input = packed(\.weightIH)
        return PackedWeights(head: head ?? packedHead(), inputForward: input.forward, recurrentForward: recurrent.forward,
                             recurrentBackward: recurrent.backward, inputBackward: input.backward)
    }

    /// Runs one sentence (batch 1, no dropout) that shares its first `keep` ids with
    /// the sentence of `previous`: those steps are taken as they are, the rest run
    /// from the state after them. Head rows are kept for the kept steps and, with
    /// `head: .all`, computed for the new ones.
    public func forward(continuing previous: ForwardTrace, keep: Int, ids: [Int], packed: PackedWeights? = nil,
                        head: HeadOutputs = .all) -> ForwardTrace {
        precondition(previous.batch == 1 && previous.dropoutMasks.isEmpty, "only a traced sentence can be continued")
        precondition(keep >= 0 && keep <= min(previous.steps, ids.count) && Array(previous.tokenIDs.prefix(keep)) == Array(ids.prefix(keep)),
                     "the kept steps must have the same ids")
        let whhScale = previous.whhScale
        if keep == 0 {
            return forward(.tokens([ids]), whhScale: whhScale, packed: packed, head: head)
        }
        let kept = previous.keepingSteps(keep)
        if keep == ids.count { return kept }
        let state = kept.finalState
        let tail = forward(.tokens([Array(ids[keep...])]), whhScale: whhScale, initialState: state, packed: packed, head: head)
        return kept.appending(tail)
    }
}

extension ForwardTrace {
    /// Computes the head's outputs for these rows (t·B + b), each as the full pass does: bias, then + h·W_headᵀ.
    public mutating func computeHead(rows: some Sequence<Int>, bias: [Float], head: PackedMatrix) {
        let c = architecture.outputSize, h = architecture.hiddenSize
        for r in rows {
            precondition(r >= 0 && r < steps * batch, "row \(r) outside the pass")
            let start = outputStart(r)
            outputs.withUnsafeMutableBufferPointer { out in
                let row = out.baseAddress! + start
                row.update(from: bias, count: c)
                headInput.withUnsafeBufferPointer { top in
                    multiply(StridedMatrix(base: top.baseAddress! + r * h, rows: 1, rowStride: h), head,
                             into: row, ldc: c, accumulate: true)
                }
            }
        }
    }

    /// Computes head row r as `computeHead` does and returns, from the same read of the head,
    /// Σ_v softmax_v·W_v: what a cross-entropy loss at this row sends back (see `headRowPass`).
    public mutating func computeHeadRow(_ r: Int, bias: [Float], head: PackedMatrix) -> [Float] {
        let c = architecture.outputSize, h = architecture.hiddenSize, top = headInput, start = outputStart(r)
        precondition(r >= 0 && r < steps * batch && outputs.count >= start + c,
                     "row \(r) outside the pass, or a pass run with its head skipped")
        // Written in place: every logit of the row is bias + W_head·h, whatever `outputs` held.
        return top.withUnsafeBufferPointer { top in
            outputs.withUnsafeMutableBufferPointer { out in
                headPass(hidden: top.baseAddress! + r * h, rows: 1, passRow: 0, head: head, bias: bias,
                         into: out.baseAddress! + start, computeLogits: true)
            }
        }
    }

    /// Computes every row of the head as the full pass does and returns, from the same read of
    /// the head, what `computeHeadRow(r…)` returns: a full trace's logits and its loss row's
    /// Σ_v softmax_v·W_v in one pass over the head. With it, each row's `topIndicesAndMaximum`
    /// for `ranking` outputs: the pass notes each row's largest logit in every 64, so that the
    /// ranking reads only the few groups that can hold one of the best.
    public mutating func computeEveryHeadRow(passRow r: Int, bias: [Float], head: PackedMatrix, ranking k: Int)
        -> (expectation: [Float], ranked: RankedRows) {
        let rows = steps * batch, c = architecture.outputSize, groups = headGroupCount(c)
        precondition(r >= 0 && r < rows, "row \(r) outside the pass")
        var expectation: [Float] = []
        var groupMaxima = [Float](repeating: 0, count: rows * groups)
        // Each row on cache lines (see `outputOffset`): an array's storage is only 16-byte
        // aligned, so the rows start up to 15 values in.
        let stride = (c + 15) / 16 * 16
        var offset = 0
        outputs = arrayWritten(count: rows * stride + 15) { base in
            guard let base else { return }
            offset = (64 - Int(bitPattern: base) % 64) % 64 / MemoryLayout<Float>.stride
            let out = base + offset
            // Zeros in the padding; the pass writes the rest.
            base.initialize(repeating: 0, count: offset)
            for row in 0..<rows { (out + row * stride + c).initialize(repeating: 0, count: stride - c) }
            (out + rows * stride).initialize(repeating: 0, count: 15 - offset)
            expectation = headInput.withUnsafeBufferPointer { top in
                groupMaxima.withUnsafeMutableBufferPointer {
                    headPass(hidden: top.baseAddress!, rows: rows, passRow: r, head: head, bias: bias, into: out,
                             computeLogits: true, groupMaxima: $0.baseAddress, rowStride: stride)
                }
            }
        }
        (outputOffset, paddedOutputStride) = (offset, stride)
        let ranked = outputs.withUnsafeBufferPointer { logits in
            groupMaxima.withUnsafeBufferPointer {
                RankedRows(logits.baseAddress! + offset, rows: rows, width: c, rowStride: stride, groupMaxima: $0.baseAddress!, k: k)
            }
        }
        return (expectation, ranked)
    }

    /// Σ_v softmax_v·W_v at row r, whose logits this pass has computed already (`computeHead`,
    /// `computeHeadRow`, or a pass that ran its head): the numbers `computeHeadRow` gives, read
    /// from the head once without computing the logits again.
    public func headExpectation(atComputedRow r: Int, bias: [Float], head: PackedMatrix) -> [Float] {
        let c = architecture.outputSize, h = architecture.hiddenSize, start = outputStart(r)
        precondition(r >= 0 && r < steps * batch && outputs.count >= start + c, "row \(r) of the head was not computed")
        return headInput.withUnsafeBufferPointer { top in
            outputs.withUnsafeBufferPointer { out in
                // Only read: with its logits known, the pass writes nothing.
                headPass(hidden: top.baseAddress! + r * h, rows: 1, passRow: 0, head: head, bias: bias,
                         into: UnsafeMutablePointer(mutating: out.baseAddress! + start), computeLogits: false)
            }
        }
    }

    /// The first `p` steps of a batch-1 pass.
    func keepingSteps(_ p: Int) -> ForwardTrace {
        let h = architecture.hiddenSize
        let records = layers.map { record -> LayerRecord in
            let g = record.gates.count / max(record.steps * record.batch, 1)
            let extraWidth = record.cellExtra.isEmpty ? 0 : h
            return LayerRecord(
                cell: record.cell, nonlinearity: record.nonlinearity, steps: p, batch: 1, hiddenSize: h,
                hidden: Array(record.hidden.prefix(p * h)), cellState: Array(record.cellState.prefix(p * h)),
                gates: Array(record.gates.prefix(p * g)),
                cellExtra: Array(record.cellExtra.prefix(p * extraWidth)),
                initialHidden: record.initialHidden, initialCell: record.initialCell)
        }
        return ForwardTrace(
            architecture: architecture, steps: p, batch: 1, whhScale: whhScale, tokenIDs: Array(tokenIDs.prefix(p)),
            layerInputs: layerInputs.enumerated().map { k, x in Array(x.prefix(p * architecture.layerInputSize(k))) },
            layers: records, headInput: Array(headInput.prefix(p * h)), dropoutMasks: [],
            outputs: packedOutputs(rows: p))
    }

    /// This batch-1 pass followed by `tail`, which started from its final state.
    func appending(_ tail: ForwardTrace) -> ForwardTrace {
        let records = zip(layers, tail.layers).map { first, second in
            LayerRecord(
                cell: first.cell, nonlinearity: first.nonlinearity, steps: first.steps + second.steps, batch: 1, hiddenSize: first.hiddenSize,
                hidden: first.hidden + second.hidden, cellState: first.cellState + second.cellState,
                gates: first.gates + second.gates,
                cellExtra: first.cellExtra + second.cellExtra,
                initialHidden: first.initialHidden, initialCell: first.initialCell)
        }
        return ForwardTrace(
            architecture: architecture, steps: steps + tail.steps, batch: 1, whhScale: whhScale,
            tokenIDs: tokenIDs + tail.tokenIDs, layerInputs: zip(layerInputs, tail.layerInputs).map { $0 + $1 },
            layers: records, headInput: headInput + tail.headInput, dropoutMasks: [], outputs: packedOutputs + tail.packedOutputs)
    }
}
