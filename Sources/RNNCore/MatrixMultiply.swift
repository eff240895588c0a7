import CKernels

/// Matrix products for every layer, head and gradient: C (+)= A·B.
///
/// One kernel serves all uses. B is first copied ("packed") into panels of 16
/// columns, each panel K rows deep and contiguous, so the inner loop streams
/// it from the L1 cache while 6 rows of A are broadcast against it. A is read
/// in place through strides, so Aᵀ costs nothing extra. On a Haswell-class
/// core this runs the inner loop as fused multiply-adds on 8-wide registers;
/// where the CPU has AVX-512, the C kernels in CKernels run it on 16-wide ones,
/// a whole panel per register, with the same bits (see `Kernels`).

/// B (K × N) laid out for the kernel: panel p holds columns 16p ..< 16p+16,
/// row by row, zero-padded past N.
public struct PackedMatrix: Sendable {
    public static let panelWidth = 16
    public let rows: Int       // K
    public let columns: Int    // N
    /// On a 64-byte boundary, so each panel row (16 floats) is one cache line: a 16-wide load
    /// then never straddles two lines, which halved the speed of the one-row product (read from L2).
    let storage: AlignedFloats
    var panels: UnsafePointer<Float> { UnsafePointer(storage.base) }

    /// Packs B[k][n] = scale · source[k·rowStride + n·columnStride].
    public init(rows k: Int, columns n: Int, source: UnsafePointer<Float>,
                rowStride: Int, columnStride: Int, scale: Float = 1) {
        rows = k
        columns = n
        let w = Self.panelWidth
        let panelCount = (n + w - 1) / w
        // A large matrix (a 5,000-word head, or a layer's weights, packed at every training step)
        // is packed on the worker pool in groups of panels of about 16k values each (a deep panel
        // alone: the head read by class has 8 panels 5,000 deep); each panel is a copy, so nothing
        // depends on the threads. (Groups of 64k left a 128-unit layer's W_hh to one thread.)
        // Every element is written once (the last panel's columns past n as zeros), so the
        // buffer is not zero-filled first: for a large model's W_hh that was a third of the packing.
        let group = k * n >= 1 << 15 ? max(1, (1 << 14) / (k * w)) : max(panelCount, 1)
        storage = AlignedFloats(count: panelCount * k * w)
        let out = storage.base
        // Read across rows (a transposed weight), a panel is 16 gathers a row on AVX-512.
        let gather = columnStride != 1 && Kernels.current == .avx512 && columnStride * 15 <= Int(Int32.max)
        WorkerPool.shared.run(shards: (panelCount + group - 1) / group) { shard in
            for p in (shard * group)..<min((shard + 1) * group, panelCount) {
                let width = min(w, n - p * w)
                let base = out + p * k * w
                if gather {
                    rnn_avx512_pack_strided(base, source + p * w * columnStride, k, rowStride, columnStride, Int32(width), scale)
                    continue
                }
                for kk in 0..<k {
                    let row = source + kk * rowStride + p * w * columnStride
                    let dst = base + kk * w
                    if columnStride == 1 && width == w {
                        let s = F8(repeating: scale)
                        store8(s * load8(row), dst)
                        store8(s * load8(row + 8), dst + 8)
                    } else {
                        for j in 0..<width { dst[j] = scale * row[j * columnStride] }
                        for j in width..<w { dst[j] = 0 }
                    }
                }
            }
        }
    }

    /// Packs the transpose of a [rows × cols] row-major matrix W, so that
    /// A·packed = A·Wᵀ: the product PyTorch's Linear layers compute.
    public init(transposing w: Tensor) {
        let (r, c) = (w.shape[0], w.shape[1])
        self = w.values.withUnsafeBufferPointer {
            PackedMatrix(rows: c, columns: r, source: $0.baseAddress!, rowStride: 1, columnStride: c)
        }
    }

