import CKernels
import Foundation

/// Softmax, log-sum-exp and top-k over rows of outputs.

/// log Σ exp(x_j) over a row of logits.
/// `knownMaximum`: what `maximum` gives for these values, when it is known already
/// (`topIndicesAndMaximum`), so that they are not scanned for it again.
public func logSumExp(_ x: UnsafeBufferPointer<Float>, knownMaximum: Float? = nil) -> Float {
    x.isEmpty ? -.infinity : logSumExp(x.baseAddress!, x.count, knownMaximum: knownMaximum)
}

/// log Σ exp(x_j), shifted by the maximum so that it never overflows.
func logSumExp(_ x: UnsafePointer<Float>, _ n: Int, knownMaximum: Float? = nil, kernels: Kernels = .current) -> Float {
    let m = knownMaximum ?? maximum(x, n, kernels: kernels)
    if !m.isFinite { return m }
    // Two accumulators over whole chunks keep the exp pipeline busy; the tail is masked.
    var sum0 = F8(), sum1 = F8()
    if kernels == .avx512 {
        // The same two sums, a chunk of each per 16-wide step.
        withFloats(&sum0) { s0 in withFloats(&sum1) { s1 in rnn_avx512_exp_sums(x, n, m, s0, s1) } }
        return m + Float(log(Double((sum0 + sum1).sum())))
    }
    let shift = F8(repeating: m)
    var j = 0
    while j + 16 <= n {
        sum0 += exp8(load8(x + j) - shift)
        sum1 += exp8(load8(x + j + 8) - shift)
        j += 16
    }
    while j < n {
        let lanes = min(8, n - j)
        var e = exp8(load(x + j, lanes) - shift)
        if lanes < 8 { for l in lanes..<8 { e[l] = 0 } }
        sum0 += e
        j += 8
    }
    return m + Float(log(Double((sum0 + sum1).sum())))
}

/// The lanes of `v` as a pointer to 8 floats, for the C kernels.
@inline(__always)
private func withFloats<R>(_ v: inout F8, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
    withUnsafeMutableBytes(of: &v) { body($0.baseAddress!.assumingMemoryBound(to: Float.self)) }
}

/// The largest value, or NaN if any value is NaN.
func maximum(_ x: UnsafePointer<Float>, _ n: Int, kernels: Kernels = .current) -> Float {
    var m0 = F8(repeating: -.infinity), m1 = m0
    var sawNaN = SIMDMask<SIMD8<Int32>>(repeating: false)
    var j = 0
    if kernels == .avx512 {
        // The same two running maxima over the whole chunks, 16 lanes at a time.
        var nan: Int32 = 0
        j = withFloats(&m0) { p0 in withFloats(&m1) { p1 in rnn_avx512_maximum(x, n, p0, p1, &nan) } }
        sawNaN = .init(repeating: nan != 0)
    }
    while j + 16 <= n {
        let a = load8(x + j), b = load8(x + j + 8)
        sawNaN .|= (a .!= a) .| (b .!= b)
        m0 = pointwiseMaxNoNaN(m0, a)
        m1 = pointwiseMaxNoNaN(m1, b)
        j += 16
    }
    var m = pointwiseMaxNoNaN(m0, m1).max()
    while j < n {
        if x[j].isNaN { return .nan }
        if x[j] > m { m = x[j] }
        j += 1
    }
    return any(sawNaN) ? .nan : m
}

/// The lane-wise larger value (NaN lanes are caught by the caller).
@inline(__always) func pointwiseMaxNoNaN(_ a: F8, _ b: F8) -> F8 {
    a.replacing(with: b, where: b .> a)
}

/// out = scale·softmax(x) over n values; returns log Σ exp(x), the log normaliser.
@discardableResult
func softmax(_ x: UnsafePointer<Float>, _ n: Int, into out: UnsafeMutablePointer<Float>, scaledBy scale: Float = 1,
             kernels: Kernels = .current) -> Float {
    let m = maximum(x, n, kernels: kernels)
    let total = exponentialSum(x, n, shift: m, into: out, kernels: kernels)
    if kernels == .avx512 {
        rnn_avx512_scale(out, n, scale / total)
        return m + Float(log(Double(total)))
    }
    let factor = F8(repeating: scale / total)
    var j = 0
    while j < n {
        let lanes = min(8, n - j)
        store(load(out + j, lanes) * factor, out + j, lanes)
        j += 8
    }
    return m + Float(log(Double(total)))
}

