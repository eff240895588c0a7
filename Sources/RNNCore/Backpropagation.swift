/// Backpropagation through time for the whole network: loss → head → layers
/// from the top down → embedding.

/// What a backward pass yields.
public struct Gradients: Sendable {
    /// The loss value.
    public var loss: Float
    /// Per layer (bottom first), dL/dh_t as [T, B, H]: the full adjoint, through
    /// the head, the layer above and the recurrence.
    public var hiddenAdjoints: [[Float]]
    /// Per layer, dL/dc_t as [T, B, H] for an LSTM (through h_t and c_{t+1}); empty otherwise.
    public var cellAdjoints: [[Float]]
    /// dL/dθ for every parameter, when asked for.
    public var parameters: Parameters?
    /// dL/dx_t for vector inputs, [T, B, E], when asked for.
    public var inputs: [Float]?
}

extension RecurrentNetwork {
    /// Full BPTT of `loss` through the pass that produced `trace` (with the same W_hh scale).
    /// Parameter gradients cost about as much again as the adjoints; a trace
    /// that only shows the adjoints can skip them.
    /// `packed` may give the weights already packed, or `packedHead` the head alone.
    /// A cross-entropy loss at one row sends back Σ_v p_v·W_v − W_y (see `headRowPass`);
    /// `headExpectation` may give that sum, computed with the row's logits (`computeHeadRow`).
    /// `alongside`: log Σ exp rows whose exponentials the top layer's walk may work into its
    /// products (`LogSumExpRows`); it changes no number here.
    public func backward(_ trace: ForwardTrace, loss: Loss, parameterGradients: Bool = true,
                         inputGradients: Bool = false, packed: PackedWeights? = nil, packedHead: PackedMatrix? = nil,
                         headExpectation: [Float]? = nil, alongside: LogSumExpRows? = nil) -> Gradients {
        let a = architecture
        let h = a.hiddenSize, c = a.outputSize, total = trace.steps * trace.batch
        var direct: [Float] = []
        // Many scored rows (a training step): the head forward and back a block of rows at a
        // time, its logits recomputed there (see `headCrossEntropy`).
        let manyRows: [Loss.ClassTarget]? = {
            if case .crossEntropy(let targets) = loss, targets.count > 1 || trace.outputs.isEmpty { return targets }
            return nil
        }()
        var grads = parameterGradients && manyRows == nil ? Parameters(zerosFor: a) : nil
        let lossValue: Float, lossRows: [Int]
        if let targets = manyRows {
            lossRows = targets.map { $0.step * trace.batch + $0.sequence }
            let top = trace.headInput.withUnsafeBufferPointer { input in
                arrayWritten(count: lossRows.count * h) { out in
                    guard let out else { return }
                    inPieces(lossRows.count, of: 256) { rows in
                        for r in rows { (out + r * h).update(from: input.baseAddress! + lossRows[r] * h, count: h) }
                    }
                }
            }
            let head = top.withUnsafeBufferPointer {
                headCrossEntropy(top: $0.baseAddress!, labels: targets.map(\.label), weight: parameters.headWeight,
                                 bias: parameters.headBias.values, packedHead: packedHead ?? packed?.head ?? self.packedHead(),
                                 parameterGradients: parameterGradients)
            }
            lossValue = head.value
            // Each scored row once: 0 + dL/dh, as adding onto the zeros would give; zeros elsewhere.
            var scoredAs = [Int](repeating: -1, count: total)
            for (r, row) in lossRows.enumerated() { scoredAs[row] = r }
            direct = head.hidden.withUnsafeBufferPointer { g in
                arrayWritten(count: total * h) { d in
                    guard let d else { return }
                    inPieces(total, of: 256) { rows in
                        for row in rows {
                            let to = d + row * h, r = scoredAs[row]
                            if r < 0 { to.initialize(repeating: 0, count: h); continue }
                            forEachChunk(h) { u, n in store(F8() + load(g.baseAddress! + r * h + u, n), to + u, n) }
                        }
                    }
                }
            }
            if parameterGradients {
                // The head's gradients as they came; only the rest starts from zeros (not 2.5 MB
                // of zeros for a head about to be replaced).
                grads = Parameters(zerosFor: a, head: (Tensor(shape: [c, h], values: head.weight!),
                                                       Tensor(shape: [c], values: head.bias!)))
            }
        } else {
            direct = [Float](repeating: 0, count: total * h)
            // One scored row comes back through Σ softmax·W (headAdjoints): its gradient row is
            // wanted only for the head's own gradients.
            let oneRow: Bool = { if case .crossEntropy(let targets) = loss { targets.count == 1 } else { false } }()
            let evaluation = loss.evaluate(outputs: trace.outputs, width: c, offset: trace.outputOffset,
                                           rowStride: trace.outputStride, batch: trace.batch,
                                           wantGradient: parameterGradients || !oneRow)
            (lossValue, lossRows) = (evaluation.value, evaluation.rows)
            headAdjoints(evaluation, loss: loss, trace: trace, into: &direct, parameterGradients: &grads,
                         packedHead: packedHead ?? packed?.head, headExpectation: headExpectation)
        }
        // Dropped units of the head's input passed nothing forward, so they get nothing back.
        if !lossRows.isEmpty, let mask = trace.dropoutMasks.last { multiplyInPlace(&direct, by: mask) }

        let lastLossStep = lossRows.map { $0 / trace.batch }.max() ?? -1
        var hiddenAdjoints = [[Float]](repeating: [], count: a.layerCount)
        var cellAdjoints = [[Float]](repeating: [], count: a.layerCount)
        var inputGradient: [Float]? = nil
        for k in stride(from: a.layerCount - 1, through: 0, by: -1) {
            let layerInput = trace.layerInputs[k]
            let needInput = k > 0 || inputGradients || (parameterGradients && a.vocabularySize != nil)
            let adjoints = layerInput.withUnsafeBufferPointer { x in
                direct.withUnsafeBufferPointer { d in
                    backwardLayer(parameters.layers[k], record: trace.layers[k], input: x.baseAddress!,
                                  inputSize: a.layerInputSize(k), direct: d.baseAddress!,
                                  lastLossStep: lastLossStep,
                                  whhScale: trace.whhScale,
                                  wantInput: needInput, wantParameters: parameterGradients,
                                  packedRecurrent: packed?.recurrentBackward[k], packedInput: packed?.inputBackward[k],
                                  alongside: k == a.layerCount - 1 ? alongside : nil)
                }
            }
            hiddenAdjoints[k] = adjoints.hidden
            cellAdjoints[k] = adjoints.cellState
            if let g = adjoints.parameters { grads!.layers[k] = g }
            // From the layer's (dropped-out) input back to what produced it.
            var below = adjoints.input
            if !trace.dropoutMasks.isEmpty, below != nil { multiplyInPlace(&below!, by: trace.dropoutMasks[k]) }
            if k > 0 { direct = below! } else { inputGradient = below }
        }

        if parameterGradients, a.vocabularySize != nil, let dx = inputGradient {
            // Each looked-up row of the embedding collects the gradient of its steps, in step
            // order; the columns are cut into pieces, each summed whole by one thread.
            let e = a.inputSize
            grads!.embedding!.values.withUnsafeMutableBufferPointer { g in
                dx.withUnsafeBufferPointer { d in
                    inPieces(e, of: 16) { columns in
                        for (row, id) in trace.tokenIDs.enumerated() {
                            let to = g.baseAddress! + id * e + columns.lowerBound, from = d.baseAddress! + row * e + columns.lowerBound
                            forEachChunk(columns.count) { j, n in store(load(to + j, n) + load(from + j, n), to + j, n) }
                        }
                    }
                }
            }
        }
        return Gradients(loss: lossValue, hiddenAdjoints: hiddenAdjoints, cellAdjoints: cellAdjoints,
                         parameters: grads, inputs: inputGradients ? inputGradient : nil)
    }

