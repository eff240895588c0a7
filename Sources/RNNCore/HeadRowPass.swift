import CKernels

/// One row of the head, forward and back, in a single read of the head.
///
/// A cross-entropy loss at one step sends back dL/dh = Σ_v p_v·W_v − W_y, with
/// p = softmax(logits) and W_v the head's row for output v. Computing the logits and
/// then that sum reads the whole head twice, and for a 50,000-word head (200 MB) each
/// read goes to memory. Here each block of the head is read from memory once: first
/// its logits (the same sums as `ForwardTrace.computeHead`, bit for bit), then, while
/// the block is still in cache, its rows weighted by exp(logit − m), where m is the
/// largest logit so far; when m grows, what was summed before is scaled down to match
/// (the "online softmax"). The blocks are fixed shards, combined in order, so the
/// numbers do not depend on the thread count.
public struct HeadRowPass: Sendable {
    /// bias + W_head·h: the head's outputs at this row.
    public var logits: [Float]
    /// Σ_v softmax(logits)_v · W_v, one value per hidden unit.
    public var expectation: [Float]
}

/// The logits and the softmax-weighted head row for one top-layer state `hidden` (H values).
/// `knownLogits`, when the row's logits were computed already (a forward pass that ran its
/// head), are taken instead of computed again: the same bits, so the same sums follow.
public func headRowPass(hidden: UnsafePointer<Float>, head: PackedMatrix, bias: [Float],
                        knownLogits: UnsafePointer<Float>? = nil) -> HeadRowPass {
    let n = head.columns
    precondition(bias.count == n, "the bias does not fit the head")
    var logits = knownLogits.map { Array(UnsafeBufferPointer(start: $0, count: n)) } ?? bias
    let expectation = logits.withUnsafeMutableBufferPointer {
        headPass(hidden: hidden, rows: 1, passRow: 0, head: head, bias: bias, into: $0.baseAddress!,
                 computeLogits: knownLogits == nil)
    }
    return HeadRowPass(logits: logits, expectation: expectation)
}