/// Σ exp(x_j − shift) in softmax's order (chunks of 8 into one sum, then its lanes), each
/// exponential also written to `out` when given.
private func exponentialSum(_ x: UnsafePointer<Float>, _ n: Int, shift m: Float, into out: UnsafeMutablePointer<Float>?,
                            kernels: Kernels) -> Float {
    let shift = F8(repeating: m)
    var sum = F8()
    var j = 0
    if kernels == .avx512 {
        // The same exponentials and the same sum, 16 lanes at a time.
        withFloats(&sum) { rnn_avx512_exp_store(x, n, m, out, $0) }
        j = n
    }
    while j < n {
        let lanes = min(8, n - j)
        var e = exp8(load(x + j, lanes) - shift)
        if lanes < 8 { for l in lanes..<8 { e[l] = 0 } }
        if let out { store(e, out + j, lanes) }
        sum += e
        j += 8
    }
    return sum.sum()
}

/// The log Σ exp that `softmax` returns, bit for bit, without writing the softmax: a loss whose
/// gradient is not wanted.
func softmaxLogSum(_ x: UnsafePointer<Float>, _ n: Int, kernels: Kernels = .current) -> Float {
    let m = maximum(x, n, kernels: kernels)
    return m + Float(log(Double(exponentialSum(x, n, shift: m, into: nil, kernels: kernels))))
}

/// Softmax of every row of a [rows, width] buffer.
public func softmaxRows(_ logits: [Float], width: Int) -> [Float] {
    var out = [Float](repeating: 0, count: logits.count)
    logits.withUnsafeBufferPointer { x in
        out.withUnsafeMutableBufferPointer { o in
            for r in 0..<(logits.count / max(width, 1)) {
                softmax(x.baseAddress! + r * width, width, into: o.baseAddress! + r * width)
            }
        }
    }
    return out
}

/// The indices of the k largest values, largest first; ties go to the lower
/// index, and NaN ranks below every number.
public func topIndices(_ values: UnsafeBufferPointer<Float>, k: Int, kernels: Kernels = .current) -> [Int] {
    topIndicesAndMaximum(values, k: k, kernels: kernels).indices
}

/// `topIndices`, and what `maximum` gives for the same values (NaN if any value is NaN),
/// from the same scan: the largest value is the first of the top k.
public func topIndicesAndMaximum(_ values: UnsafeBufferPointer<Float>, k: Int, kernels: Kernels = .current)
    -> (indices: [Int], maximum: Float) {
    let k = min(k, values.count)
    if k == 0 { return ([], values.isEmpty ? -.infinity : maximum(values.baseAddress!, values.count, kernels: kernels)) }
    @inline(__always) func ranksAbove(_ a: Int, _ b: Int) -> Bool {
        let x = values[a], y = values[b]
        if x.isNaN != y.isNaN { return y.isNaN }
        return x > y || (x == y || x.isNaN) && a < b
    }
    // The best so far, best first, in a buffer of k: an insertion moves the few below it down
    // one place (the last one, when the buffer is full, drops out).
    return withUnsafeTemporaryAllocation(of: Int.self, capacity: k) { best in
        if kernels == .avx512 {
            var nan: Int32 = 0
            let count = rnn_avx512_top_k(values.baseAddress!, values.count, k, best.baseAddress!, &nan)
            return (Array(best[0..<count]), nan != 0 ? .nan : values[best[0]])
        }
        var count = 0, sawNaN = false
        var threshold = -Float.infinity   // the k-th best value so far: most values fall below it
        var i = 0
        while i < values.count {
            // Skip 8 values at once when all fall below the threshold (NaN never does: it fails the test).
            if i % 8 == 0 && i + 8 <= values.count && all(load8(values.baseAddress! + i) .< F8(repeating: threshold)) {
                i += 8
                continue
            }
            defer { i += 1 }
            if values[i] < threshold { continue }
            if values[i].isNaN { sawNaN = true }   // every NaN gets here: it is never below the threshold
            if count == k && !ranksAbove(i, best[k - 1]) { continue }
            var position = count == k ? k - 1 : count
            while position > 0 && ranksAbove(i, best[position - 1]) {
                best[position] = best[position - 1]
                position -= 1
            }
            best[position] = i
            if count < k { count += 1 }
            if count == k, !values[best[k - 1]].isNaN { threshold = values[best[k - 1]] }
        }
        return (Array(best[0..<count]), sawNaN ? .nan : values[best[0]])
    }
}

/// `topIndicesAndMaximum` for values whose largest in each 64 is known (`groupMaxima[g]`, the
/// largest of values[64g ..< 64g + 64], NaN if one of them is NaN; `headPass` writes them): the
/// same answer, from a scan of only the groups that can hold one of the k best.
public func topIndicesAndMaximum(_ values: UnsafeBufferPointer<Float>, k: Int, groupMaxima: UnsafePointer<Float>,
                                 kernels: Kernels = .current) -> (indices: [Int], maximum: Float) {
    withUnsafeTemporaryAllocation(of: Int.self, capacity: max(min(k, values.count), 1)) { best in
        let (count, maximum) = topIndicesAndMaximum(values, k: k, groupMaxima: groupMaxima, into: best.baseAddress!,
                                                    kernels: kernels)
        return (Array(best[0..<count]), maximum)
    }
}