    /// dL/dh_top (into `direct`) and the head's parameter gradients from an evaluated loss:
    /// a cross-entropy at one row (a trace), or a mean squared error.
    private func headAdjoints(_ evaluation: Loss.Evaluation, loss: Loss, trace: ForwardTrace, into direct: inout [Float],
                              parameterGradients grads: inout Parameters?, packedHead: PackedMatrix?,
                              headExpectation: [Float]?) {
        let h = architecture.hiddenSize, c = architecture.outputSize
        let scored = evaluation.rows.count

        // dL/dh_top from the head: (dL/dy)·W_head for the scored rows only, so a
        // loss at one step costs one row of work rather than T.
        if case .crossEntropy(let targets) = loss, targets.count == 1, scored == 1 {
            // One scored row (a trace): Σ_v p_v·W_v from one read of the head; the row's logits
            // are the trace's, which the loss was just evaluated on.
            let row = evaluation.rows[0], y = targets[0].label
            let expectation = headExpectation ?? trace.headExpectation(
                atComputedRow: row, bias: parameters.headBias.values, head: packedHead ?? self.packedHead())
            precondition(expectation.count == h, "the head expectation does not fit the network")
            for u in 0..<h { direct[row * h + u] = expectation[u] - parameters.headWeight.values[y * h + u] }
        } else if scored > 0 {
            var compact = [Float](repeating: 0, count: scored * h)
            evaluation.gradient.withUnsafeBufferPointer { g in
                parameters.headWeight.values.withUnsafeBufferPointer { w in
                    compact.withUnsafeMutableBufferPointer { out in
                        if scored < 8 {
                            // A few rows: a sum of weighted head rows each.
                            for r in 0..<scored {
                                addWeightedRows(of: w.baseAddress!, rows: c, width: h, weights: g.baseAddress! + r * c,
                                                into: out.baseAddress! + r * h)
                            }
                        } else {
                            multiply(StridedMatrix(base: g.baseAddress!, rows: scored, rowStride: c),
                                     PackedMatrix(rows: c, columns: h, source: w.baseAddress!, rowStride: h, columnStride: 1),
                                     into: out.baseAddress!, ldc: h, accumulate: false)
                        }
                    }
                }
            }
            for (r, row) in evaluation.rows.enumerated() {
                for u in 0..<h { direct[row * h + u] += compact[r * h + u] }
            }
        }
        if grads != nil && scored > 0 {
            // dW_head = gᵀ·h_top over the scored rows; db_head = Σ g.
            let topRows = evaluation.rows.flatMap { row in trace.headInput[(row * h)..<((row + 1) * h)] }
            evaluation.gradient.withUnsafeBufferPointer { g in
                topRows.withUnsafeBufferPointer { top in
                    grads!.headWeight.values.withUnsafeMutableBufferPointer { out in
                        multiply(StridedMatrix(base: g.baseAddress!, rows: c, rowStride: 1, columnStride: c),
                                 PackedMatrix(rows: scored, columns: h, source: top.baseAddress!, rowStride: h, columnStride: 1),
                                 into: out.baseAddress!, ldc: h, accumulate: false)
                    }
                }
                grads!.headBias.values = columnSums(g.baseAddress!, rows: scored, width: c)
            }
        }
    }
}