/// The head over `rows` top-layer states (`hidden`, rows × H) into `logits` (rows × C, bias +
/// W_head·h, as `ForwardTrace.computeHead` computes each), and Σ_v softmax_v·W_v at `passRow`
/// from the same read of the head: each block's rows are weighted while the block is in cache.
/// With `computeLogits` false, `logits` holds them already and only the sum is computed.
/// A full trace reads the head once this way for every step's logits and its loss row.
/// `groupMaxima` (rows × ⌈C / 64⌉), when logits are computed: each row's largest logit in each
/// 64 outputs (NaN where one is NaN), taken while they are in cache, for
/// `topIndicesAndMaximum(_:k:groupMaxima:)`. `rowStride` (≥ C, by default C): how far apart
/// the rows of `logits` start.
func headPass(hidden: UnsafePointer<Float>, rows: Int, passRow: Int, head: PackedMatrix, bias: [Float],
              into logits: UnsafeMutablePointer<Float>, computeLogits: Bool,
              groupMaxima: UnsafeMutablePointer<Float>? = nil, rowStride: Int? = nil,
              kernels: Kernels = .current) -> [Float] {
    let k = head.rows, n = head.columns, w = PackedMatrix.panelWidth, ldc = rowStride ?? n
    let groupStride = headGroupCount(n)
    precondition(bias.count == n && ldc >= n && passRow >= 0 && passRow < rows, "the head pass does not fit")
    let panelCount = (n + w - 1) / w
    let panelsPerShard = 64, panelsPerGroup = 4   // 1,024 outputs a shard; 64 at a time (256 KB at H = 1,024, in L2)
    let shards = (panelCount + panelsPerShard - 1) / panelsPerShard
    /// One shard's sums, relative to its own largest logit.
    struct Partial {
        var largest: Float = -.infinity
        var total: Float = 0
        var weighted: [Float]
    }
    let panels = head.panels
    let partials = withExtendedLifetime(head) {
        bias.withUnsafeBufferPointer { bias in
            WorkerPool.shared.map(shards: shards) { s -> Partial in
                let passLogits = logits + passRow * ldc
                // Sums kept per (unit, lane): the 16 outputs of a panel are added lane by lane and
                // the lanes folded only at the end, so no step needs a horizontal sum.
                // On cache lines (scratch is): each unit's 16 sums are then one line, not two halves
                // (a third of the weighted sums' time went to loads and stores across two lines).
                let lanes = scratch(k * w)
                let weights = uninitializedScratch(panelsPerGroup * w)
                defer {
                    lanes.deallocate()
                    weights.deallocate()
                }
                var partial = Partial(weighted: [])
                let end = min((s + 1) * panelsPerShard, panelCount)
                var p = s * panelsPerShard
                if kernels == .avx512 {
                    // The loop below in one C call: the same numbers, without a call per tile and group.
                    var state = [partial.largest, partial.total]
                    rnn_avx512_head_shard(hidden, Int32(rows), k, panels, p, end, n, ldc, logits, bias.baseAddress!,
                                          computeLogits ? 1 : 0, Int32(passRow), lanes, weights, &state,
                                          groupMaxima, groupStride)
                    (partial.largest, partial.total) = (state[0], state[1])
                    p = end
                }
                while p < end {
                    let groupPanels = min(panelsPerGroup, end - p), first = p * w
                    let columns = min(groupPanels * w, n - first)
                    if computeLogits {
                        multiplyBlock(StridedMatrix(base: hidden, rows: rows, rowStride: k), panels + p * k * w, k: k,
                                      columns: columns, into: logits + first, ldc: ldc, accumulate: false,
                                      bias: bias.baseAddress! + first, kernels: kernels)
                        if let groupMaxima {
                            for r in 0..<rows {
                                groupMaxima[r * groupStride + p / panelsPerGroup] = maximum(logits + r * ldc + first, columns)
                            }
                        }
                    }
                    // The pass row's largest here, noted just above when the maxima are.
                    let noted = computeLogits ? groupMaxima.map { $0[passRow * groupStride + p / panelsPerGroup] } : nil
                    let largest = noted ?? maximum(passLogits + first, columns)
                    if largest > partial.largest {
                        if partial.largest > -.infinity {
                            let factor = exponential(partial.largest - largest)
                            let f = F8(repeating: factor)
                            for i in stride(from: 0, to: k * w, by: 8) { store8(load8(lanes + i) * f, lanes + i) }
                            partial.total *= factor
                        }
                        partial.largest = largest
                    }
                    let shift = F8(repeating: partial.largest)
                    var groupTotal = F8()
                    for j in stride(from: 0, to: groupPanels * w, by: 8) {
                        let real = min(8, max(0, columns - j))
                        var e = real > 0 ? exp8(load(passLogits + first + j, real) - shift) : F8()
                        for l in real..<8 { e[l] = 0 }
                        store8(e, weights + j)
                        groupTotal += e
                    }
                    partial.total += groupTotal.sum()
                    addWeightedPanels(into: lanes, panels: panels + p * k * w, k: k, count: groupPanels,
                                      weights: weights, kernels: kernels)
                    p += groupPanels
                }
                partial.weighted = (0..<k).map { u in (load8(lanes + u * w) + load8(lanes + u * w + 8)).sum() }
                return partial
            }
        }
    }
    // The shards in order, each brought to the overall largest logit.
    let largest = partials.map(\.largest).max() ?? -.infinity
    var total: Float = 0
    var expectation = [Float](repeating: 0, count: k)
    for partial in partials where partial.largest > -.infinity {
        let factor = exponential(partial.largest - largest)
        total += factor * partial.total
        for u in 0..<k { expectation[u] += factor * partial.weighted[u] }
    }
    for u in 0..<k { expectation[u] /= total }
    return expectation
}

/// The head pass goes through its outputs 64 at a time (four panels): the groups of a row of C
/// outputs whose maxima it notes.
func headGroupCount(_ outputs: Int) -> Int { (outputs + 63) / 64 }

/// sums[u·16 + l] += weights[g·16 + l] · panel_g[u·16 + l] for each unit u < k and lane l,
/// panel g = 0, 1, … of `count` in turn: one fused multiply-add each, in that order.
func addWeightedPanels(into sums: UnsafeMutablePointer<Float>, panels: UnsafePointer<Float>, k: Int, count: Int,
                       weights: UnsafePointer<Float>, kernels: Kernels) {
    let w = PackedMatrix.panelWidth
    if kernels == .avx512 {
        // Each unit's sums taken through the panels in a register.
        return rnn_avx512_weighted_panels(sums, panels, k, Int32(count), weights)
    }
    for g in 0..<count {
        let panel = panels + g * k * w
        let lo = load8(weights + g * w), hi = load8(weights + g * w + 8)
        for u in 0..<k {
            let sum = sums + u * w, row = panel + u * w
            store8(load8(sum).addingProduct(lo, load8(row)), sum)
            store8(load8(sum + 8).addingProduct(hi, load8(row + 8)), sum + 8)
        }
    }
}
