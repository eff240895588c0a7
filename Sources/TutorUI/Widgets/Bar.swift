/// A horizontal bar for a value in [0, 1], drawn in eighths of a cell with
/// Unicode blocks, or in whole cells of "#" in ASCII mode.
public enum Bar {
    /// The characters of a bar `width` cells long at `fraction` of full.
    public static func text(_ fraction: Double, width: Int, ascii: Bool) -> String {
        let clamped = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        if ascii { return String(repeating: "#", count: Int((clamped * Double(width)).rounded())) }
        let eighthsTotal = Int((clamped * Double(width) * 8).rounded())
        return String(repeating: BlockGlyphs.full, count: eighthsTotal / 8) + BlockGlyphs.widening[eighthsTotal % 8]
    }
}
