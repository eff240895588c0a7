import Course
import Foundation
import Trace

/// The smallest screen that shows anything useful; below it, a request to enlarge.
public let minimumSize = (width: 40, height: 12)

/// Draws the whole screen for a state: a pure function, tested without a terminal.
public func view(_ state: TutorState) -> CellGrid {
    var grid = CellGrid(width: state.width, height: state.height)
    guard state.width >= minimumSize.width && state.height >= minimumSize.height else {
        let message = TextLayout.wrap("Make the window larger: the tutor needs \(minimumSize.width)×\(minimumSize.height).",
                                      width: max(1, state.width))
        for (i, line) in message.prefix(state.height).enumerated() { grid.put(line, x: 0, y: i) }
        return grid
    }
    let (main, statusRow) = grid.bounds.splitTop(state.height - 1)
    switch state.screen {
    case .course: drawCourse(state, in: main, on: &grid)
    case .lesson: drawLesson(state, in: main, on: &grid)
    }
    grid.fill(statusRow, style: Style(reverse: true))
    grid.put(" " + state.status, x: 0, y: statusRow.y, style: Style(reverse: true), clip: statusRow)
    if state.showHelp { drawHelp(state, on: &grid) }
    return grid
}

private func drawCourse(_ state: TutorState, in rect: Rect, on grid: inout CellGrid) {
    grid.put("rnn-tutor · learn recurrent networks by watching one think", x: 1, y: rect.y, style: Style(bold: true), clip: rect)
    grid.put("Choose a lesson (↑↓, Enter). Each has live panels of a real trained network beside the text.",
             x: 1, y: rect.y + 1, style: Style(dim: true), clip: rect)
    let list = Rect(x: rect.x + 1, y: rect.y + 3, width: rect.width - 2, height: rect.height - 3)
    let perLesson = list.height >= state.course.lessons.count * 2 ? 2 : 1
    let visible = max(1, list.height / perLesson)
    let first = max(0, min(state.selectedLesson - visible / 2, state.course.lessons.count - visible))
    for (row, index) in (first..<min(state.course.lessons.count, first + visible)).enumerated() {
        let lesson = state.course.lessons[index]
        let y = list.y + row * perLesson
        let selected = index == state.selectedLesson
        grid.put((selected ? "▶ " : "  ") + "\(lesson.order). \(lesson.title)", x: list.x, y: y,
                 style: Style(bold: selected, reverse: selected), clip: list)
        if perLesson == 2 {
            grid.put("     " + lesson.summary, x: list.x, y: y + 1, style: Style(dim: true), clip: list)
        }
    }
}

private func drawLesson(_ state: TutorState, in rect: Rect, on grid: inout CellGrid) {
    guard let lesson = state.lesson else { return }
    let sideBySide = rect.width >= 100
    let textArea: Rect, panelArea: Rect
    if sideBySide {
        let split = rect.splitLeft(rect.width * 45 / 100)
        textArea = Rect(x: split.left.x, y: split.left.y, width: split.left.width - 1, height: split.left.height)
        panelArea = Rect(x: split.rest.x + 1, y: split.rest.y, width: split.rest.width - 1, height: split.rest.height)
        for y in rect.y..<rect.maxY { grid.put(state.ascii ? "|" : "│", x: split.rest.x, y: y, style: Style(dim: true)) }
    } else {
        textArea = state.focus == .text ? rect : Rect(x: 0, y: 0, width: 0, height: 0)
        panelArea = state.focus == .panels ? rect : Rect(x: 0, y: 0, width: 0, height: 0)
    }
    if !textArea.isEmpty { drawText(state, lesson, in: textArea, on: &grid, narrow: !sideBySide) }
    if !panelArea.isEmpty { drawPanels(state, in: panelArea, on: &grid) }
}

private func drawText(_ state: TutorState, _ lesson: Lesson, in rect: Rect, on grid: inout CellGrid, narrow: Bool) {
    let header = "\(lesson.order). \(lesson.title) · \(state.depth.rawValue) (d)" + (narrow ? " · Tab: panels" : "")
    grid.put(header, x: rect.x, y: rect.y, style: Style(bold: true, reverse: state.focus == .text), clip: rect)
    let body = rect.splitTop(1).rest
    let lines = TextLayout.lines(lesson.blocks(at: state.depth), width: body.width, ascii: state.ascii)
    let first = min(state.textScroll, max(0, lines.count - body.height))
    for (row, line) in lines.dropFirst(first).prefix(body.height).enumerated() {
        grid.put(line.text, x: body.x, y: body.y + row, style: line.style, clip: body)
    }
}

