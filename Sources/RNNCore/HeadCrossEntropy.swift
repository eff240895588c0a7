import CKernels

/// Cross-entropy at many rows (a training step of a language model), the head
/// forward and back block by block.
///
/// Done one stage at a time, a batch of 32 × 35 steps over a 5,000-word head
/// writes its logits (22 MB), fills them with the bias, reads them back for the
/// softmax, writes the gradient (22 MB again), then reads that four times for
/// dL/dh and once, transposed, for dL/dW: each pass goes to the L3 cache or to
/// memory. Here a block of 48 rows (1 MB at 5,000 words) is taken through every
/// stage while it is in L2: logits, softmax, dL/dh. The gradient leaves the block
/// once, already laid out as the panels the weight gradient's product reads, and
/// written past the caches; that product gives dL/db as well, from a row of ones.
///
/// Every number is the same chain of operations as in the stage-by-stage pass,
/// so the bits are the same: each logit is bias + Σ_u h_u·W_vu in order of u;
/// each dL/dh and dL/dW entry is one multiply-add chain in row order (dL/dWᵀ is
/// computed as hᵀ·g, the same products, since a·b = b·a exactly). Rows never mix
/// until the loss is summed, in row order, so blocks may go to any thread.
struct HeadCrossEntropy {
    /// The mean loss over the scored rows.
    var value: Float
    /// dL/dh_top for each scored row, in target order, [rows, H].
    var hidden: [Float]
    /// dL/dW_head, [C, H], and dL/db_head, [C], when asked for.
    var weight: [Float]?
    var bias: [Float]?
}

