import Foundation

/// The one-step Jacobian of a layer's recurrence, ∂s_t/∂s_{t−1}, built from a
/// forward record, and its largest singular value: the factor by which one
/// step can at most stretch a gradient flowing back through it.
///
///   RNN : ∂h_t/∂h_{t−1} = diag(1 − h_t²)·W_hh
///   GRU : ∂h_t/∂h_{t−1} = diag(z) + diag((h_{t−1} − n)·z(1−z))·W_hz
///                        + diag((1−z)(1−n²))·(diag(r)·W_hn + diag((W_hn h_{t−1} + b_hn)·r(1−r))·W_hr)
///   LSTM: the state is (h, c), and
///         ∂c_t/∂h_{t−1} = B = diag(c_{t−1}·f(1−f))·W_hf + diag(g·i(1−i))·W_hi + diag(i·(1−g²))·W_hg
///         ∂c_t/∂c_{t−1} = diag(f)
///         ∂h_t/∂h_{t−1} = diag(tanh(c_t)·o(1−o))·W_ho + diag(o·(1−tanh²c_t))·B
///         ∂h_t/∂c_{t−1} = diag(o·(1−tanh²c_t)·f)
/// W_hh is the scaled matrix the forward pass used.
public struct StepJacobian: Sendable {
    /// H.
    public let hiddenSize: Int
    /// ∂h_t/∂h_{t−1}, H×H row-major.
    public let hiddenFromHidden: [Float]
    /// LSTM only: ∂c_t/∂h_{t−1}, H×H row-major.
    public let cellFromHidden: [Float]?
    /// LSTM only: the diagonals of ∂h_t/∂c_{t−1} and ∂c_t/∂c_{t−1} (= f).
    public let hiddenFromCell: [Float]?
    public let cellFromCell: [Float]?

    /// The size of the state the Jacobian maps: H, or 2H for the LSTM's (h, c).
    public var stateSize: Int { cellFromHidden == nil ? hiddenSize : 2 * hiddenSize }

    /// The full matrix, row-major over the state (h first, then c): for tests and small displays.
    public func dense() -> [Float] {
        let h = hiddenSize, n = stateSize
        var m = [Float](repeating: 0, count: n * n)
        for i in 0..<h { for j in 0..<h { m[i * n + j] = hiddenFromHidden[i * h + j] } }
        if let cellFromHidden, let hiddenFromCell, let cellFromCell {
            for i in 0..<h {
                for j in 0..<h { m[(h + i) * n + j] = cellFromHidden[i * h + j] }
                m[i * n + h + i] = hiddenFromCell[i]
                m[(h + i) * n + h + i] = cellFromCell[i]
            }
        }
        return m
    }

    /// y = J·x over the state.
    func apply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        let h = hiddenSize
        hiddenFromHidden.withUnsafeBufferPointer { a in matrixVector(a.baseAddress!, h, x, y, accumulate: false) }
        if let cellFromHidden, let hiddenFromCell, let cellFromCell {
            cellFromHidden.withUnsafeBufferPointer { b in matrixVector(b.baseAddress!, h, x, y + h, accumulate: false) }
            for i in 0..<h {
                y[i] += hiddenFromCell[i] * x[h + i]
                y[h + i] += cellFromCell[i] * x[h + i]
            }
        }
    }

    /// x = Jᵀ·y over the state.
    func applyTransposed(_ y: UnsafePointer<Float>, _ x: UnsafeMutablePointer<Float>) {
        let h = hiddenSize
        hiddenFromHidden.withUnsafeBufferPointer { a in transposedMatrixVector(a.baseAddress!, h, y, x, accumulate: false) }
        if let cellFromHidden, let hiddenFromCell, let cellFromCell {
            cellFromHidden.withUnsafeBufferPointer { b in transposedMatrixVector(b.baseAddress!, h, y + h, x, accumulate: true) }
            for i in 0..<h { x[h + i] = hiddenFromCell[i] * y[i] + cellFromCell[i] * y[h + i] }
        }
    }

    /// σ_max(J), by Lanczos on JᵀJ (see `largestEigenvalue`).
    public func largestSingularValue() -> Float {
        let n = stateSize
        let x = UnsafeMutablePointer<Float>.allocate(capacity: n), y = UnsafeMutablePointer<Float>.allocate(capacity: n)
        defer { x.deallocate(); y.deallocate() }
        let eigenvalue = largestEigenvalue(size: n) { v, w in
            for i in 0..<n { x[i] = Float(v[i]) }
            apply(x, y)
            applyTransposed(y, x)
            for i in 0..<n { w[i] = Double(x[i]) }
        }
        return Float(max(eigenvalue, 0).squareRoot())
    }
}

