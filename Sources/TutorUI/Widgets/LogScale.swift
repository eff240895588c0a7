import Foundation

/// A base-10 logarithmic axis over the finite positive values of a series,
/// whole decades at each end, for plotting gradient norms that span many
/// orders of magnitude.
public struct LogScale: Equatable, Sendable {
    /// Exponents of the bottom and top decades.
    public let lowDecade: Int
    public let highDecade: Int

    public init?(values: [Float]) {
        let positive = values.filter { $0.isFinite && $0 > 0 }.map { log10(Double($0)) }
        guard let low = positive.min(), let high = positive.max() else { return nil }
        lowDecade = Int(low.rounded(.down))
        highDecade = max(Int(high.rounded(.up)), lowDecade + 1)
    }

    /// Where `value` sits, 0 at the bottom decade and 1 at the top (0 for zero or non-finite).
    public func position(_ value: Float) -> Double {
        guard value.isFinite, value > 0 else { return value == .infinity ? 1 : 0 }
        return (log10(Double(value)) - Double(lowDecade)) / Double(highDecade - lowDecade)
    }
}