    /// Packs a [rows × cols] row-major matrix as it is.
    public init(_ w: Tensor) {
        let (r, c) = (w.shape[0], w.shape[1])
        self = w.values.withUnsafeBufferPointer {
            PackedMatrix(rows: r, columns: c, source: $0.baseAddress!, rowStride: c, columnStride: 1)
        }
    }
}

/// A fixed buffer of floats starting on a cache line (64 bytes), freed with its last owner.
/// Written only while a `PackedMatrix` is made, read-only after: safe to share between threads.
final class AlignedFloats: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>

    init(count: Int) { base = uninitializedScratch(count) }

    deinit { base.deallocate() }
}

/// A matrix read in place: element (i, k) is at base[i·rowStride + k·columnStride].
public struct StridedMatrix {
    public var base: UnsafePointer<Float>
    public var rows: Int
    public var rowStride: Int
    public var columnStride: Int

    public init(base: UnsafePointer<Float>, rows: Int, rowStride: Int, columnStride: Int = 1) {
        self.base = base
        self.rows = rows
        self.rowStride = rowStride
        self.columnStride = columnStride
    }
}

/// C[i][n] (+)= Σ_k A[i][k] · B[k][n] for i < A.rows, n < B.columns; C is row-major with row stride ldc.
///
/// A large product is cut into blocks of C (columns, or rows when B is narrow)
/// that the worker pool computes side by side. Every element of C is still one
/// thread's sum over k in order, so the result does not depend on the threads.
/// With a `bias` (one value per column), C = bias + A·B: the same bits as filling C with the
/// bias and accumulating, without writing C twice.
/// `fromTheEnd`: see `multiplyBlock` (a one-row product, each block walking its panels last to first).
public func multiply(_ a: StridedMatrix, _ b: PackedMatrix, into c: UnsafeMutablePointer<Float>,
                     ldc: Int, accumulate: Bool, bias: UnsafePointer<Float>? = nil, fromTheEnd: Bool = false,
                     pool: WorkerPool = .shared, kernels: Kernels = .current) {
    let w = PackedMatrix.panelWidth
    let k = b.rows
    let panelCount = (b.columns + w - 1) / w
    if a.rows == 0 || b.columns == 0 { return }
    if k == 0 {
        if let bias {
            for i in 0..<a.rows { (c + i * ldc).update(from: bias, count: b.columns) }
        } else if !accumulate {
            for i in 0..<a.rows { (c + i * ldc).update(repeating: 0, count: b.columns) }
        }
        return
    }
    let blocks = productBlocks(rows: a.rows, k: k, columns: b.columns)
    withExtendedLifetime(b.storage) {
        let panels = b.panels
        // Columns when B is wide enough to give each block four panels, else rows (in sixes).
        let splitColumns = panelCount / 4 >= min(blocks, 8) || a.rows < 12
        if blocks >= 2 && panelCount >= 8 && splitColumns {
            let perBlock = ((panelCount + blocks - 1) / blocks + 3) / 4 * 4
            let shards = (panelCount + perBlock - 1) / perBlock
            pool.run(shards: shards) { s in
                let first = s * perBlock, count = min(perBlock, panelCount - first)
                multiplyBlock(a, panels + first * k * w, k: k, columns: min(count * w, b.columns - first * w),
                              into: c + first * w, ldc: ldc, accumulate: accumulate, bias: bias.map { $0 + first * w },
                              fromTheEnd: fromTheEnd, kernels: kernels)
            }
        } else if blocks >= 2 && a.rows >= 12 {
            // Rows in sixes; a transposed A (copied 64 rows at a time, below) in whole copies
            // when that still leaves a block per thread, so each copy is of 64 rows, not 6.
            let sixes = ((a.rows + blocks - 1) / blocks + 5) / 6 * 6
            let perBlock = a.columnStride != 1 && a.rows >= 96 ? max(sixes, 64) : sixes
            let shards = (a.rows + perBlock - 1) / perBlock
            pool.run(shards: shards) { s in
                var rows = a
                rows.base += s * perBlock * a.rowStride
                rows.rows = min(perBlock, a.rows - s * perBlock)
                multiplyBlock(rows, panels, k: k, columns: b.columns, into: c + s * perBlock * ldc, ldc: ldc,
                              accumulate: accumulate, bias: bias, kernels: kernels)
            }
        } else {
            multiplyBlock(a, panels, k: k, columns: b.columns, into: c, ldc: ldc, accumulate: accumulate, bias: bias,
                          fromTheEnd: fromTheEnd, kernels: kernels)
        }
    }
}

