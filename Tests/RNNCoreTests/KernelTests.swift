import CKernels
import Foundation
import Testing
@testable import RNNCore

@Suite struct KernelTests {
    /// The packed product against a triple loop, over shapes that hit every edge:
    /// one row, leftover rows, partial panels, K = 0, transposed A, accumulation.
    @Test(arguments: [(1, 1, 1), (1, 70, 9), (1, 64, 128), (5, 17, 3), (6, 16, 8), (13, 33, 21), (64, 100, 128), (7, 5, 0)])
    func packedProductMatchesTripleLoop(m: Int, n: Int, k: Int) {
        var random = SeededRandom(seed: UInt64(m * 1000 + n * 10 + k))
        let a = (0..<(m * k)).map { _ in random.uniform(-1, 1) }
        let b = (0..<(k * n)).map { _ in random.uniform(-1, 1) }
        let start = (0..<(m * n)).map { _ in random.uniform(-1, 1) }
        for transposedA in [false, true] { for accumulate in [false, true] { for transposedB in [false, true] {
            // A stored as [m, k] or as its transpose [k, m]; B as [k, n] or as Wᵀ with W [n, k].
            let aStore = transposedA ? (0..<(k * m)).map { i in a[(i % m) * k + i / m] } : a
            let bStore = transposedB ? (0..<(n * k)).map { i in b[(i % k) * n + i / k] } : b
            var c = start
            aStore.withUnsafeBufferPointer { ap in bStore.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                let packed = transposedB
                    ? PackedMatrix(rows: k, columns: n, source: bp.baseAddress ?? UnsafePointer(bitPattern: 8)!, rowStride: 1, columnStride: k, scale: 0.5)
                    : PackedMatrix(rows: k, columns: n, source: bp.baseAddress ?? UnsafePointer(bitPattern: 8)!, rowStride: n, columnStride: 1, scale: 0.5)
                let base = ap.baseAddress ?? UnsafePointer(bitPattern: 8)!
                let matrix = transposedA ? StridedMatrix(base: base, rows: m, rowStride: 1, columnStride: m)
                                         : StridedMatrix(base: base, rows: m, rowStride: k)
                multiply(matrix, packed, into: cp.baseAddress!, ldc: n, accumulate: accumulate)
            }}}
            for i in 0..<m { for j in 0..<n {
                var expected = accumulate ? Double(start[i * n + j]) : 0
                for kk in 0..<k { expected += 0.5 * Double(a[i * k + kk]) * Double(b[kk * n + j]) }
                #expect(abs(Double(c[i * n + j]) - expected) < 1e-5, "m \(m) n \(n) k \(k) tA \(transposedA) tB \(transposedB) acc \(accumulate)")
            }}
        }}}
    }

    /// The AVX-512 kernels against the portable ones, bit for bit, over random shapes: 1 to 20
    /// rows, partial panels, K from 0 to 300, A read in place or transposed (through the copy),
    /// padded strides, accumulating or not; and a few large shapes cut into blocks on the pool.
    /// C's padding between rows must come back untouched.
    @Test(.needsAVX512)
    func avx512KernelsGiveThePortableBits() {
        var random = SeededRandom(seed: 17)
        var shapes = (0..<400).map { trial in
            (m: 1 + Int(random.next() % 20), n: 1 + Int(random.next() % 300), k: trial < 4 ? trial : Int(random.next() % 301))
        }
        shapes += [(1, 5000, 128), (1, 512, 300), (64, 1000, 128), (37, 130, 300), (20, 300, 260)]
        for (trial, (m, n, k)) in shapes.enumerated() {
            let transposed = trial % 2 == 1, accumulate = trial % 4 >= 2
            // A with room around its rows (or, transposed, its columns); C rows ldc = n + 3 apart.
            let padding = Int(random.next() % 3)
            let aStore = (0..<(max(m, k) * (max(m, k) + padding))).map { _ in random.uniform(-1, 1) }
            let ldc = n + 3
            let start = (0..<(m * ldc)).map { _ in random.uniform(-2, 2) }
            let b = (0..<(k * n)).map { _ in random.uniform(-1, 1) }
            var results: [[UInt32]] = []
            for kernels in [Kernels.portable, .avx512] {
                var c = start
                aStore.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                    let packed = PackedMatrix(rows: k, columns: n, source: bp.baseAddress ?? UnsafePointer(bitPattern: 8)!,
                                              rowStride: n, columnStride: 1)
                    let a = transposed
                        ? StridedMatrix(base: ap.baseAddress!, rows: m, rowStride: 1, columnStride: m + padding)
                        : StridedMatrix(base: ap.baseAddress!, rows: m, rowStride: k + padding)
                    multiply(a, packed, into: cp.baseAddress!, ldc: ldc, accumulate: accumulate, kernels: kernels)
                }}}
                results.append(c.map(\.bitPattern))
            }
            let differing = firstDifference(results[0], results[1])
            #expect(differing == nil, "m \(m) n \(n) k \(k) transposed \(transposed) accumulate \(accumulate): C[\(differing ?? 0)] differs")
            let paddingKept = (0..<m).allSatisfy { i in (n..<ldc).allSatisfy { results[1][i * ldc + $0] == start[i * ldc + $0].bitPattern } }
            #expect(paddingKept, "m \(m) n \(n) k \(k): C written past its columns")
        }
    }

    /// C = bias + A·B gives the bits of filling C with the bias and accumulating, on both kernel
    /// sets: one row, leftover rows, 12-row groups, partial panels, K = 0, transposed A, blocks on the pool.
    @Test func aBiasRowIsTheSameAsFillingAndAccumulating() {
        var random = SeededRandom(seed: 41)
        let shapes = [(1, 5, 3), (1, 300, 64), (7, 33, 0), (12, 40, 17), (13, 17, 9), (30, 70, 50), (64, 1000, 128), (40, 300, 260)]
        let sets: [Kernels] = Kernels.avx512Available ? [.portable, .avx512] : [.portable]
        for (trial, (m, n, k)) in shapes.enumerated() {
            let transposed = trial % 2 == 1
            let a = (0..<(m * max(k, 1))).map { _ in random.uniform(-1, 1) }
            let b = (0..<(k * n)).map { _ in random.uniform(-1, 1) }
            let bias = (0..<n).map { _ in random.uniform(-2, 2) }
            for kernels in sets {
                var filled = (0..<(m * n)).map { bias[$0 % n] }, given = [Float](repeating: .nan, count: m * n)
                a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in bias.withUnsafeBufferPointer { biasp in
                    let packed = PackedMatrix(rows: k, columns: n, source: bp.baseAddress ?? UnsafePointer(bitPattern: 8)!,
                                              rowStride: n, columnStride: 1)
                    let matrix = transposed ? StridedMatrix(base: ap.baseAddress!, rows: m, rowStride: 1, columnStride: m)
                                            : StridedMatrix(base: ap.baseAddress!, rows: m, rowStride: max(k, 1))
                    filled.withUnsafeMutableBufferPointer {
                        multiply(matrix, packed, into: $0.baseAddress!, ldc: n, accumulate: true, kernels: kernels)
                    }
                    given.withUnsafeMutableBufferPointer {
                        multiply(matrix, packed, into: $0.baseAddress!, ldc: n, accumulate: false, bias: biasp.baseAddress,
                                 kernels: kernels)
                    }
                }}}
                #expect(given.map(\.bitPattern) == filled.map(\.bitPattern), "m \(m) n \(n) k \(k) \(kernels)")
            }
        }
    }

    /// Packing a matrix read across its rows (a transposed weight; gathers on AVX-512) puts every
    /// value where the panels say, scaled, with zeros past the last column.
    @Test(arguments: [(1, 1), (3, 17), (128, 37), (64, 300)])
    func packingATransposeLaysOutThePanels(rows: Int, columns: Int) {
        var random = SeededRandom(seed: UInt64(rows * 7 + columns))
        let w = Tensor(shape: [columns, rows], values: (0..<(rows * columns)).map { _ in random.uniform(-1, 1) })
        let packed = w.values.withUnsafeBufferPointer {
            PackedMatrix(rows: rows, columns: columns, source: $0.baseAddress!, rowStride: 1, columnStride: rows, scale: 0.75)
        }
        let panels = (columns + 15) / 16
        var wrong = 0
        withExtendedLifetime(packed.storage) {
            for p in 0..<panels { for k in 0..<rows { for j in 0..<16 {
                let column = 16 * p + j
                let expected = column < columns ? 0.75 * w.values[column * rows + k] : 0
                if packed.panels[(p * rows + k) * 16 + j].bitPattern != expected.bitPattern { wrong += 1 }
            } } }
        }
        #expect(wrong == 0)
    }

    /// The whole engine on either kernel: training steps of an LSTM (forward, BPTT, the head's
    /// products, Adam) leave the same model, bit for bit.
    @Test(.needsAVX512)
    func trainingIsTheSameOnEitherKernel() {
        let original = Kernels.current
        defer { Kernels.current = original }
        var models: [[[UInt32]]] = []
        for kernels in [Kernels.portable, .avx512] {
            Kernels.current = kernels
            let parameters = trainOneEpoch(cell: .lstm, embedding: 24, hidden: 40, vocabulary: 300, sentences: 16, shortest: 6,
                                           spread: 12, seed: 8, batchSize: 8, bpttLength: 9)
            models.append(parameters.named.map { $0.tensor.values.map(\.bitPattern) })
        }
        let differing = models[0].indices.filter { models[0][$0] != models[1][$0] }
        #expect(differing.isEmpty, "parameter tensors \(differing) differ")
    }

    /// One sequence of a small LSTM walks forward in one C call on AVX-512: its records, and the
    /// adjoints and parameter gradients that follow from them, keep the Swift loop's bits, for
    /// hidden sizes on both sides of 16 and up to 128, one layer or two, from a zero state or a
    /// given one, with the loss at the last step or before it.
    @Test(.needsAVX512)
    func theLSTMWalksGiveThePortableBits() {
        let original = Kernels.current
        defer { Kernels.current = original }
        for (hidden, layers, steps, fromState, lossStep) in [(13, 1, 7, false, 6), (40, 2, 9, true, 4), (128, 1, 5, true, 4),
                                                              (16, 1, 1, false, 0)] {
            let arch = Architecture(cell: .lstm, inputSize: 6, hiddenSize: hidden, layerCount: layers, outputSize: 50,
                                    vocabularySize: 50)
            let network = RecurrentNetwork(architecture: arch, seed: UInt64(hidden))
            var random = SeededRandom(seed: UInt64(steps))
            let ids = (0..<steps).map { _ in Int(random.next() % 50) }
            let state = fromState ? RecurrentState(hidden: (0..<layers).map { _ in (0..<hidden).map { _ in random.uniform(-1, 1) } },
                                                   cell: (0..<layers).map { _ in (0..<hidden).map { _ in random.uniform(-2, 2) } })
                                  : nil
            var results: [[UInt32]] = []
            for kernels in [Kernels.portable, .avx512] {
                Kernels.current = kernels
                let weights = network.packedWeights()
                let forward = network.forward(.tokens([ids]), initialState: state, packed: weights)
                let gradients = network.backward(forward, loss: .crossEntropy([.init(step: lossStep, label: 7)]), packed: weights)
                let records = forward.layers.flatMap { $0.hidden + $0.cellState + $0.gates }
                let adjoints = gradients.hiddenAdjoints.flatMap { $0 } + gradients.cellAdjoints.flatMap { $0 }
                let parameterGradients = gradients.parameters!.named.flatMap(\.tensor.values)
                results.append((records + adjoints + parameterGradients + [gradients.loss]).map(\.bitPattern))
            }
            let differing = firstDifference(results[0], results[1])
            #expect(differing == nil, "H \(hidden), \(layers) layers, \(steps) steps: value \(differing ?? 0) differs")
        }
    }

    /// Adam's update on 16 lanes against the Swift loop: parameters and both moments keep their
    /// bits over several steps, with and without a clipping factor, on tensors of every tail length.
    @Test(.needsAVX512)
    func adamGivesThePortableBits() {
        let arch = Architecture(cell: .gru, inputSize: 7, hiddenSize: 13, layerCount: 1, outputSize: 29, vocabularySize: 29)
        var results: [[[UInt32]]] = []
        for kernels in [Kernels.portable, .avx512] {
            var stepRandom = SeededRandom(seed: 31)   // the same gradients for both
            var parameters = Parameters(randomFor: arch, seed: 5)
            var adam = Adam(for: arch, learningRate: 0.01)
            for step in 0..<4 {
                var gradients = Parameters(zerosFor: arch)
                gradients.forEachTensor { _, t in
                    for i in t.values.indices { t.values[i] = stepRandom.uniform(-3, 3) * (i % 5 == 0 ? 1e-6 : 1) }
                }
                adam.update(&parameters, with: gradients, gradientScale: step % 2 == 0 ? nil : 0.37, kernels: kernels)
            }
            results.append([parameters, adam.firstMoment, adam.secondMoment].flatMap { $0.named.map { $0.tensor.values.map(\.bitPattern) } })
        }
        let differing = results[0].indices.filter { results[0][$0] != results[1][$0] }
        #expect(differing.isEmpty, "tensors \(differing) differ")
    }

    /// The softmax, log-sum-exp, maximum and top 5 on AVX-512 against the 8-lane Swift loops: the
    /// same bits for rows of every length from 1 to 300 (every tail), a 5,000-word row, a sweep of
    /// the exponent from 0 down past the underflow at −87.3, rows with NaN, ±∞ and signed zeros.
    @Test(.needsAVX512)
    func avx512SoftmaxGivesThePortableBits() {
        var random = SeededRandom(seed: 23)
        var rows: [[Float]] = (1...300).map { n in (0..<n).map { _ in random.uniform(-1, 1) * (n % 3 == 0 ? 120 : 8) } }
        rows.append((0..<5000).map { _ in random.uniform(-30, 30) })
        rows.append((0..<100_000).map { -Float($0) / 1000 })
        rows += [[1, .nan, 2], [.infinity, 1, 2], [-.infinity, -.infinity], [-.infinity, 0, 3, -.infinity], [0, -0.0, -0.0],
                 [Float](repeating: -.infinity, count: 20) + [5], [-.greatestFiniteMagnitude, .greatestFiniteMagnitude]]
        // NaN inside a chunk of 16 and in the tail; ties across chunks; zeros of both signs across them;
        // NaNs that belong in the top 5 (too few numbers).
        rows += [(0..<40).map { $0 == 21 ? .nan : Float($0 % 7) }, (0..<37).map { $0 == 35 ? .nan : 1 },
                 (0..<64).map { $0 % 2 == 0 ? -0.0 : 0 }, (0..<64).map { $0 / 16 % 2 == 0 ? -0.0 : 0 }, (0..<50).map { _ in 2 },
                 (0..<18).map { $0 < 16 ? .nan : Float($0) },
                 // A zero maximum met as −0 in one chunk and +0 in a later one another of the
                 // C kernel's running maxima holds.
                 (0..<80).map { $0 == 16 ? -0.0 : $0 == 64 ? 0 : -1 }]
        for row in rows {
            var results: [[UInt32]] = []
            for kernels in [Kernels.portable, .avx512] {
                var out = [Float](repeating: 0, count: row.count)
                let (logNormalizer, logSum) = row.withUnsafeBufferPointer { x in
                    out.withUnsafeMutableBufferPointer { o in
                        (softmax(x.baseAddress!, x.count, into: o.baseAddress!, scaledBy: 0.7, kernels: kernels),
                         logSumExp(x.baseAddress!, x.count, kernels: kernels))
                    }
                }
                let (largest, top, topMaximum) = row.withUnsafeBufferPointer {
                    (maximum($0.baseAddress!, $0.count, kernels: kernels), topIndices($0, k: 5, kernels: kernels),
                     topIndicesAndMaximum($0, k: 5, kernels: kernels).maximum)
                }
                // The top five's maximum may differ from `maximum`'s in the sign of a zero only, which
                // log Σ exp does not see.
                let shiftedByTop = row.withUnsafeBufferPointer {
                    logSumExp($0.baseAddress!, $0.count, knownMaximum: topMaximum, kernels: kernels)
                }
                #expect(topMaximum == largest || topMaximum.isNaN && largest.isNaN, "row \(row.prefix(3))…")
                #expect(shiftedByTop.bitPattern == logSum.bitPattern, "row \(row.prefix(3))…")
                // The maximum itself is compared as a number: a zero maximum's sign may differ
                // (the kernels compare in different orders), which the sums above do not see.
                results.append(out.map(\.bitPattern) + [logNormalizer.bitPattern, logSum.bitPattern,
                                                         largest.isNaN ? Float.nan.bitPattern : largest == 0 ? 0 : largest.bitPattern]
                               + top.map { UInt32($0) })
            }
            let differing = firstDifference(results[0], results[1])
            #expect(differing == nil, "row of \(row.count) (\(row.prefix(3))…): value \(differing ?? 0) differs")
        }
    }

    /// exp on 16 lanes against exp8, argument by argument over its whole range and just past both
    /// ends (the C kernel scales by 2ⁿ in one instruction where Swift builds 2ⁿ from bits): each
    /// one-value row's log Σ exp is log exp(x − m), so a differing exp shows.
    @Test(.needsAVX512)
    func expGivesThePortableBitsOverItsWholeRange() {
        let shift: Float = -3
        var differing: [Float] = []
        for i in 0..<13_000 {
            let argument = -87.6 + Float(i) * 0.01355   // −87.6 … 88.54
            let row = [argument + shift]
            let results = [Kernels.portable, .avx512].map { kernels in
                row.withUnsafeBufferPointer { logSumExp($0.baseAddress!, 1, knownMaximum: shift, kernels: kernels).bitPattern }
            }
            if results[0] != results[1] { differing.append(argument) }
        }
        #expect(differing.isEmpty, "exp differs at \(differing.prefix(5))")
    }

    /// The LSTM step on 16 lanes against the 8-lane Swift chunks: gates, c_t, tanh(c_t) and h_t keep
    /// their bits for every tail of the hidden size, with pre-activations past exp's range, NaN, ±∞,
    /// signed zeros and tiny negatives (where tanh's sign flip must give −0, not +0).
    @Test(.needsAVX512)
    func avx512LSTMStepGivesThePortableBits() {
        let special: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, -1e-30, 1e-30, 100, -100, 88.5, -88.5, 44.2, -44.2]
        var random = SeededRandom(seed: 41)
        for hidden in [1, 7, 8, 15, 16, 17, 33, 40] {
            let batch = 3, count = batch * 4 * hidden
            let values = { (scale: Float) in
                (0..<count).map { i in i % 5 == 0 ? special[(i / 5) % special.count] : random.uniform(-scale, scale) }
            }
            let input = values(6), recurrent = values(3), previous = (0..<(batch * hidden)).map { i in
                i % 4 == 0 ? special[i % special.count] : random.uniform(-2, 2)
            }
            var results: [[UInt32]] = []
            for avx512 in [false, true] {
                var gates = [Float](repeating: 0, count: count), outputs = [Float](repeating: 0, count: 3 * batch * hidden)
                input.withUnsafeBufferPointer { x in recurrent.withUnsafeBufferPointer { r in previous.withUnsafeBufferPointer { c in
                    gates.withUnsafeMutableBufferPointer { g in outputs.withUnsafeMutableBufferPointer { o in
                        let step = StepForward(batch: batch, hidden: hidden, inputProjection: x.baseAddress!,
                                               hiddenProjection: r.baseAddress!, previousHidden: c.baseAddress!,
                                               previousCell: c.baseAddress!, gates: g.baseAddress!,
                                               hiddenOut: o.baseAddress!, cellOut: o.baseAddress! + batch * hidden,
                                               extra: o.baseAddress! + 2 * batch * hidden)
                        if avx512 { LSTMCell.forward(step) } else { LSTMCell.forwardChunks(step) }
                    } }
                } } }
                results.append((gates + outputs).map(\.bitPattern))
            }
            let differing = firstDifference(results[0], results[1])
            #expect(differing == nil, "hidden \(hidden): value \(differing ?? 0) differs")
        }
    }

    /// log Σ exp of many rows worked into one-row products: each row keeps the bits of
    /// `logSumExp(row, knownMaximum:)` however the products split the work (rows of every tail,
    /// a row with no whole chunk, NaN and infinite maxima, products of 1 to 8 panels and depths that
    /// end mid-block), and every product keeps the bits of the plain one-row kernel.
    @Test(.needsAVX512)
    func logSumExpRowsWorkedIntoProductsKeepTheirBits() {
        var random = SeededRandom(seed: 19)
        for width in [1, 8, 9, 15, 16, 17, 25, 40, 333, 5000] {
            var rows: [[Float]] = (0..<9).map { _ in (0..<width).map { _ in random.uniform(-30, 30) } }
            rows[2][width / 2] = .nan
            rows[4][0] = .infinity
            rows[6] = [Float](repeating: -.infinity, count: width)
            let maxima = rows.map { row in row.withUnsafeBufferPointer { topIndicesAndMaximum($0, k: 5).maximum } }
            let expected = zip(rows, maxima).map { row, m in
                row.withUnsafeBufferPointer { logSumExp($0.baseAddress!, width, knownMaximum: m).bitPattern }
            }
            for (panels, k) in [(8, 512), (1, 28), (3, 37), (8, 5), (5, 0)] {
                let columns = 16 * panels - 3
                let packed = PackedMatrix(rows: k, columns: columns,
                                          source: (0..<(k * columns)).map { _ in random.uniform(-1, 1) },
                                          rowStride: columns, columnStride: 1)
                let a = (0..<max(k, 1)).map { _ in random.uniform(-1, 1) }
                let flat = rows.flatMap { $0 }
                let got: [UInt32] = flat.withUnsafeBufferPointer { x in
                    let sums = LogSumExpRows(rows: rows.indices.map { x.baseAddress! + $0 * width }, width: width, maxima: maxima)
                    for call in 0..<7 {   // a few products, not enough for every row
                        var plain = [Float](repeating: Float(call), count: columns), fused = plain
                        rnn_avx512_row(a, 1, packed.panels, k, &plain, Int32(columns), 1, nil)
                        rnn_avx512_row_alongside(a, 1, packed.panels, k, &fused, Int32(columns), 1, sums.job)
                        #expect(plain.map(\.bitPattern) == fused.map(\.bitPattern), "product, \(panels) panels, k = \(k)")
                    }
                    return sums.values().map(\.bitPattern)
                }
                #expect(got == expected, "width \(width), \(panels) panels, k = \(k)")
            }
        }
    }

    @Test func vectorNonlinearitiesMatchLibm() {
        var worst = (exp: 0.0, tanh: 0.0, sigmoid: 0.0)
        for i in -20000...20000 {
            let x = Float(i) / 1000
            let e = Foundation.exp(Double(x))
            worst.exp = max(worst.exp, abs(Double(exponential(x)) - e) / e)
            worst.tanh = max(worst.tanh, abs(Double(hyperbolicTangent(x)) - Foundation.tanh(Double(x))))
            worst.sigmoid = max(worst.sigmoid, abs(Double(sigmoid(x)) - 1 / (1 + Foundation.exp(-Double(x)))))
        }
        #expect(worst.exp < 4e-7)
        #expect(worst.tanh < 2e-7)
        #expect(worst.sigmoid < 2e-7)
        #expect(exponential(100) == .infinity)
        #expect(exponential(-100) == 0)
        #expect(exponential(.nan).isNaN)
        #expect(hyperbolicTangent(.infinity) == 1)
        #expect(hyperbolicTangent(-.infinity) == -1)
        #expect(hyperbolicTangent(.nan).isNaN)
        #expect(sigmoid(-.infinity) == 0 && sigmoid(.infinity) == 1)
    }

    /// The head row pass's weighted panels: 16 lanes in C against two of 8 in Swift.
    @Test(.needsAVX512)
    func weightedPanelsGiveThePortableBits() {
        var random = SeededRandom(seed: 12)
        for (k, count) in [(1, 1), (5, 3), (33, 4), (128, 4)] {
            let panels = (0..<(count * k * 16)).map { _ in random.uniform(-3, 3) }
            let weights = (0..<(count * 16)).map { _ in random.uniform(0, 1) }
            let start = (0..<(k * 16)).map { _ in random.uniform(-1, 1) }
            let results = [Kernels.portable, .avx512].map { kernels in
                var sums = start
                sums.withUnsafeMutableBufferPointer { s in
                    addWeightedPanels(into: s.baseAddress!, panels: panels, k: k, count: count, weights: weights, kernels: kernels)
                }
                return sums.map(\.bitPattern)
            }
            #expect(results[0] == results[1], "k = \(k), \(count) panels")
        }
    }

    /// A walk's one-row products read W_hh's panels from the far end on every other step, in calls
    /// of four and eight panels: each sum is the same as the portable kernels' from the near end,
    /// for widths that end inside a call, with a bias, added onto C or written over it, and for
    /// a product large enough that the worker pool shares it out in blocks.
    @Test(arguments: [(128, 512), (33, 300), (7, 16), (64, 129), (16, 1_000), (40, 392), (1_024, 1_000)])
    func aOneRowProductFromTheEndIsTheSame(k: Int, columns: Int) {
        var random = SeededRandom(seed: UInt64(k * columns))
        let b = Tensor(shape: [columns, k], values: (0..<(k * columns)).map { _ in random.uniform(-1, 1) })
        let packed = PackedMatrix(transposing: b)
        let a = (0..<k).map { _ in random.uniform(-1, 1) }
        let bias = (0..<columns).map { _ in random.uniform(-1, 1) }
        let kernels: [Kernels] = Kernels.current == .avx512 ? [.portable, .avx512] : [.portable]
        for (withBias, accumulate) in [(false, false), (false, true), (true, false)] {
            let results = kernels.flatMap { kernels in [false, true].map { fromTheEnd in
                var c = [Float](repeating: 0.25, count: columns)
                a.withUnsafeBufferPointer { ap in
                    bias.withUnsafeBufferPointer { bp in
                        c.withUnsafeMutableBufferPointer { cp in
                            multiply(StridedMatrix(base: ap.baseAddress!, rows: 1, rowStride: k), packed, into: cp.baseAddress!,
                                     ldc: columns, accumulate: accumulate, bias: withBias ? bp.baseAddress! : nil,
                                     fromTheEnd: fromTheEnd, kernels: kernels)
                        }
                    }
                }
                return c.map(\.bitPattern)
            } }
            for result in results.dropFirst() {
                #expect(result == results[0], "k \(k), \(columns) columns, bias \(withBias), accumulate \(accumulate)")
            }
        }
    }

    /// The head pass in C, group by group (products, the pass row's online softmax and its
    /// weighted panels), against the Swift loop: every logit and every expectation bit for bit,
    /// for one row and many, heads that end inside a panel, logits hundreds apart (the running
    /// largest grows and what was summed is scaled down), a NaN in the pass row, and logits given.
    @Test(.needsAVX512)
    func headPassGivesThePortableBits() {
        var random = SeededRandom(seed: 31)
        for (rows, k, n, spread) in [(1, 5, 17, 1), (1, 64, 1_500, 40), (5, 3, 100, 1), (13, 16, 1_100, 40), (28, 9, 200, 1), (30, 7, 333, 1),
                                     (64, 128, 5_000, 1), (64, 33, 2_100, 60)] as [(Int, Int, Int, Float)] {
            let w = Tensor(shape: [n, k], values: (0..<(n * k)).map { _ in spread * random.uniform(-1, 1) })
            let head = PackedMatrix(transposing: w)
            let bias = (0..<n).map { _ in random.uniform(-1, 1) }
            let hidden = (0..<(rows * k)).map { _ in random.uniform(-1, 1) }
            for passRow in Set([0, rows / 2, rows - 1]) {
                let results = [Kernels.portable, .avx512].map { kernels in
                    var logits = [Float](repeating: 0, count: rows * n)
                    let expectation = hidden.withUnsafeBufferPointer { h in
                        logits.withUnsafeMutableBufferPointer {
                            headPass(hidden: h.baseAddress!, rows: rows, passRow: passRow, head: head, bias: bias,
                                     into: $0.baseAddress!, computeLogits: true, kernels: kernels)
                        }
                    }
                    // Given logits (one with a NaN): only the weighted sums are computed.
                    var given = logits
                    given[passRow * n + n / 2] = .nan
                    let withNaN = hidden.withUnsafeBufferPointer { h in
                        given.withUnsafeMutableBufferPointer {
                            headPass(hidden: h.baseAddress!, rows: rows, passRow: passRow, head: head, bias: bias,
                                     into: $0.baseAddress!, computeLogits: false, kernels: kernels)
                        }
                    }
                    return (logits.map(\.bitPattern), expectation.map(\.bitPattern), withNaN.map(\.isNaN))
                }
                let shape = "rows \(rows), k \(k), n \(n), pass row \(passRow)"
                #expect(firstDifference(results[0].0, results[1].0) == nil, "logits: \(shape)")
                #expect(firstDifference(results[0].1, results[1].1) == nil, "expectation: \(shape)")
                #expect(results[0].2 == results[1].2 && results[1].2.allSatisfy { $0 }, "NaN: \(shape)")
            }
        }
    }

    /// The head pass notes each row's largest logit in every 64 outputs, and the top k read from
    /// those groups alone are the plain scan's, with either kernel: columns that tie (a head with
    /// repeated rows), NaN, +inf and −inf outputs (through the bias), a row of NaN (its hidden
    /// state), heads shorter than k or ending inside a group, and several shards.
    @Test(.needsAVX512)
    func headPassRanksEveryRowAsThePlainScan() {
        var random = SeededRandom(seed: 41)
        for (rows, k, n) in [(1, 7, 3), (3, 5, 64), (5, 8, 65), (14, 16, 700), (30, 4, 1_100), (64, 32, 2_100)] {
            for kind in 0..<4 {
                // kind 1: outputs in runs of three equal columns; 2: NaN, ±inf and tied biases; 3: also a NaN row.
                var columns = (0..<n).map { _ in (0..<k).map { _ in random.uniform(-1, 1) } }
                if kind >= 1 { for j in 0..<n where j % 3 != 0 { columns[j] = columns[j - j % 3] } }
                let head = PackedMatrix(transposing: Tensor(shape: [n, k], values: columns.flatMap { $0 }))
                let bias: [Float] = (0..<n).map { j in
                    guard kind >= 2 else { return kind == 1 ? 0 : random.uniform(-1, 1) }
                    switch j % 97 { case 5: return .nan; case 50: return .infinity; case 70: return -.infinity; default: return 0 }
                }
                var hidden = (0..<(rows * k)).map { _ in random.uniform(-1, 1) }
                if kind == 3 { hidden[(rows / 2) * k] = .nan }
                for kernels in [Kernels.portable, .avx512] {
                    let groups = (n + 63) / 64
                    var logits = [Float](repeating: 0, count: rows * n)
                    var maxima = [Float](repeating: 0, count: rows * groups)
                    hidden.withUnsafeBufferPointer { h in
                        logits.withUnsafeMutableBufferPointer { out in
                            maxima.withUnsafeMutableBufferPointer {
                                _ = headPass(hidden: h.baseAddress!, rows: rows, passRow: 0, head: head, bias: bias,
                                             into: out.baseAddress!, computeLogits: true, groupMaxima: $0.baseAddress, kernels: kernels)
                            }
                        }
                    }
                    for row in 0..<rows {
                        let shape = "rows \(rows), k \(k), n \(n), kind \(kind), \(kernels), row \(row)"
                        let values = logits[(row * n)..<((row + 1) * n)]
                        let plain = values.withUnsafeBufferPointer { topIndicesAndMaximum($0, k: 5, kernels: .portable) }
                        for take in [1, 5, 17] {
                            for ranking in [Kernels.portable, .avx512] {
                                let byGroups = values.withUnsafeBufferPointer { v in
                                    maxima.withUnsafeBufferPointer {
                                        topIndicesAndMaximum(v, k: take, groupMaxima: $0.baseAddress! + row * groups, kernels: ranking)
                                    }
                                }
                                let expected = values.withUnsafeBufferPointer { topIndicesAndMaximum($0, k: take, kernels: .portable) }
                                #expect(byGroups.indices == expected.indices, "k \(take), ranked by \(ranking): \(shape)")
                                #expect(byGroups.maximum.bitPattern == plain.maximum.bitPattern
                                        || byGroups.maximum.isNaN && plain.maximum.isNaN, "maximum: \(shape)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// The top-k scan in C (a first bound from each lane's largest value, then 64 values a test)
    /// against the Swift loop: rows of every length around the chunk sizes, many ties, NaNs.
    @Test(.needsAVX512)
    func topKScanGivesThePortableResult() {
        var random = SeededRandom(seed: 77)
        for n in [1, 3, 5, 15, 16, 17, 63, 64, 65, 130, 1_000] {
            for k in [1, 5, 16, 17] {
                for kind in 0..<3 {
                    let row: [Float] = (0..<n).map { i in
                        let v = random.uniform(-5, 5)
                        switch kind {
                        case 0: return v
                        case 1: return v.rounded()   // ties everywhere
                        default: return i % 11 == 3 ? .nan : v.rounded(.down)
                        }
                    }
                    let results = [Kernels.portable, .avx512].map { kernels in
                        row.withUnsafeBufferPointer { topIndicesAndMaximum($0, k: k, kernels: kernels) }
                    }
                    #expect(results[0].indices == results[1].indices, "n = \(n), k = \(k), kind \(kind)")
                    #expect(results[0].maximum.bitPattern == results[1].maximum.bitPattern
                            || results[0].maximum.isNaN && results[1].maximum.isNaN, "n = \(n), k = \(k), kind \(kind)")
                }
            }
        }
    }

    /// A loss without its gradient takes log Σ exp the way softmax sums it: the same bits as the
    /// value softmax returns, with both kernels, for widths around the chunks and rows with ±inf.
    @Test func theLossAloneSumsAsSoftmaxDoes() {
        var random = SeededRandom(seed: 31)
        for width in [1, 7, 8, 9, 16, 17, 100, 5_000] {
            var x = (0..<width).map { _ in random.uniform(-20, 20) }
            for kernels in [Kernels.portable, .avx512] where kernels == .portable || Kernels.avx512Available {
                for variant in 0..<3 {
                    if variant == 1 { x[width / 2] = .infinity }
                    if variant == 2 { x[width / 2] = -.infinity }
                    var out = [Float](repeating: 0, count: width)
                    let withSoftmax = x.withUnsafeBufferPointer { v in
                        out.withUnsafeMutableBufferPointer { softmax(v.baseAddress!, width, into: $0.baseAddress!, kernels: kernels) }
                    }
                    let alone = x.withUnsafeBufferPointer { softmaxLogSum($0.baseAddress!, width, kernels: kernels) }
                    #expect(alone.bitPattern == withSoftmax.bitPattern || alone.isNaN && withSoftmax.isNaN,
                            "width \(width), \(kernels), variant \(variant)")
                }
            }
        }
    }

    /// Ranking many rows at once (sixteen rows' floors in one pass) gives each row's plain scan:
    /// rows past a multiple of 16, rows with NaN (the plain scan, NaN maximum), rows of −inf,
    /// ties, rows with fewer groups than k, and k from 1 to 16, with both kernels.
    @Test func rankedRowsAreEachRowsPlainScan() {
        var random = SeededRandom(seed: 29)
        for (rows, width) in [(1, 7), (5, 64), (17, 300), (33, 1_000), (64, 5_000)] {
            var x = (0..<(rows * width)).map { _ in Float(Int(random.uniform(0, 40))) / 8 }   // many ties
            if rows > 3 {
                x[2 * width + width / 3] = .nan
                for j in 0..<width { x[3 * width + j] = -.infinity }
                x[1 * width] = .infinity
            }
            let groups = headGroupCount(width)
            let maxima: [Float] = (0..<rows).flatMap { r in
                (0..<groups).map { g -> Float in
                    let part = x[(r * width + 64 * g)..<(r * width + min(64 * g + 64, width))]
                    return part.contains { $0.isNaN } ? .nan : part.max()!
                }
            }
            // The same rows 9 values apart, with +inf between them that must never be read.
            let stride = width + 9
            let spaced = (0..<rows).flatMap { r in x[(r * width)..<((r + 1) * width)] + repeatElement(.infinity, count: 9) }
            for k in [1, 3, 5, 8, 16] {
                for kernels in [Kernels.portable, .avx512] where kernels == .portable || Kernels.avx512Available {
                    for (values, rowStride) in [(x, width), (spaced, stride)] {
                        let ranked = values.withUnsafeBufferPointer { v in
                            maxima.withUnsafeBufferPointer {
                                RankedRows(v.baseAddress!, rows: rows, width: width, rowStride: rowStride,
                                           groupMaxima: $0.baseAddress!, k: k, kernels: kernels)
                            }
                        }
                        for r in 0..<rows {
                            let plain = x[(r * width)..<((r + 1) * width)].withUnsafeBufferPointer { topIndicesAndMaximum($0, k: k, kernels: .portable) }
                            let shape = "\(rows) rows of \(width) (\(rowStride) apart), k \(k), \(kernels), row \(r)"
                            #expect(Array(ranked.indices(r)) == plain.indices, "\(shape)")
                            #expect(ranked.maxima[r].bitPattern == plain.maximum.bitPattern
                                    || ranked.maxima[r].isNaN && plain.maximum.isNaN, "maximum: \(shape)")
                        }
                    }
                }
            }
        }
    }

    /// Each step's norm from the gathering kernel has the bits of the portable loop's own chain
    /// (Σ x² in Double, in unit order), for step counts on both sides of its 8 and 32 lanes,
    /// tiny values whose squares only Double keeps, and infinities and NaN.
    @Test(.needsAVX512)
    func stepNormsGiveThePortableBits() {
        var random = SeededRandom(seed: 23)
        for (steps, width) in [(1, 1), (7, 37), (8, 128), (9, 5), (33, 64), (64, 128), (70, 3)] {
            var x = (0..<(steps * width)).map { _ in random.uniform(-2, 2) * (random.uniform(0, 1) < 0.1 ? 1e-25 : 1) }
            if steps > 5 { x[2 * width] = .infinity; x[5 * width + width / 2] = .nan }
            let norms = x.withUnsafeBufferPointer { p in
                [Kernels.portable, .avx512].map { stepNorms(p.baseAddress!, steps: steps, width: width, kernels: $0) }
            }
            #expect(norms[0].map(\.bitPattern) == norms[1].map(\.bitPattern), "\(steps) steps of \(width)")
            #expect(norms[0].count == steps)
        }
    }

    @Test func topIndicesBreakTiesTowardTheLowerIndexAndRankNaNLast() {
        let values: [Float] = [0.1, 0.3, .nan, 0.3, 0.05, 0.3]
        #expect(topIndices(values[...], k: 5) == [1, 3, 5, 0, 4])
        #expect(topIndices(values[...], k: 10) == [1, 3, 5, 0, 4, 2])
        #expect(topIndices([Float.nan, .nan][...], k: 1) == [0])
    }
}

/// Where two lists of bit patterns first differ (the shorter one's end if one is a prefix of the other).
func firstDifference(_ a: [UInt32], _ b: [UInt32]) -> Int? {
    zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? (a.count == b.count ? nil : min(a.count, b.count))
}

extension Trait where Self == ConditionTrait {
    /// For a test that compares the AVX-512 kernels with the portable ones.
    static var needsAVX512: Self {
        .enabled(if: Kernels.avx512Available, "skipped: this CPU or its OS lacks AVX-512, only the portable kernels run here")
    }
}
