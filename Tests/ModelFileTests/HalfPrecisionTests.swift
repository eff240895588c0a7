import RNNCore
import Testing
@testable import ModelFile

/// F16 and BF16 widening and rounding, by known bit patterns and (for F16)
/// against Swift's own Float16 over every pattern.
@Suite struct HalfPrecisionTests {
    @Test(arguments: [
        (UInt16(0x3C00), Float(1)), (0xC000, -2), (0x7BFF, 65504), (0x0001, 0x1p-24), (0x03FF, 1023 * 0x1p-24),
        (0x0400, 0x1p-14), (0x3555, 0.33325195), (0x7C00, .infinity), (0xFC00, -.infinity), (0x0000, 0),
    ] as [(UInt16, Float)])
    func float16Widening(bits: UInt16, value: Float) {
        #expect(float(fromFloat16Bits: bits) == value)
    }

    @Test func float16SpecialPatterns() {
        #expect(float(fromFloat16Bits: 0x8000).bitPattern == (-Float(0)).bitPattern)
        #expect(float(fromFloat16Bits: 0x8001) == -0x1p-24)
        #expect(float(fromFloat16Bits: 0x7E00).isNaN && float(fromFloat16Bits: 0xFC01).isNaN)
    }

    @Test(arguments: [
        (UInt16(0x3F80), Float(1)), (0xC000, -2), (0x4049, 3.140625), (0x0001, Float(bitPattern: 0x0001_0000)),
        (0x7F80, .infinity), (0xFF80, -.infinity), (0x7F7F, Float(bitPattern: 0x7F7F_0000)),
    ] as [(UInt16, Float)])
    func bfloat16Widening(bits: UInt16, value: Float) {
        #expect(float(fromBFloat16Bits: bits) == value)
    }

    @Test func bfloat16NaNAndRounding() {
        #expect(float(fromBFloat16Bits: 0x7FC0).isNaN)
        #expect(bfloat16Bits(1) == 0x3F80)
        #expect(bfloat16Bits(Float(bitPattern: 0x3F80_8000)) == 0x3F80)  // tie, keep even
        #expect(bfloat16Bits(Float(bitPattern: 0x3F81_8000)) == 0x3F82)  // tie, round to even
        #expect(bfloat16Bits(Float(bitPattern: 0x3F80_8001)) == 0x3F81)
        #expect(bfloat16Bits(.greatestFiniteMagnitude) == 0x7F80)
        #expect(float(fromBFloat16Bits: bfloat16Bits(.nan)).isNaN)
        #expect(bfloat16Bits(-.infinity) == 0xFF80)
    }

    #if !(os(macOS) && arch(x86_64))
    @Test func float16MatchesSwiftFloat16OnEveryPattern() {
        for bits in UInt16.min...UInt16.max {
            let mine = float(fromFloat16Bits: bits)
            let swift = Float(Float16(bitPattern: bits))
            #expect(mine.bitPattern == swift.bitPattern || (mine.isNaN && swift.isNaN))
            if !mine.isNaN { #expect(float16Bits(mine) == bits) }
        }
    }

    @Test func float16RoundingMatchesSwiftFloat16() {
        var random = SeededRandom(seed: 11)
        let edges: [Float] = [65504, 65519.99, 65520, 1e-8, 0x1p-25, 0x1p-25 * 1.0001, 0x1p-24 * 1.5, 0x1p-24 * 2.5,
                              1 + 0x1p-11, 1 + 3 * 0x1p-11, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
        let samples = edges + edges.map { -$0 } + (0..<20_000).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: random.next())) }
        for value in samples where !value.isNaN {
            #expect(float16Bits(value) == Float16(value).bitPattern, "\(value)")
        }
        #expect(float(fromFloat16Bits: float16Bits(.nan)).isNaN)
    }
    #endif
}
