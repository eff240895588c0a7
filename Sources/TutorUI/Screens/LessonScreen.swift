import Course
import ModelFile
import Trace

extension Lesson {
    /// The glossary of a depth and the references as blocks to read after the text.
    func backMatter(at depth: LessonDepth) -> [Block] {
        var blocks: [Block] = []
        let glossary = glossary(at: depth)
        if !glossary.isEmpty {
            blocks.append(.heading(level: 2, text: [.text("Glossary")]))
            blocks.append(.list(ordered: false, items: glossary.map { [.strong([.text($0.term)]), .text(": ")] + Inline.parse($0.definition) }))
        }
        if !references.isEmpty {
            blocks.append(.heading(level: 2, text: [.text("Sources")]))
            blocks.append(.list(ordered: false, items: references.map { Inline.parse($0) }))
        }
        return blocks
    }
}

enum LessonScreen {
    static func draw(_ state: TutorState, in rect: Rect, on grid: inout CellGrid) {
        guard let session = state.lessonSession, let lesson = state.lesson else { return }
        let layout = state.lessonLayout
        if layout.sideBySide {
            for y in rect.y..<rect.maxY {
                grid.put("│", x: layout.text.maxX, y: y, style: Style(dim: true))
            }
        }
        if layout.sideBySide || session.focus == .text {
            if let task = session.task {
                TaskScreen.draw(state, session, task, in: layout.text, sideBySide: layout.sideBySide, on: &grid)
            } else {
                drawText(state, session, lesson, layout: layout, on: &grid)
            }
        }
        if layout.sideBySide || session.focus == .panels { drawPanels(state, session, in: layout.panels, on: &grid) }
    }

    private static func drawText(_ state: TutorState, _ session: LessonSession, _ lesson: Lesson, layout: LessonLayout, on grid: inout CellGrid) {
        let rect = layout.text
        // Alone on a narrow screen the title gives way to the key that brings the panels.
        let title = "\(lesson.order). \(lesson.title) · \(session.depth.rawValue) (d)"
        let tab = " · Tab: panels"
        let header = layout.sideBySide ? TextLayout.fitted(title, rect.width)
            : TextLayout.fitted(title, max(2, rect.width - displayWidth(of: tab))) + tab
        grid.put(header, x: rect.x, y: rect.y, style: Style(bold: true, reverse: session.focus == .text), clip: rect)
        TextLayout.draw(state.lessonLines, scroll: session.textScroll, selectedLink: session.selectedLink, in: layout.textBody, on: &grid)
    }

