import Foundation

/// A small, fast generator with a fixed seed (SplitMix64), so that initial
/// weights, data order and dropout masks reproduce run after run.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// What each draw adds to the state.
    private static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The generator as it stands after `skip` draws from `seed`: each draw only adds a
    /// constant to the state, so a long stream can be cut into pieces drawn side by side.
    init(seed: UInt64, skipping skip: Int) { state = seed &+ UInt64(skip) &* Self.increment }

    public mutating func next() -> UInt64 {
        state &+= Self.increment
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * Float(next() >> 40) / Float(1 << 24)
    }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Float {
        let u1 = max(Double(next() >> 11) / Double(1 << 53), 1e-300)
        let u2 = Double(next() >> 11) / Double(1 << 53)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}