/// How many blocks `multiply` cuts a product of rows × k by k × columns into: about 1 MFLOP
/// a block at least, at most 64, fixed by the sizes alone. Under 2 the product stays on the
/// calling thread.
func productBlocks(rows: Int, k: Int, columns: Int) -> Int {
    min(64, 2 * rows * k * columns / 1_000_000)
}

/// One block of C on the calling thread: `panels` are B's packed panels for these `columns`;
/// `bias` as in `multiply`. `fromTheEnd`: a one-row product on AVX-512 walks the panels last
/// to first (see `addRecurrentProduct`); every element is the same sum either way.
func multiplyBlock(_ a: StridedMatrix, _ panels: UnsafePointer<Float>, k: Int, columns: Int,
                   into c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, bias: UnsafePointer<Float>? = nil,
                   fromTheEnd: Bool = false, kernels: Kernels) {
    let w = PackedMatrix.panelWidth
    let panelCount = (columns + w - 1) / w
    let wide = kernels == .avx512
    if a.rows == 1, let bias, !wide {
        // The portable one-row kernels add onto C: fill the row with the bias first (the same sum).
        c.update(from: bias, count: columns)
        return multiplyBlock(a, panels, k: k, columns: columns, into: c, ldc: ldc, accumulate: true,
                             fromTheEnd: fromTheEnd, kernels: kernels)
    }
    if a.rows == 1 {
        // One row (a single sequence step): walk several panels at once so the
        // eight accumulators hide the latency of the multiply-adds.
        if wide {
            // Up to eight panels (128 columns) a call, the last call masked to what is left.
            return rnn_avx512_row_walk(a.base, a.columnStride, panels, k, c, Int32(columns), accumulate ? 1 : 0, bias,
                                       fromTheEnd ? 1 : 0)
        }
        var p = 0
        while p + 4 <= panelCount && (p + 4) * w <= columns {
            rowTimesFourPanels(a.base, a.columnStride, panels + p * k * w, k, c + p * w, accumulate)
            p += 4
        }
        while p < panelCount {
            let width = min(w, columns - p * w)
            kernel6(rows: 1, a.base, a.rowStride, a.columnStride, panels + p * k * w, k, c + p * w, ldc, width, accumulate)
            p += 1
        }
        return
    }
    // Up to 6 rows against one panel (portable) or two (AVX-512: 32 columns of C in twelve registers).
    let panelsPerCall = wide ? 2 : 1
    @inline(__always)
    func rows6(_ rows: Int, _ a: UnsafePointer<Float>, _ rs: Int, _ cs: Int, panel p: Int, _ c: UnsafeMutablePointer<Float>) {
        let width = min(panelsPerCall * w, columns - p * w)
        if wide {
            rnn_avx512_rows6(Int32(rows), a, rs, cs, panels + p * k * w, k, c + p * w, ldc, Int32(width), accumulate ? 1 : 0,
                             bias.map { $0 + p * w })
        } else {
            kernel6(rows: rows, a, rs, cs, panels + p * k * w, k, c + p * w, ldc, width, accumulate, bias: bias.map { $0 + p * w })
        }
    }
    // Twelve rows at a time where there are twelve left (AVX-512: 24 registers of C), else six.
    // AVX-512 takes 7 to 11 rows left as two near-equal groups: 8 as 6 + 2 would leave the
    // last call four chains of multiply-adds, too few to hide their latency.
    @inline(__always)
    func groupHeight(_ left: Int) -> Int {
        wide ? (left >= 12 ? 12 : left > 6 ? (left + 1) / 2 : left) : min(6, left)
    }
    /// `height` rows (from `groupHeight`) against panel p (and p + 1 on AVX-512).
    @inline(__always)
    func rowGroup(_ height: Int, _ a: UnsafePointer<Float>, _ rs: Int, _ cs: Int, panel p: Int, _ c: UnsafeMutablePointer<Float>) {
        if height == 12 {
            rnn_avx512_rows12(a, rs, cs, panels + p * k * w, k, c + p * w, ldc, Int32(min(2 * w, columns - p * w)),
                              accumulate ? 1 : 0, bias.map { $0 + p * w })
        } else {
            rows6(height, a, rs, cs, panel: p, c)
        }
    }
    if a.columnStride != 1 {
        // A read across rows (a transposed operand, as in every weight gradient): each step
        // down K would touch a new cache line per row, so copy 64 rows at a time into a
        // contiguous block first (at each k, four whole cache lines of a transposed A),
        // then sweep it 12 or 6 rows at a time against all panels.
        let height = 64
        let block = UnsafeMutablePointer<Float>.allocate(capacity: height * k)
        defer { block.deallocate() }
        var i = 0
        while i < a.rows {
            let rows = min(height, a.rows - i)
            for kk in 0..<k {
                let source = a.base + i * a.rowStride + kk * a.columnStride, copy = block + kk * height
                if a.rowStride == 1 {
                    copy.update(from: source, count: rows)
                } else {
                    for r in 0..<rows { copy[r] = source[r * a.rowStride] }
                }
            }
            var g = 0
            while g < rows {
                let group = groupHeight(rows - g)
                for p in stride(from: 0, to: panelCount, by: panelsPerCall) {
                    rowGroup(group, block + g, 1, height, panel: p, c + (i + g) * ldc)
                }
                g += group
            }
            i += height
        }
        return
    }
    for p in stride(from: 0, to: panelCount, by: panelsPerCall) {
        var i = 0
        while i < a.rows {
            let group = groupHeight(a.rows - i)
            rowGroup(group, a.base + i * a.rowStride, a.rowStride, a.columnStride, panel: p, c + i * ldc)
            i += group
        }
    }
}