    private static func drawPanels(_ state: TutorState, _ session: LessonSession, in rect: Rect, on grid: inout CellGrid) {
        var render = state.render
        render.modelName = state.shownModelName
        let (top, panelsBelow) = rect.splitTop(4)
        if let editor = session.editor {
            SentenceEditorPanel.draw(editor, model: state.model, in: top, on: &grid, options: render)
        }
        guard let trace = session.shownTrace else {
            let message = session.traceError ?? "no model"
            grid.put(message, x: panelsBelow.x, y: panelsBelow.y, style: Style(foreground: .red), clip: panelsBelow)
            return
        }
        let step = min(session.cursorWord, trace.tokens.count - 1)
        if session.editor == nil {
            TokensPanel.draw(trace, step: step, unknownID: state.model?.unknownID, in: top, on: &grid, options: render)
        }
        // Every panel gets a share: the prediction up to 8 rows, then hidden state, gates and
        // gradient alike. Only when fewer than 5 rows each would be left do two of them share
        // the space, and the lesson's preset says which of hidden state and gates comes first.
        var rest = panelsBelow
        if let writer = session.instruments.writer {
            // The network writing sits above the panels that follow it.
            let (writing, below) = rest.splitTop(min(7, max(4, rest.height / 4)))
            WriterPanel.draw(writer, cell: render.name(trace), in: writing, on: &grid, options: render)
            rest = below
        }
        if let finder = session.instruments.finder {
            // Find the unit takes the upper half: the ranking and the contexts need the room.
            let (finding, below) = rest.splitTop(max(8, rest.height / 2))
            UnitFinderPanel.draw(finder, trace: trace, cursor: step, in: finding, on: &grid, options: render)
            rest = below
        }
        let predictionHeight = rest.height >= 40 ? 8 : max(4, min(8, rest.height / 5))
        let (prediction, lower) = rest.splitTop(predictionHeight)
        let unknown = state.model.flatMap { model in model.unknownID.map { (id: $0, vocabulary: model.vocabulary) } }
        PredictionPanel.draw(trace, step: step, classifier: state.model?.task == .classify, unknown: unknown, in: prediction,
                             on: &grid, options: render)
        let gatesFirst = session.task?.frontPanel == .slopes || state.lesson.map { lesson in
            (lesson.lab.panels.firstIndex(of: .gates) ?? .max) < (lesson.lab.panels.firstIndex(of: .hidden) ?? .max)
        } ?? false
        func hidden(_ area: Rect) {
            HiddenStatePanel.draw(trace, step: step, firstUnit: session.firstUnit, previous: session.previousHidden,
                                  in: area, on: &grid, options: render)
        }
        func gates(_ area: Rect) {
            GatesPanel.draw(trace, step: step, firstUnit: session.firstUnit, in: area, on: &grid, options: render)
        }
        // A lesson about the gradient (its preset lists the gradient first) gives that plot half the room.
        let gradientFirst = state.lesson?.lab.panels.first == .gradient
        if let jacobian = session.instruments.jacobian?.bound {
            // The Jacobian at the front (J): most of the room, the gradient it bounds below it.
            func drawJacobian(_ area: Rect) {
                JacobianPanel.draw(jacobian, trace: trace, layer: session.instruments.shownLayer(of: trace.layers), cursor: step,
                                   whhScale: session.whhScale, in: area, on: &grid, options: render)
            }
            if lower.height >= 18 {
                let (jacobianArea, rest) = lower.splitTop(lower.height * 3 / 5)
                drawJacobian(jacobianArea)
                let (upper, gradient) = rest.splitTop(rest.height / 2)
                if gatesFirst { gates(upper) } else { hidden(upper) }
                drawGradient(state, session, trace, in: gradient, on: &grid)
            } else {
                drawJacobian(lower)
            }
        } else if gradientFirst && lower.height >= 12 {
            let (gradient, rest) = lower.splitTop(lower.height / 2)
            let (upper, bottom) = rest.splitTop(rest.height / 2)
            drawGradient(state, session, trace, in: gradient, on: &grid)
            if gatesFirst { gates(upper); hidden(bottom) } else { hidden(upper); gates(bottom) }
        } else if lower.height >= 15 {
            let (hiddenArea, rest) = lower.splitTop(lower.height / 3)
            let (gatesArea, gradient) = rest.splitTop(rest.height / 2)
            if gatesFirst { gates(hiddenArea); hidden(gatesArea) } else { hidden(hiddenArea); gates(gatesArea) }
            drawGradient(state, session, trace, in: gradient, on: &grid)
        } else {
            // Too short for both: the one the preset puts first, and a line naming the other.
            let (upper, gradient) = lower.splitTop(lower.height / 2)
            let (shown, note) = upper.splitTop(max(0, upper.height - 1))
            if gatesFirst { gates(shown) } else { hidden(shown) }
            let other = gatesFirst ? "hidden state" : GatesPanel.shortName(trace)
            grid.put(TextLayout.fitted("\(other): not shown (a taller window shows it)", note.width), x: note.x, y: note.y,
                     style: PanelFrame.captionStyle, clip: note)
            drawGradient(state, session, trace, in: gradient, on: &grid)
        }
    }

    private static func drawGradient(_ state: TutorState, _ session: LessonSession, _ trace: SentenceTrace, in rect: Rect, on grid: inout CellGrid) {
        var render = state.render
        render.modelName = state.shownModelName
        let extras = GradientPanel.Extras(axis: session.gradientAxis, ghost: session.gradientGhost,
                                          cursor: min(session.cursorWord, trace.tokens.count - 1))
        if session.overlay && session.overlayTraces.count > 1 {
            GradientPanel.drawOverlay(session.overlayTraces, revealedFrom: session.sweepFrom ?? 0, whhScale: session.whhScale,
                                      extras: extras, in: rect, on: &grid, options: render)
        } else {
            GradientPanel.draw(trace, revealedFrom: session.sweepFrom ?? 0, whhScale: session.whhScale, extras: extras, in: rect,
                               on: &grid, options: render)
        }
    }
}