/// y = A·x (or y += A·x) for an n×n row-major A. Four rows at a time, each with its own
/// accumulator summed in the same order as one row alone: the same bits, four chains in flight.
@inline(__always)
private func matrixVector(_ a: UnsafePointer<Float>, _ n: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                          accumulate: Bool) {
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
    let vectorEnd = n - n % 8
    var i = 0
    while i + 4 <= n {
        let r0 = a + i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var j = 0
        while j < vectorEnd {
            let xj = load(x + j)
            s0 += load(r0 + j) * xj
            s1 += load(r1 + j) * xj
            s2 += load(r2 + j) * xj
            s3 += load(r3 + j) * xj
            j += 8
        }
        var totals = (s0.sum(), s1.sum(), s2.sum(), s3.sum())
        while j < n {
            totals.0 += r0[j] * x[j]; totals.1 += r1[j] * x[j]; totals.2 += r2[j] * x[j]; totals.3 += r3[j] * x[j]
            j += 1
        }
        y[i] = accumulate ? y[i] + totals.0 : totals.0
        y[i + 1] = accumulate ? y[i + 1] + totals.1 : totals.1
        y[i + 2] = accumulate ? y[i + 2] + totals.2 : totals.2
        y[i + 3] = accumulate ? y[i + 3] + totals.3 : totals.3
        i += 4
    }
    while i < n {
        let row = a + i * n
        var sum = SIMD8<Float>()
        var j = 0
        while j < vectorEnd { sum += load(row + j) * load(x + j); j += 8 }
        var total = sum.sum()
        while j < n { total += row[j] * x[j]; j += 1 }
        y[i] = accumulate ? y[i] + total : total
        i += 1
    }
}

/// x = Aᵀ·y (or x += Aᵀ·y) for an n×n row-major A: a sum of rows weighted by y (rows of
/// weight 0 skipped). Four rows are added to each block of x while it is in a register, one
/// after the other as one row at a time would: the same bits, a quarter of the loads and stores.
@inline(__always)
private func transposedMatrixVector(_ a: UnsafePointer<Float>, _ n: Int, _ y: UnsafePointer<Float>,
                                    _ x: UnsafeMutablePointer<Float>, accumulate: Bool) {
    if !accumulate { x.update(repeating: 0, count: n) }
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
    let vectorEnd = n - n % 8
    withUnsafeTemporaryAllocation(of: Int.self, capacity: n) { indices in
    var count = 0
    for i in 0..<n where y[i] != 0 { indices[count] = i; count += 1 }
    let rows = UnsafeBufferPointer(rebasing: indices[0..<count])
    var k = 0
    while k + 4 <= rows.count {
        let r0 = a + rows[k] * n, r1 = a + rows[k + 1] * n, r2 = a + rows[k + 2] * n, r3 = a + rows[k + 3] * n
        let w0 = y[rows[k]], w1 = y[rows[k + 1]], w2 = y[rows[k + 2]], w3 = y[rows[k + 3]]
        let v0 = SIMD8<Float>(repeating: w0), v1 = SIMD8<Float>(repeating: w1)
        let v2 = SIMD8<Float>(repeating: w2), v3 = SIMD8<Float>(repeating: w3)
        var j = 0
        while j < vectorEnd {
            var sum = load(x + j) + v0 * load(r0 + j)
            sum = sum + v1 * load(r1 + j)
            sum = sum + v2 * load(r2 + j)
            sum = sum + v3 * load(r3 + j)
            UnsafeMutableRawPointer(x + j).storeBytes(of: sum, as: SIMD8<Float>.self)
            j += 8
        }
        while j < n {
            var value = x[j] + w0 * r0[j]
            value = value + w1 * r1[j]
            value = value + w2 * r2[j]
            x[j] = value + w3 * r3[j]
            j += 1
        }
        k += 4
    }
    while k < rows.count {
        let row = a + rows[k] * n, weight = y[rows[k]]
        let w8 = SIMD8<Float>(repeating: weight)
        var j = 0
        while j < vectorEnd {
            let sum = load(x + j) + w8 * load(row + j)
            UnsafeMutableRawPointer(x + j).storeBytes(of: sum, as: SIMD8<Float>.self)
            j += 8
        }
        while j < n { x[j] += weight * row[j]; j += 1 }
        k += 1
    }
    }
}