/// out[j] += Σ_r weights[r] · m[r][j] for a row-major [rows × width] matrix read in place:
/// a vector times a matrix, with no packing (worth it when only one vector goes through).
/// A matrix larger than the caches (a big head read back for one row) is shared out in
/// column blocks on the worker pool, each read row by row (see `streamWeightedRows`); each
/// column is still summed over r in order, so the bits do not depend on the blocks.
public func addWeightedRows(of m: UnsafePointer<Float>, rows: Int, width: Int, weights: UnsafePointer<Float>,
                            into out: UnsafeMutablePointer<Float>) {
    guard rows * width >= 1 << 18 else {
        addWeightedRows(of: m, rows: rows, width: width, stride: width, weights: weights, into: out)
        return
    }
    // Blocks of at most 1,024 columns (4 KB of sums, kept in L1), at least two where the width allows.
    let blockWidth = min(1024, max(32, (width / 2 + 31) / 32 * 32))
    WorkerPool.shared.run(shards: (width + blockWidth - 1) / blockWidth) { block in
        let first = block * blockWidth
        streamWeightedRows(of: m + first, rows: rows, width: min(blockWidth, width - first), stride: width,
                           weights: weights, into: out + first)
    }
}

/// The same sums as `addWeightedRows(of:rows:width:stride:…)`, for a matrix streamed from
/// memory: each row's `width` columns are read once, front to back, into sums kept in a
/// small buffer. The register version reads 32 columns down every row and then starts again,
/// which for a 200 MB head touches a new page at every step and ran at a fraction of the
/// memory's speed. Each sum is the same chain of multiply-adds over r, so the bits are equal.
func streamWeightedRows(of m: UnsafePointer<Float>, rows: Int, width: Int, stride: Int,
                        weights: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
    let chunks = width / 32
    let sums = UnsafeMutablePointer<Float>.allocate(capacity: width)
    sums.initialize(repeating: 0, count: width)
    defer { sums.deallocate() }
    for r in 0..<rows {
        let x = F8(repeating: weights[r]), row = m + r * stride
        for c in 0..<chunks {
            let j = c * 32, s = sums + j, v = row + j
            store8(load8(s).addingProduct(x, load8(v)), s)
            store8(load8(s + 8).addingProduct(x, load8(v + 8)), s + 8)
            store8(load8(s + 16).addingProduct(x, load8(v + 16)), s + 16)
            store8(load8(s + 24).addingProduct(x, load8(v + 24)), s + 24)
        }
        var j = chunks * 32
        while j < width {
            let n = min(8, width - j)
            store(load(sums + j, n).addingProduct(x, load(row + j, n)), sums + j, n)
            j += 8
        }
    }
    forEachChunk(width) { j, n in store(load(out + j, n) + load(sums + j, n), out + j, n) }
}

