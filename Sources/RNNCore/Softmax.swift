import Foundation

/// Softmax, log-sum-exp and top-k over rows of outputs.

/// log Σ exp(x_j) over a row of logits.
public func logSumExp(_ x: UnsafeBufferPointer<Float>) -> Float {
    x.isEmpty ? -.infinity : logSumExp(x.baseAddress!, x.count)
}

/// log Σ exp(x_j), shifted by the maximum so that it never overflows.
func logSumExp(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    let m = maximum(x, n)
    if !m.isFinite { return m }
    var sum = F8()
    forEachChunk(n) { j, lanes in
        var e = exp8(load(x + j, lanes) - m)
        if lanes < 8 { for l in lanes..<8 { e[l] = 0 } }
        sum += e
    }
    return m + Float(log(Double(sum.sum())))
}

/// The largest value, or NaN if any value is NaN.
func maximum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var m = F8(repeating: -.infinity)
    var sawNaN = SIMDMask<SIMD8<Int32>>(repeating: false)
    forEachChunk(n) { j, lanes in
        var v = load(x + j, lanes)
        if lanes < 8 { for l in lanes..<8 { v[l] = -.infinity } }
        sawNaN .|= v .!= v
        m.replace(with: v, where: v .> m)
    }
    return any(sawNaN) ? .nan : m.max()
}

/// out = softmax(x) over n values.
func softmax(_ x: UnsafePointer<Float>, _ n: Int, into out: UnsafeMutablePointer<Float>) {
    let m = maximum(x, n)
    var sum = F8()
    forEachChunk(n) { j, lanes in
        var e = exp8(load(x + j, lanes) - m)
        if lanes < 8 { for l in lanes..<8 { e[l] = 0 } }
        store(e, out + j, lanes)
        sum += e
    }
    let scale = 1 / sum.sum()
    forEachChunk(n) { j, lanes in store(load(out + j, lanes) * scale, out + j, lanes) }
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
public func topIndices(_ values: UnsafeBufferPointer<Float>, k: Int) -> [Int] {
    let k = min(k, values.count)
    if k == 0 { return [] }
    @inline(__always) func ranksAbove(_ a: Int, _ b: Int) -> Bool {
        let x = values[a], y = values[b]
        if x.isNaN != y.isNaN { return y.isNaN }
        return x > y || (x == y || x.isNaN) && a < b
    }
    var best: [Int] = []
    best.reserveCapacity(k + 1)
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
        if best.count == k && !ranksAbove(i, best[k - 1]) { continue }
        var position = best.count
        while position > 0 && ranksAbove(i, best[position - 1]) { position -= 1 }
        best.insert(i, at: position)
        if best.count > k { best.removeLast() }
        if best.count == k, !values[best[k - 1]].isNaN { threshold = values[best[k - 1]] }
    }
    return best
}

public func topIndices(_ values: ArraySlice<Float>, k: Int) -> [Int] {
    values.withUnsafeBufferPointer { topIndices($0, k: k) }
}
