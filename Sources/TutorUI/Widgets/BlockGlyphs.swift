/// The block characters every bar, spark and column is drawn with, in one table:
/// index n is n eighths of a cell filled.
enum BlockGlyphs {
    /// Filled from the bottom: " " (empty) … "█" (full), nine entries.
    static let rising = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    /// Filled from the left: "" (empty) … "▉" (seven eighths); a full cell is `full`.
    static let widening = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
    static let full = "█"

    /// The rising glyph for a fraction in [0, 1] of one cell, never empty (a sparkline point).
    static func spark(_ fraction: Float) -> String {
        let eighths = fraction.isFinite ? min(max(Int(fraction * 8), 0), 7) : (fraction > 0 ? 7 : 0)
        return rising[eighths + 1]
    }
}
