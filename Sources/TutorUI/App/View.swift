import Course
import Foundation
import Trace

/// The smallest screen that shows anything useful; below it, a request to enlarge.
public let minimumSize = (width: 40, height: 12)

/// Draws the whole screen for a state: a pure function, tested without a terminal.
public func view(_ state: TutorState) -> CellGrid {
    var grid = unfoldedView(state)
    if state.ascii { grid.foldToASCII() }
    return grid
}

/// The screen before the ASCII fold: under `--ascii` the screens spell their own text in
/// ASCII and leave only single glyphs the fold maps one for one (↑ to ^, █ to #…).
func unfoldedView(_ state: TutorState) -> CellGrid {
    var grid = CellGrid(width: state.width, height: state.height)
    guard state.width >= minimumSize.width && state.height >= minimumSize.height else {
        let message = TextLayout.wrap("Make the window larger: the tutor needs \(minimumSize.width)×\(minimumSize.height).",
                                      width: max(1, state.width))
        for (i, line) in message.prefix(state.height).enumerated() { grid.put(line, x: 0, y: i) }
        return grid
    }
    let (main, statusRow) = grid.bounds.splitTop(state.height - 1)
    switch state.screen {
    case .course: CourseScreen.draw(state, in: main, on: &grid)
    case .lesson: LessonScreen.draw(state, in: main, on: &grid)
    case .quiz: QuizScreen.draw(state, in: main, on: &grid)
    case .review: ReviewScreen.draw(state, in: main, on: &grid)
    case .experiment: RaceScreen.draw(state, in: main, on: &grid)
    case .faq: FAQScreen.draw(state, in: main, on: &grid)
    }
    grid.fill(statusRow, style: Style(reverse: true))
    grid.put(" " + TextLayout.fitted(state.status, statusRow.width - 1), x: 0, y: statusRow.y, style: Style(reverse: true), clip: statusRow)
    if state.showHelp { drawHelp(state, on: &grid) }
    return grid
}

/// Every key of the current screen, one job each: the screen's key table.
public func helpLines(for state: TutorState) -> [String] { Keymap.helpLines(state.keymapMode) }

/// The keys in a box over the screen: one column, or two when the screen is short.
private func drawHelp(_ state: TutorState, on grid: inout CellGrid) {
    let lines = helpLines(for: state)
    let lineWidth = lines.map { displayWidth(of: $0) }.max() ?? 0
    let columns = lines.count + 3 > grid.height - 2 && 2 * lineWidth + 7 <= grid.width - 2 ? 2 : 1
    let perColumn = (lines.count + columns - 1) / columns
    let width = min(grid.width - 2, columns * lineWidth + 3 * columns + 1)
    let height = min(grid.height - 2, perColumn + 3)
    let box = Rect(x: (grid.width - width) / 2, y: (grid.height - height) / 2, width: width, height: height)
    grid.restyle(grid.bounds) { $0.dim = true; $0.bold = false }   // the screen behind steps back
    grid.fill(box, style: Style(reverse: true))
    grid.put(" Keys (any key closes) ", x: box.x + 1, y: box.y, style: Style(bold: true, reverse: true), clip: box)
    for (i, line) in lines.enumerated() where i % perColumn < height - 3 {
        let x = box.x + 2 + (i / perColumn) * (lineWidth + 3)
        grid.put(line, x: x, y: box.y + 2 + i % perColumn, style: Style(reverse: true), clip: box)
    }
    if perColumn > height - 3 {
        grid.put(" more keys in a taller window ", x: box.x + 1, y: box.maxY - 1, style: Style(bold: true, reverse: true), clip: box)
    }
}
