import Course
import Foundation

/// What every panel shares: a title, one line saying how to read it, and the
/// space left for its contents.
struct PanelFrame {
    static let titleStyle = Style(bold: true)
    static let captionStyle = Style(dim: true)

    /// Draws the title and caption at the top of `rect` (spelled in ASCII when
    /// asked, as FORMAT.md's table says); returns the rest.
    static func draw(_ title: String, caption: String, in rect: Rect, on grid: inout CellGrid, options: RenderOptions) -> Rect {
        guard rect.height > 0 else { return rect }
        grid.put(TextLayout.fitted(options.spell(title), rect.width), x: rect.x, y: rect.y, style: titleStyle, clip: rect)
        let afterTitle = rect.splitTop(1).rest
        guard afterTitle.height > 0 else { return afterTitle }
        grid.put(TextLayout.fitted(options.spell(caption), afterTitle.width), x: afterTitle.x, y: afterTitle.y,
                 style: captionStyle, clip: afterTitle)
        return afterTitle.splitTop(1).rest
    }
}

/// ASCII spelling of panel text: the lesson symbols, plus the arrows and dashes panels use.
func plain(_ text: String) -> String {
    asciiSpelling(text).replacingOccurrences(of: "↑↓", with: "up/down").replacingOccurrences(of: "← →", with: "left/right")
        .replacingOccurrences(of: "–", with: "-").replacingOccurrences(of: "…", with: "...")
        .replacingOccurrences(of: "▲▼", with: "^v")
}