/// The same on `width` columns of rows `stride` apart, on the calling thread; row r's
/// weight is weights[r · weightStride] (a stride of 0 gives every row the same weight).
func addWeightedRows(of m: UnsafePointer<Float>, rows: Int, width: Int, stride: Int, weights: UnsafePointer<Float>,
                     weightStride: Int = 1, into out: UnsafeMutablePointer<Float>) {
    var j = 0
    while j < width {
        // 32 columns at a time in four registers, the last block masked to `width`.
        let lanes = min(32, width - j)
        var s0 = F8(), s1 = F8(), s2 = F8(), s3 = F8()
        if lanes == 32 {
            for r in 0..<rows {
                let x = F8(repeating: weights[r * weightStride]), row = m + r * stride + j
                s0.addProduct(x, load8(row)); s1.addProduct(x, load8(row + 8))
                s2.addProduct(x, load8(row + 16)); s3.addProduct(x, load8(row + 24))
            }
        } else {
            for r in 0..<rows {
                let x = F8(repeating: weights[r * weightStride]), row = m + r * stride + j
                s0.addProduct(x, load(row, lanes)); s1.addProduct(x, load(row + 8, max(0, lanes - 8)))
                s2.addProduct(x, load(row + 16, max(0, lanes - 16))); s3.addProduct(x, load(row + 24, max(0, lanes - 24)))
            }
        }
        let sums = [s0, s1, s2, s3]
        for (block, sum) in sums.enumerated() where lanes > block * 8 {
            let n = min(8, lanes - block * 8)
            store(load(out + j + block * 8, n) + sum, out + j + block * 8, n)
        }
        j += 32
    }
}

typealias F8 = SIMD8<Float>

@inline(__always) func load8(_ p: UnsafePointer<Float>) -> F8 {
    UnsafeRawPointer(p).loadUnaligned(as: F8.self)
}

@inline(__always) func store8(_ v: F8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: F8.self)
}

/// Writes one 16-wide row of results (only `width` columns are real): the sums, or C plus them,
/// or with a bias row the bias plus them.
@inline(__always)
func storeRow(_ lo: F8, _ hi: F8, _ c: UnsafeMutablePointer<Float>, _ width: Int, _ accumulate: Bool,
              bias: UnsafePointer<Float>? = nil) {
    let onto = bias ?? UnsafePointer(c), add = accumulate || bias != nil
    if width == 16 {
        store8(add ? lo + load8(onto) : lo, c)
        store8(add ? hi + load8(onto + 8) : hi, c + 8)
    } else {
        for j in 0..<width {
            let v = j < 8 ? lo[j] : hi[j - 8]
            c[j] = add ? onto[j] + v : v
        }
    }
}

