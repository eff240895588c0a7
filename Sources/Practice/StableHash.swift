/// FNV-1a, 64 bits, over the UTF-8 bytes of a string: offset basis 0xcbf29ce484222325,
/// prime 0x100000001b3 (Fowler, Noll, Vo). The store turns a card's string id into the
/// `Int64` the scheduler seeds its fuzz with; the quiz seeds its shuffles with it. It never
/// changes between runs or platforms (unlike `Hasher`), so replaying a log is reproducible.
public enum StableHash {
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// The card id the scheduler uses for the card with string id `id`: its FNV-1a 64 hash,
    /// the same 64 bits read as a signed integer.
    public static func cardID(_ id: String) -> Int64 {
        Int64(bitPattern: fnv1a64(id))
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny seeded generator for shuffles and samples.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1) from the top 53 bits.
    mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
}