/// The largest eigenvalue of a symmetric positive semi-definite n×n map, by
/// Lanczos with full re-orthogonalisation, from a fixed start vector, until
/// the Ritz value stops moving (relative change below 1e-5: the
/// map works in Float32, so the Ritz value jitters at about 1e-7; from below,
/// it is then within about 1e-7 of the answer on the shipped models)
/// or the Krylov space is exhausted. Where the top eigenvalues cluster (an
/// LSTM's forget gates near 1) the Ritz value is already inside the cluster
/// when it stops, so the answer is close even before the cluster is resolved.
/// Deterministic: the same map gives the same number.
func largestEigenvalue(size n: Int, multiply: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void) -> Double {
    precondition(n > 0)
    var basis: [[Double]] = []
    var alphas: [Double] = [], betas: [Double] = []
    // A fixed start with every component non-zero and unequal, so that no
    // direction is missed by symmetry.
    var random = SeededRandom(seed: 0x5EED_1A2C)
    var v = (0..<n).map { _ in 0.5 + Double(random.next() >> 11) / Double(1 << 53) }
    let norm0 = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    v = v.map { $0 / norm0 }
    var w = [Double](repeating: 0, count: n)
    var previous = -Double.infinity, estimate = 0.0
    for step in 0..<min(n, 200) {
        basis.append(v)
        v.withUnsafeBufferPointer { vp in w.withUnsafeMutableBufferPointer { wp in multiply(vp.baseAddress!, wp.baseAddress!) } }
        var alpha = 0.0
        for i in 0..<n { alpha += w[i] * v[i] }
        alphas.append(alpha)
        // Full re-orthogonalisation keeps the small Krylov basis honest.
        for q in basis {
            var dot = 0.0
            for i in 0..<n { dot += w[i] * q[i] }
            for i in 0..<n { w[i] -= dot * q[i] }
        }
        estimate = largestTridiagonalEigenvalue(alphas, betas)
        let beta = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if step > 0 && abs(estimate - previous) <= 1e-5 * max(abs(estimate), 1e-300) { break }
        if beta <= 1e-12 * max(abs(estimate), 1e-300) { break }   // an invariant subspace: exact
        previous = estimate
        betas.append(beta)
        v = w.map { $0 / beta }
    }
    return estimate
}

/// The largest eigenvalue of the symmetric tridiagonal matrix with diagonal
/// `alphas` and off-diagonal `betas` (one shorter), by bisection on Sturm counts.
func largestTridiagonalEigenvalue(_ alphas: [Double], _ betas: [Double]) -> Double {
    let m = alphas.count
    var low = Double.infinity, high = -Double.infinity
    for i in 0..<m {   // Gershgorin discs
        let radius = (i > 0 ? abs(betas[i - 1]) : 0) + (i < m - 1 ? abs(betas[i]) : 0)
        low = min(low, alphas[i] - radius)
        high = max(high, alphas[i] + radius)
    }
    /// How many eigenvalues lie below x.
    func countBelow(_ x: Double) -> Int {
        var count = 0, d = 1.0
        for i in 0..<m {
            let b2 = i > 0 ? betas[i - 1] * betas[i - 1] : 0
            d = alphas[i] - x - (i > 0 ? b2 / d : 0)
            if d == 0 { d = -1e-300 }
            if d < 0 { count += 1 }
        }
        return count
    }
    for _ in 0..<200 {
        let mid = (low + high) / 2
        if mid <= low || mid >= high { break }
        if countBelow(mid) == m { high = mid } else { low = mid }
        if high - low <= 1e-13 * max(abs(high), abs(low)) { break }
    }
    return (low + high) / 2
}