/// The same, with the indices written to `best` (room for min(k, values.count)); returns how many.
func topIndicesAndMaximum(_ values: UnsafeBufferPointer<Float>, k: Int, groupMaxima: UnsafePointer<Float>,
                          into best: UnsafeMutablePointer<Int>, kernels: Kernels) -> (count: Int, maximum: Float) {
    let k = min(k, values.count)
    guard k > 0 else { return (0, topIndicesAndMaximum(values, k: k, kernels: kernels).maximum) }
    if kernels == .avx512 && k <= 16 {
        var nan: Int32 = 0
        let count = rnn_avx512_top_k_by_groups(values.baseAddress!, values.count, groupMaxima, k, best, &nan)
        return (count, nan != 0 ? .nan : values[best[0]])
    }
    // The k-th largest group maximum is a floor for the k-th best value (k groups each hold one
    // at least that large), so the k best lie in the groups that reach it. Their values, in
    // index order, ranked as a row of their own; a NaN anywhere sends the row to the plain scan.
    let width = 64, groups = UnsafeBufferPointer(start: groupMaxima, count: headGroupCount(values.count))
    let floorGroups = topIndicesAndMaximum(groups, k: k, kernels: .portable)
    let ranked: (indices: [Int], maximum: Float)
    if floorGroups.maximum.isNaN {
        ranked = topIndicesAndMaximum(values, k: k, kernels: .portable)
    } else {
        let floor = floorGroups.indices.count == k ? groups[floorGroups.indices[k - 1]] : -.infinity
        let candidates = groups.indices.filter { groups[$0] >= floor }
            .flatMap { ($0 * width)..<min(($0 + 1) * width, values.count) }
        let inCandidates = candidates.map { values[$0] }.withUnsafeBufferPointer { topIndicesAndMaximum($0, k: k, kernels: .portable) }
        ranked = (inCandidates.indices.map { candidates[$0] }, inCandidates.maximum)
    }
    for (i, index) in ranked.indices.enumerated() { best[i] = index }
    return (ranked.indices.count, ranked.maximum)
}

/// Every row's best k outputs, most likely first, and largest value, ranked from the rows'
/// group maxima (`topIndicesAndMaximum(_:k:groupMaxima:)`) into one buffer: a full trace ranks
/// its every step without an array a row.
public struct RankedRows: Sendable {
    public let k: Int
    /// Row r's indices are flat[r·k ..< r·k + counts[r]].
    let flat: [Int]
    let counts: [Int]
    public let maxima: [Float]

    /// `rows` rows of `width` values at `values` (row r at values + r·rowStride, by default
    /// packed), their group maxima at `groupMaxima` (rows × `headGroupCount(width)`).
    public init(_ values: UnsafePointer<Float>, rows: Int, width: Int, rowStride: Int? = nil,
                groupMaxima: UnsafePointer<Float>, k: Int, kernels: Kernels = .current) {
        let k = min(k, width), groups = headGroupCount(width), stride = rowStride ?? width
        var counts = [Int](repeating: 0, count: rows), maxima = [Float](repeating: 0, count: rows)
        guard k > 0 else {   // rows of no values: no indices, a maximum of −inf
            (self.k, flat, self.counts, self.maxima) = (0, [], counts, [Float](repeating: -.infinity, count: rows))
            return
        }
        flat = [Int](unsafeUninitializedCapacity: rows * k) { best, initialized in
            initialized = rows * k
            if kernels == .avx512 && k <= 16 && 16 * groups <= Int(Int32.max) {
                // Sixteen rows' floors at once (rnn_avx512_top_k_rows), then each row's scan.
                var nan = [Int32](repeating: 0, count: rows)
                rnn_avx512_top_k_rows(values, rows, width, stride, groupMaxima, groups, k, best.baseAddress!, &counts, &nan)
                for row in 0..<rows { maxima[row] = nan[row] != 0 ? .nan : values[row * stride + best[row * k]] }
            } else {
                for row in 0..<rows {
                    (counts[row], maxima[row]) = topIndicesAndMaximum(
                        UnsafeBufferPointer(start: values + row * stride, count: width), k: k,
                        groupMaxima: groupMaxima + row * groups, into: best.baseAddress! + row * k, kernels: kernels)
                }
            }
            for row in 0..<rows {
                for i in counts[row]..<k { best[row * k + i] = -1 }   // unused places, never read
            }
        }
        (self.k, self.counts, self.maxima) = (k, counts, maxima)
    }

    public var count: Int { counts.count }
    /// Row r's best indices, most likely first.
    public func indices(_ row: Int) -> ArraySlice<Int> { flat[(row * k)..<(row * k + counts[row])] }
}

public func topIndices(_ values: ArraySlice<Float>, k: Int, kernels: Kernels = .current) -> [Int] {
    values.withUnsafeBufferPointer { topIndices($0, k: k, kernels: kernels) }
}