private func drawPanels(_ state: TutorState, in rect: Rect, on grid: inout CellGrid) {
    guard let trace = state.trace else {
        grid.put(state.traceError ?? "no model", x: rect.x, y: rect.y, clip: rect)
        return
    }
    let step = min(state.step, trace.tokens.count - 1)
    let (tokens, rest) = rect.splitTop(4)
    TokensPanel.draw(trace, step: step, in: tokens, on: &grid, ascii: state.ascii)
    let (prediction, lower) = rest.splitTop(min(8, rest.height / 3))
    PredictionPanel.draw(trace, step: step, in: prediction, on: &grid, ascii: state.ascii)
    // Hidden state, gates and gradient share what is left; on a short screen
    // the lesson's preset decides whether the hidden state or the gates come first.
    let gatesFirst = state.lesson.map { preset in
        let order = preset.lab.panels.map(\.rawValue)
        return (order.firstIndex(of: "gates") ?? .max) < (order.firstIndex(of: "hidden") ?? .max)
    } ?? false
    if lower.height >= 27 {
        let (hidden, rest) = lower.splitTop(lower.height / 3)
        let (gates, gradient) = rest.splitTop(rest.height / 2)
        HiddenStatePanel.draw(trace, step: step, firstUnit: state.firstUnit, in: hidden, on: &grid, color: state.color, ascii: state.ascii)
        GatesPanel.draw(trace, step: step, firstUnit: state.firstUnit, in: gates, on: &grid, color: state.color, ascii: state.ascii)
        drawGradient(state, trace, in: gradient, on: &grid)
    } else {
        let (upper, gradient) = lower.splitTop(lower.height / 2)
        if gatesFirst {
            GatesPanel.draw(trace, step: step, firstUnit: state.firstUnit, in: upper, on: &grid, color: state.color, ascii: state.ascii)
        } else {
            HiddenStatePanel.draw(trace, step: step, firstUnit: state.firstUnit, in: upper, on: &grid, color: state.color, ascii: state.ascii)
        }
        drawGradient(state, trace, in: gradient, on: &grid)
    }
}

private func drawGradient(_ state: TutorState, _ trace: SentenceTrace, in rect: Rect, on grid: inout CellGrid) {
    if state.overlay && state.overlayTraces.count > 1 {
        GradientPanel.drawOverlay(state.overlayTraces, revealedFrom: state.sweepFrom ?? 0, in: rect, on: &grid, ascii: state.ascii)
    } else {
        GradientPanel.draw(trace, revealedFrom: state.sweepFrom ?? 0, in: rect, on: &grid, ascii: state.ascii)
    }
}

/// Every key of the current screen, one job each.
public func helpLines(for screen: TutorState.Screen) -> [String] {
    switch screen {
    case .course:
        return ["↑ ↓  or j k   choose a lesson", "Enter or →    open it", "?             this help",
                "q or Esc      quit", "Ctrl-C        quit from anywhere"]
    case .lesson:
        return ["← → or h l    step a word", "Home End      first / last word", "↑ ↓  or j k   scroll (text or units: Tab)",
                "PgUp PgDn     scroll the text a page", "Tab           switch focus text ↔ panels", "d             depth: basic → standard → deep",
                "1 2 3         RNN / LSTM / GRU", "c             cycle the cell", "[ ]           move the loss step",
                "b             replay the backward sweep", "o             overlay every cell's gradient", "+ −           scale W_hh by ±0.25 (0 … 4)", "?             this help",
                "q or Esc      back to the lessons", "Ctrl-C        quit"]
    }
}

private func drawHelp(_ state: TutorState, on grid: inout CellGrid) {
    let lines = helpLines(for: state.screen)
    let width = min(grid.width - 2, (lines.map { displayWidth(of: $0) }.max() ?? 0) + 4)
    let height = min(grid.height - 2, lines.count + 3)
    let box = Rect(x: (grid.width - width) / 2, y: (grid.height - height) / 2, width: width, height: height)
    grid.fill(box, style: Style(reverse: true))
    grid.put(" Keys (any key closes) ", x: box.x + 1, y: box.y, style: Style(bold: true, reverse: true), clip: box)
    for (i, line) in lines.prefix(height - 3).enumerated() {
        grid.put(line, x: box.x + 2, y: box.y + 2 + i, style: Style(reverse: true), clip: box)
    }
}