/// The scored rows' loss and gradients. `top` is what the head read at those rows, [rows, H],
/// in target order; the logits are computed here (a forward pass run with its head computed
/// them too, the same bits: a training step runs its forward pass without one).
func headCrossEntropy(top: UnsafePointer<Float>, labels: [Int],
                      weight: Tensor, bias: [Float], packedHead: PackedMatrix, parameterGradients: Bool,
                      pool: WorkerPool = .shared, kernels: Kernels = .current) -> HeadCrossEntropy {
    let c = weight.shape[0], h = weight.shape[1], n = labels.count, w = PackedMatrix.panelWidth
    precondition(packedHead.rows == h && packedHead.columns == c && bias.count == c, "the head does not fit")
    precondition(labels.allSatisfy { $0 >= 0 && $0 < c }, "a class outside the head")
    let panelCount = (c + w - 1) / w
    // W as it is, [C, H], for dL/dh = g·W.
    let byClass = weight.values.withUnsafeBufferPointer {
        PackedMatrix(rows: c, columns: h, source: $0.baseAddress!, rowStride: h, columnStride: 1)
    }
    // g = (softmax − one-hot)/n in panels of 16 classes, each panel n rows deep: B of dL/dWᵀ = hᵀ·g.
    let gradient = parameterGradients ? AlignedFloats(count: panelCount * n * w) : nil
    var losses = [Float](repeating: 0, count: n)
    // Blocks of 48 rows (four of the product's 12-row groups), shared evenly between the pool's
    // threads (see `BalancedShards`). Rows never mix, so where the cuts fall does not touch the bits.
    let blocks = BalancedShards(count: n, size: 48, threads: pool.threadCount)
    // Every row of dL/dh is written whole by its block's product, so it starts unwritten.
    let hidden = arrayWritten(count: n * h) { hidden in
        guard let hidden else { return }   // no rows
        withExtendedLifetime((packedHead.storage, byClass.storage, gradient)) {
            losses.withUnsafeMutableBufferPointer { losses in
                // A block a shard, taken by whichever thread is free. (The tool keeps freed memory
                // in the process, see main.swift, so these buffers cost no page faults after the first step.)
                pool.run(shards: blocks.count) { b in
                    let block = UnsafeMutablePointer<Float>.allocate(capacity: blocks.size * c)
                    defer { block.deallocate() }
                    let first = blocks[b].lowerBound, rows = blocks[b].count
                    bias.withUnsafeBufferPointer { bias in
                        multiplyBlock(StridedMatrix(base: top + first * h, rows: rows, rowStride: h),
                                      packedHead.panels, k: h, columns: c, into: block, ldc: c,
                                      accumulate: false, bias: bias.baseAddress, kernels: kernels)
                    }
                    // (softmax − one-hot)/n in place; the loss is log Σ exp − logit.
                    for r in 0..<rows {
                        let row = block + r * c, label = labels[first + r]
                        let logit = row[label]
                        let logSum = softmax(row, c, into: row, scaledBy: 1 / Float(n), kernels: kernels)
                        losses[first + r] = logSum - logit
                        row[label] -= 1 / Float(n)
                    }
                    multiplyBlock(StridedMatrix(base: block, rows: rows, rowStride: c), byClass.panels,
                                  k: c, columns: h, into: hidden + first * h, ldc: h,
                                  accumulate: false, kernels: kernels)
                    guard let gradient else { return }
                    if kernels == .avx512 {
                        // Stored past the caches: 22 MB at 5,000 words, read back only by dL/dW's product.
                        rnn_avx512_stream_panels(block, rows, c, c, gradient.base + first * w, n * w)
                        return
                    }
                    for p in 0..<panelCount {
                        let width = min(w, c - p * w), out = gradient.base + (p * n + first) * w
                        for r in 0..<rows {
                            let from = block + r * c + p * w, to = out + r * w
                            if width == w {
                                store8(load8(from), to)
                                store8(load8(from + 8), to + 8)
                            } else {
                                store(load(from, min(8, width)), to, 8)
                                store(load(from + 8, max(0, width - 8)), to + 8, 8)
                            }
                        }
                    }
                }
            }
        }
    }
    let value = Float(losses.reduce(0.0) { $0 + Double($1) } / Double(n))
    guard let gradient else { return HeadCrossEntropy(value: value, hidden: hidden, weight: nil, bias: nil) }

    // hᵀ, 16 units a shard, and under it a row of ones: its row of the product is Σ_rows 1·g,
    // dL/db, the same bits as the column sums `columnSums` adds (1·g is g, each multiply-add one
    // rounding of the sum, from zero in row order).
    let topT = arrayWritten(count: (h + 1) * n) { out in
        guard let out else { return }
        (out + h * n).initialize(repeating: 1, count: n)
        pool.run(shards: (h + 15) / 16) { s in
            for u in (s * 16)..<min(s * 16 + 16, h) { for r in 0..<n { out[u * n + r] = top[r * h + u] } }
        }
    }
    // dL/dWᵀ = hᵀ·g and dL/db, in shards of up to 8 panels (128 classes), each transposed into
    // dL/dW while in cache.
    let shards = BalancedShards(count: panelCount, size: 8, threads: pool.threadCount)
    var biasGradient = [Float](repeating: 0, count: c)
    // Every row of dL/dW is written whole by its shard, so it starts unwritten (not 2.5 MB of zeros).
    let weightGradient = arrayWritten(count: c * h) { dW in
        guard let dW else { return }   // no classes or units
        withExtendedLifetime(gradient) {
            topT.withUnsafeBufferPointer { topT in
                biasGradient.withUnsafeMutableBufferPointer { db in
                    pool.run(shards: shards.count) { s in
                        let firstPanel = shards[s].lowerBound, panels = shards[s].count
                        let firstClass = firstPanel * w, classes = min(panels * w, c - firstClass)
                        let product = UnsafeMutablePointer<Float>.allocate(capacity: (h + 1) * shards.size * w)
                        defer { product.deallocate() }
                        let g = gradient.base + firstPanel * n * w
                        multiplyBlock(StridedMatrix(base: topT.baseAddress!, rows: h + 1, rowStride: n), g, k: n,
                                      columns: classes, into: product, ldc: panels * w, accumulate: false,
                                      kernels: kernels)
                        for v in 0..<classes {
                            let row = dW + (firstClass + v) * h, column = product + v
                            if kernels == .avx512 && h % w == 0 {
                                // 16 units a gather (a strided copy; × 1 keeps every value).
                                rnn_avx512_pack_strided(row, column, h / w, w * panels * w, panels * w, Int32(w), 1)
                            } else {
                                for u in 0..<h { row[u] = column[u * panels * w] }
                            }
                        }
                        (db.baseAddress! + firstClass).update(from: product + h * panels * w, count: classes)
                    }
                }
            }
        }
    }
    return HeadCrossEntropy(value: value, hidden: hidden, weight: weightGradient, bias: biasGradient)
}

/// `count` items cut into shards for a pool of `threads`: shards of `size` items, as many as a
/// multiple of the threads, and first, what is left over cut evenly into at most one shard
/// per thread. Each thread takes about one short shard and then as many full ones as the
/// others, so all finish together, and the full shards keep the size the kernels like
/// (cutting every shard evenly would leave most with a few rows the 12-row kernel cannot take).
struct BalancedShards {
    /// The full shards' size, how many shards in all, and how many short ones come first.
    let size: Int, count: Int, short: Int
    private let left: Int

    init(count items: Int, size: Int, threads: Int) {
        let threads = max(1, threads), full = items / size / threads * threads
        self.size = size
        left = items - full * size
        short = min(threads, left)
        count = short + full
    }

    subscript(_ s: Int) -> Range<Int> {
        if s < short { return (s * left / short)..<((s + 1) * left / short) }
        let first = left + (s - short) * size
        return first..<(first + size)
    }
}
