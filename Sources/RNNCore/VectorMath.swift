import CKernels

/// Elementwise functions on 8 lanes at a time. exp is the Cephes polynomial
/// (≈ 2 ulp in Float32), so the softmax over 5,000 words at every step and the
/// gate nonlinearities cost a few cycles per value instead of a libm call each.

@inline(__always)
func exp8(_ x: F8) -> F8 {
    // Lanes outside [−87.34, 88.38] (or NaN) are rare: a softmax shifted by its maximum and
    // a gate's pre-activation almost never reach them. Only then are the clamps and
    // fix-ups run; within the range they change nothing, so the bits are the same.
    let inRange = (x .>= -87.3365447505531) .& (x .<= 88.3762626647949)
    if all(inRange) { return expCore(x) }
    var c = x
    c.replace(with: 88.3762626647949, where: x .> 88.3762626647949)
    c.replace(with: -87.3365447505531, where: x .< -87.3365447505531)
    var result = expCore(c)
    // The clamp turned ±inf into large finite values and dropped NaN: restore them.
    result.replace(with: .infinity, where: x .> 88.7228391)
    result.replace(with: 0, where: x .< -87.3365447505531)
    result.replace(with: x, where: x .!= x)
    return result
}

/// exp on [−87.34, 88.38]: the Cephes polynomial, written with masks rather than
/// rounded()/Int32 conversion, which the standard library does lane by lane.
@inline(__always)
func expCore(_ c: F8) -> F8 {
    // n = round(c·log2 e), made integral by adding 1.5·2²³ so that its low bits are the integer.
    let shifted = F8(repeating: 12582912).addingProduct(c, 1.44269504088896341)
    let n = shifted - 12582912
    var r = c.addingProduct(n, -0.693359375)
    r = r.addingProduct(n, 2.12194440e-4)
    let r2 = r * r
    var p = F8(repeating: 1.9875691500e-4)
    p = F8(repeating: 1.3981999507e-3).addingProduct(p, r)
    p = F8(repeating: 8.3334519073e-3).addingProduct(p, r)
    p = F8(repeating: 4.1665795894e-2).addingProduct(p, r)
    p = F8(repeating: 1.6666665459e-1).addingProduct(p, r)
    p = F8(repeating: 5.0000001201e-1).addingProduct(p, r)
    p = r.addingProduct(p, r2) + 1
    // 2ⁿ built from its exponent bits.
    let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
    return p * unsafeBitCast((integer &+ 127) &<< 23, to: F8.self)
}

@_transparent
func sigmoid8(_ x: F8) -> F8 {
    1 / (1 + exp8(-x))
}

@_transparent
func tanh8(_ x: F8) -> F8 {
    // tanh(x) = sign(x)·(1 − e^{−2|x|}) / (1 + e^{−2|x|}), which never overflows.
    let e = exp8(-2 * abs8(x))
    var t = (1 - e) / (1 + e)
    t.replace(with: -t, where: x .< 0)
    t.replace(with: x, where: x .!= x)
    return t
}

@inline(__always) func abs8(_ x: F8) -> F8 {
    unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: F8.self)
}

/// Loads up to 8 values (lanes past `count` are 0).
@inline(__always)
func load(_ p: UnsafePointer<Float>, _ count: Int) -> F8 {
    if count >= 8 { return load8(p) }
    var v = F8()
    for j in 0..<count { v[j] = p[j] }
    return v
}

/// Stores the first `count` lanes (at most 8).
@inline(__always)
func store(_ v: F8, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
    if count >= 8 { store8(v, p); return }
    for j in 0..<count { p[j] = v[j] }
}

/// Scalar versions for code outside the hot loops, with the same rounding as the vector ones.
public func sigmoid(_ x: Float) -> Float { sigmoid8(F8(repeating: x))[0] }
public func hyperbolicTangent(_ x: Float) -> Float { tanh8(F8(repeating: x))[0] }
public func exponential(_ x: Float) -> Float { exp8(F8(repeating: x))[0] }

/// values[i] *= factors[i], 8 lanes at a time (each product rounded once, as one at a time),
/// in pieces on the worker pool.
func multiplyInPlace(_ values: inout [Float], by factors: [Float]) {
    precondition(values.count == factors.count, "the factors do not fit")
    values.withUnsafeMutableBufferPointer { v in
        factors.withUnsafeBufferPointer { f in
            inPieces(v.count) { range in
                multiplyElements(v.baseAddress! + range.lowerBound, by: f.baseAddress! + range.lowerBound, count: range.count)
            }
        }
    }
}

/// to[i] *= factors[i] for i < count, 8 lanes at a time, on the calling thread.
func multiplyElements(_ to: UnsafeMutablePointer<Float>, by factors: UnsafePointer<Float>, count: Int) {
    forEachChunk(count) { i, n in store(load(to + i, n) * load(factors + i, n), to + i, n) }
}

/// √(Σ_u x_u²) of each of `steps` rows of `width` values (a trace's gradient norm at every
/// step). Each norm is its own row's sum of squares in Double, in unit order, rounded to Float
/// at the end; eight rows' sums run side by side (one lane each), so that the additions do not
/// wait on one another. The AVX-512 kernel gathers the same lanes, with the same bits.
public func stepNorms(_ x: UnsafePointer<Float>, steps: Int, width: Int, kernels: Kernels = .current) -> [Float] {
    var norms = [Float](repeating: 0, count: steps)
    guard steps > 0 else { return norms }
    if kernels == .avx512 && steps * width <= Int(Int32.max) {
        rnn_avx512_step_norms(x, steps, width, &norms)
        return norms
    }
    for first in stride(from: 0, to: steps, by: 8) {
        let lanes = min(8, steps - first)
        // Lanes past the last step read that step again; their sums are dropped.
        let r = (0..<8).map { x + (first + min($0, lanes - 1)) * width }
        let (r0, r1, r2, r3, r4, r5, r6, r7) = (r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7])
        var sums = SIMD8<Double>()
        for u in 0..<width {
            let v = SIMD8<Double>(SIMD8<Float>(r0[u], r1[u], r2[u], r3[u], r4[u], r5[u], r6[u], r7[u]))
            sums += v * v
        }
        for l in 0..<lanes { norms[first + l] = Float(sums[l].squareRoot()) }
    }
    return norms
}
