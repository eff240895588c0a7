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
    case .cards: ReviewScreen.draw(state, in: main, on: &grid)
    case .experiment: RaceScreen.draw(state, in: main, on: &grid)
    case .faq: FAQScreen.draw(state, in: main, on: &grid)
    }
    grid.fill(statusRow, style: Style(reverse: true))
    grid.put(" " + state.status, x: 0, y: statusRow.y, style: Style(reverse: true), clip: statusRow)
    if state.showHelp { drawHelp(state, on: &grid) }
    return grid
}

/// Every key of the current screen, one job each.
public func helpLines(for state: TutorState) -> [String] {
    if state.editor != nil {
        return ["← → Home End  move the cursor", "Backspace Del delete a character", "Enter         trace the new sentence",
                "Esc           keep the old sentence", "Ctrl-C        quit"]
    }
    switch state.screen {
    case .course:
        return ["↑ ↓  or j k   choose a lesson", "Home End      first / last lesson", "Enter or →    open it", "t             quiz on the chosen lesson",
                "m             mixed quiz across the course", "r             review the flashcards due",
                "x             the adding race (RNN, LSTM, GRU)", "v             the gradient explorer",
                "f             questions and answers (FAQ)", "?             this help",
                "q             quit", "Ctrl-C        quit from anywhere"]
    case .quiz:
        return ["↑ ↓  or j k   options; scroll feedback", "1 … 9         choose (single) or tick (multiple)",
                "Space         tick (multiple), pick up or put down (order)", "t f           true or false",
                "Enter         answer, then next question", "r             retry the missed (at the end)",
                "q or Esc      stop the quiz (answers are kept)", "Ctrl-C        quit"]
    case .experiment:
        if state.experiment?.kind == .explorer {
            return ["1 2 3         RNN / LSTM / GRU", "+ −           scale W_hh by ±0.25", "c             clipping on / off",
                    "← →           sequence length T", "Enter         train (again: go on, or a new seed)", "s             one training step",
                    "Esc           stop the run, then back", "Ctrl-C        quit"]
        }
        return ["← →           sequence length T", "+ −           training steps", "n             the next seed",
                "Enter         start the race (again)", "Esc           stop the run, then back", "Ctrl-C        quit"]
    case .cards:
        return ["Space/Enter   show the answer", "1 2 3 4       Again, Hard, Good, Easy", "q or Esc      stop (grades are kept)",
                "Ctrl-C        quit"]
    case .faq:
        return FAQScreen.helpLines(state)
    case .lesson:
        return ["← → or h l    step a word", "Home End      first / last word", "↑ ↓  or j k   scroll (Tab: units)",
                "PgUp PgDn     scroll a page", "g             select the next link", "Enter         follow the link",
                "Tab           focus text ↔ panels", "d             depth of the text", "e             edit the sentence",
                "1 2 3         RNN / LSTM / GRU", "c             cycle the cell", "[ ]           move the loss step",
                "b             the backward sweep", "o             overlay all cells", "+ −           W_hh ± 0.25 (0 … 4)",
                "t             quiz on this lesson", "r             its flashcards due", "x             its experiment",
                "v             the gradient explorer",
                "?             this help", "q or Esc      back", "Ctrl-C        quit"]
    }
}

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
