import Foundation

/// Every number the screens show, in one family of formats, and counted nouns.
/// Non-finite values are always spelled "NaN", "inf" and "-inf".
enum Numbers {
    static func nonFinite(_ x: Double) -> String? {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return nil
    }

    /// A panel value: three decimals, or "1.2e-4" when that would hide it or run long.
    static func value(_ x: Float) -> String {
        if let special = nonFinite(Double(x)) { return special }
        let magnitude = abs(x)
        if magnitude != 0 && (magnitude < 0.001 || magnitude >= 10000) {
            let exponent = Int(log10(Double(magnitude)).rounded(.down))
            let mantissa = Double(x) / pow(10, Double(exponent))
            return String(format: "%.1fe%d", mantissa, exponent)
        }
        return String(format: "%.3f", x)
    }

    /// A gradient norm with two significant digits ("2.1e-05"), "0" for zero.
    static func scientific(_ x: Float) -> String {
        if let special = nonFinite(Double(x)) { return special }
        return x == 0 ? "0" : String(format: "%.1e", Double(x))
    }

    /// Only the order of magnitude ("3e-05"), for a number that changes every step; "–" before there is one.
    static func magnitude(_ x: Float?) -> String {
        guard let x else { return "–" }
        return nonFinite(Double(x)) ?? String(format: "%.0e", Double(x))
    }

    /// A log axis's decade label: "1" or "1e-3".
    static func decade(_ exponent: Int) -> String { exponent == 0 ? "1" : "1e\(exponent)" }

    /// A linear axis label or a setting: one decimal from 1 up, two below ("0.30", "1.5").
    static func tick(_ x: Float) -> String { nonFinite(Double(x)) ?? String(format: x >= 1 ? "%.1f" : "%.2f", x) }

    /// A knob's value with two decimals ("1.25").
    static func setting(_ x: Float) -> String { nonFinite(Double(x)) ?? String(format: "%.2f", x) }

    /// A probability as a percentage, six columns wide so a column of them lines up (" 72.4%").
    static func percent(_ p: Float) -> String {
        nonFinite(Double(p)).map { $0.leftPadded(to: 6) } ?? String(format: "%5.1f%%", p * 100)
    }

    /// A probability in running text: whole percent, one decimal below 1% ("0.4%"), "<0.1%" below that,
    /// so a sampled long shot never reads as a 0% chance.
    static func chance(_ p: Float) -> String {
        if let special = nonFinite(Double(p)) { return special }
        let percent = Double(p) * 100
        if percent >= 1 { return "\(Int(percent.rounded()))%" }
        return percent >= 0.1 ? String(format: "%.1f%%", percent) : "<0.1%"
    }

    /// Seconds of work, to a tenth ("3.2 s").
    static func seconds(_ s: Double) -> String { nonFinite(s) ?? String(format: "%.1f s", s) }

    /// A held-out error: four decimals, to tell 0.0040 from the 0.167 baseline at a glance.
    static func error(_ x: Float) -> String { nonFinite(Double(x)) ?? String(format: "%.4f", x) }
}

/// `counted(1, "card")` is "1 card", `counted(3, "card")` "3 cards"; `plural` for nouns that do not take an s.
public func counted(_ n: Int, _ noun: String, plural: String? = nil) -> String {
    "\(n) " + (n == 1 ? noun : plural ?? noun + "s")
}
