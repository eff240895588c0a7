import Testing
@testable import RNNCore

@Suite struct DropoutTests {
    /// The mask is drawn in pieces side by side; it must be the one stream drawn in order.
    @Test(arguments: [1, 16_384, 16_385, 100_000])
    func theMaskIsOneStreamDrawnInOrder(count: Int) {
        let dropout = Dropout(rate: 0.3, seed: 11)
        var random = SeededRandom(seed: 11 &* 0x9E37_79B9_7F4A_7C15 &+ 2)
        let expected = (0..<count).map { _ in random.uniform(0, 1) < 0.3 ? Float(0) : 1 / (1 - 0.3) }
        #expect(dropout.mask(count: count, stream: 2) == expected)
        let dropped = expected.filter { $0 == 0 }.count
        #expect(count < 1_000 || abs(Double(dropped) / Double(count) - 0.3) < 0.01)
    }

    /// Applying dropout draws the same mask and multiplies by it, each value rounded once,
    /// whether the pieces run on one thread or on several.
    @Test(arguments: [1, 16_385, 100_000])
    func applyingMultipliesByTheSameMask(count: Int) {
        let dropout = Dropout(rate: 0.3, seed: 5)
        var random = SeededRandom(seed: 9)
        let values = (0..<count).map { _ in random.uniform(-3, 3) }
        let mask = dropout.mask(count: count, stream: 1)
        for threads in [1, 3] {
            var dropped = values
            #expect(onThreads(threads) { dropout.apply(to: &dropped, stream: 1) } == mask)
            #expect(dropped == zip(values, mask).map { $0 * $1 })
        }
    }
}
