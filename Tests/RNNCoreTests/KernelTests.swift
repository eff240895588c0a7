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

    @Test func topIndicesBreakTiesTowardTheLowerIndexAndRankNaNLast() {
        let values: [Float] = [0.1, 0.3, .nan, 0.3, 0.05, 0.3]
        #expect(topIndices(values[...], k: 5) == [1, 3, 5, 0, 4])
        #expect(topIndices(values[...], k: 10) == [1, 3, 5, 0, 4, 2])
        #expect(topIndices([Float.nan, .nan][...], k: 1) == [0])
    }
}