extension RecurrentNetwork {
    /// ∂s_t/∂s_{t−1} of layer `layer` at step t for sequence b of a forward pass
    /// (its W_hh scale included). At t = 0 the previous state is the initial one.
    public func stepJacobian(_ trace: ForwardTrace, layer: Int, step t: Int, sequence b: Int = 0) -> StepJacobian {
        let record = trace.layers[layer], p = parameters.layers[layer]
        let h = record.hiddenSize, batch = record.batch, gh = record.cell.gateCount * h
        let scale = trace.whhScale
        let row = (t * batch + b) * h, gateRow = (t * batch + b) * gh
        func previousHidden(_ i: Int) -> Float {
            t == 0 ? record.initialHidden[b * h + i] : record.hidden[row - batch * h + i]
        }
        var a = [Float](repeating: 0, count: h * h)
        var cellFromHidden: [Float]? = nil, hiddenFromCell: [Float]? = nil, cellFromCell: [Float]? = nil
        p.weightHH.values.withUnsafeBufferPointer { weights in
        a.withUnsafeMutableBufferPointer { a in
        let w = weights.baseAddress!
        switch record.cell {
        case .rnn:
            for i in 0..<h {
                let y = record.hidden[row + i], d = (1 - y * y) * scale
                for j in 0..<h { a[i * h + j] = d * w[i * h + j] }
            }
        case .gru:
            for i in 0..<h {
                let r = record.gates[gateRow + i], z = record.gates[gateRow + h + i], n = record.gates[gateRow + 2 * h + i]
                let projection = record.cellExtra[row + i]
                let viaZ = (previousHidden(i) - n) * z * (1 - z) * scale
                let viaN = (1 - z) * (1 - n * n)
                let viaCandidate = viaN * r * scale, viaR = viaN * projection * r * (1 - r) * scale
                for j in 0..<h {
                    a[i * h + j] = viaR * w[i * h + j] + viaZ * w[(h + i) * h + j] + viaCandidate * w[(2 * h + i) * h + j]
                }
                a[i * h + i] += z
            }
        case .lstm:
            var bFull = [Float](repeating: 0, count: h * h)
            var throughCellF = [Float](repeating: 0, count: h), forget = [Float](repeating: 0, count: h)
            bFull.withUnsafeMutableBufferPointer { bMatrix in
                for i in 0..<h {
                    let ig = record.gates[gateRow + i], f = record.gates[gateRow + h + i]
                    let g = record.gates[gateRow + 2 * h + i], o = record.gates[gateRow + 3 * h + i]
                    let c = record.cellState[row + i]
                    let previousCell = t == 0 ? record.initialCell[b * h + i] : record.cellState[row - batch * h + i]
                    let tc = tanhf(c), throughCell = o * (1 - tc * tc)
                    let viaI = g * ig * (1 - ig) * scale, viaF = previousCell * f * (1 - f) * scale
                    let viaG = ig * (1 - g * g) * scale, viaO = tc * o * (1 - o) * scale
                    // Eight columns at a time: the same products and sums per element as one at a time.
                    let wi = w + i * h, wf = w + (h + i) * h, wg = w + (2 * h + i) * h, wo = w + (3 * h + i) * h
                    let bRow = bMatrix.baseAddress! + i * h, aRow = a.baseAddress! + i * h
                    let (vI, vF, vG) = (SIMD8<Float>(repeating: viaI), SIMD8<Float>(repeating: viaF), SIMD8<Float>(repeating: viaG))
                    let (vO, vC) = (SIMD8<Float>(repeating: viaO), SIMD8<Float>(repeating: throughCell))
                    func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
                    var j = 0
                    while j + 8 <= h {
                        let dc = vI * load(wi + j) + vF * load(wf + j) + vG * load(wg + j)
                        UnsafeMutableRawPointer(bRow + j).storeBytes(of: dc, as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(aRow + j).storeBytes(of: vO * load(wo + j) + vC * dc, as: SIMD8<Float>.self)
                        j += 8
                    }
                    while j < h {
                        let dc = viaI * wi[j] + viaF * wf[j] + viaG * wg[j]
                        bRow[j] = dc
                        aRow[j] = viaO * wo[j] + throughCell * dc
                        j += 1
                    }
                    throughCellF[i] = throughCell * f
                    forget[i] = f
                }
            }
            cellFromHidden = bFull
            hiddenFromCell = throughCellF
            cellFromCell = forget
        }
        }}
        return StepJacobian(hiddenSize: h, hiddenFromHidden: a, cellFromHidden: cellFromHidden,
                            hiddenFromCell: hiddenFromCell, cellFromCell: cellFromCell)
    }
}