/// The main kernel: up to 6 rows × 16 columns of C kept in twelve vector
/// registers. Fewer than 6 rows repeat the last row and drop its results, which
/// costs the same time as a full block and keeps the pipeline full.
@inline(__always)
func kernel6(rows: Int, _ a: UnsafePointer<Float>, _ rs: Int, _ cs: Int, _ b: UnsafePointer<Float>, _ k: Int,
             _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ width: Int, _ accumulate: Bool,
             bias: UnsafePointer<Float>? = nil) {
    let o1 = min(1, rows - 1) * rs, o2 = min(2, rows - 1) * rs, o3 = min(3, rows - 1) * rs
    let o4 = min(4, rows - 1) * rs, o5 = min(5, rows - 1) * rs
    var c0l = F8(), c0h = F8(), c1l = F8(), c1h = F8(), c2l = F8(), c2h = F8()
    var c3l = F8(), c3h = F8(), c4l = F8(), c4h = F8(), c5l = F8(), c5h = F8()
    var ak = a
    var bk = b
    for _ in 0..<k {
        let bl = load8(bk), bh = load8(bk + 8)
        var x = F8(repeating: ak[0])
        c0l.addProduct(x, bl); c0h.addProduct(x, bh)
        x = F8(repeating: ak[o1])
        c1l.addProduct(x, bl); c1h.addProduct(x, bh)
        x = F8(repeating: ak[o2])
        c2l.addProduct(x, bl); c2h.addProduct(x, bh)
        x = F8(repeating: ak[o3])
        c3l.addProduct(x, bl); c3h.addProduct(x, bh)
        x = F8(repeating: ak[o4])
        c4l.addProduct(x, bl); c4h.addProduct(x, bh)
        x = F8(repeating: ak[o5])
        c5l.addProduct(x, bl); c5h.addProduct(x, bh)
        ak += cs
        bk += 16
    }
    storeRow(c0l, c0h, c, width, accumulate, bias: bias)
    if rows > 1 { storeRow(c1l, c1h, c + ldc, width, accumulate, bias: bias) }
    if rows > 2 { storeRow(c2l, c2h, c + 2 * ldc, width, accumulate, bias: bias) }
    if rows > 3 { storeRow(c3l, c3h, c + 3 * ldc, width, accumulate, bias: bias) }
    if rows > 4 { storeRow(c4l, c4h, c + 4 * ldc, width, accumulate, bias: bias) }
    if rows > 5 { storeRow(c5l, c5h, c + 5 * ldc, width, accumulate, bias: bias) }
}

/// One row of A against four full panels (64 columns).
@inline(__always)
func rowTimesFourPanels(_ a: UnsafePointer<Float>, _ cs: Int, _ b: UnsafePointer<Float>, _ k: Int,
                        _ c: UnsafeMutablePointer<Float>, _ accumulate: Bool) {
    let stride = k * 16
    var s0 = F8(), s1 = F8(), s2 = F8(), s3 = F8(), s4 = F8(), s5 = F8(), s6 = F8(), s7 = F8()
    var ak = a
    var bk = b
    for _ in 0..<k {
        let x = F8(repeating: ak[0])
        s0.addProduct(x, load8(bk)); s1.addProduct(x, load8(bk + 8))
        s2.addProduct(x, load8(bk + stride)); s3.addProduct(x, load8(bk + stride + 8))
        s4.addProduct(x, load8(bk + 2 * stride)); s5.addProduct(x, load8(bk + 2 * stride + 8))
        s6.addProduct(x, load8(bk + 3 * stride)); s7.addProduct(x, load8(bk + 3 * stride + 8))
        ak += cs
        bk += 16
    }
    storeRow(s0, s1, c, 16, accumulate)
    storeRow(s2, s3, c + 16, 16, accumulate)
    storeRow(s4, s5, c + 32, 16, accumulate)
    storeRow(s6, s7, c + 48, 16, accumulate)
}
