import Course
import Foundation
import Lab

/// The task card: it takes the lesson text's place while a lab task holds the panels beside it.
enum TaskScreen {
    static func draw(_ state: TutorState, _ lab: LessonSession, _ session: TaskSession, in rect: Rect, sideBySide: Bool,
                     on grid: inout CellGrid) {
        let task = session.task, run = session.run.run
        let title = state.course.lesson(id: task.lessonID)?.title ?? task.lessonID
        let place = session.tasks.count > 1 ? " \(session.index + 1) of \(session.tasks.count)" : ""
        let header = "Lab task\(place) · \(task.depth.rawValue) · \(title)"
            + (sideBySide ? "" : " · Tab: panels")
        grid.put(TextLayout.fitted(header, rect.width), x: rect.x, y: rect.y, style: Style(bold: true, reverse: lab.focus == .text), clip: rect)
        let body = rect.splitTop(1).rest
        var page = Page(width: body.width, ascii: state.ascii)
        defer { page.draw(in: body, offset: session.scroll, on: &grid) }
        page.add(Inline.parse(task.prompt).plainText, Style(bold: true))
        page.gap()
        page.add("Setup: " + TaskText.setup(task, sentence: run.sentence), Style(dim: true))
        page.add("Then: " + TaskText.action(task) + ".", Style(dim: true))
        page.gap()
        let verdict = session.verdict
        page.add(verdict == nil ? "Your prediction:" : "You predicted:", Style(bold: true))
        if session.options.isEmpty {
            drawPowers(session, verdict: verdict, ascii: state.ascii, on: &page)
        } else {
            // Once the verdict is in, the network's answer is marked beside the options.
            let keyed: TaskAnswer? = if case .verdict(let verdict) = session.phase { verdict.key } else { nil }
            for (i, label) in session.options.enumerated() {
                let chosen = i == session.choice
                if chosen { page.anchorHere() }
                let style = chosen && verdict == nil ? Style(reverse: true) : chosen ? Style(bold: true) : .plain
                let note = keyed == session.answer(choosing: i) ? (state.ascii ? "   <- the network" : "   ← the network") : ""
                page.add(label + note, style, prefix: "\(chosen ? (state.ascii ? ">" : "▶") : " ") \(i + 1). ")
            }
        }
        page.gap()
        switch session.phase {
        case .predicting:
            page.add("Commit with Enter; then the tutor does it in the panels and measures.", Style(dim: true))
        case .acting:
            page.add("Watch the panels: " + TaskText.action(task) + "…", Style(foreground: .yellow, bold: true))
        case .verdict(let verdict):
            page.anchorHere()
            page.add(verdict.correct ? (state.ascii ? "Right." : "✓ Right.") : (state.ascii ? "Not this time." : "✗ Not this time."),
                     Style(foreground: verdict.correct ? .green : .red, bold: true))
            page.add(verdict.summary)
            // The summary quotes the measured values; this line adds log10, or before and after, where there are.
            let measured = TaskText.measured(run)
            if measured != run.measuredText { page.add("Measured: " + measured, Style(bold: true)) }
            if let mark = markText(lab) { page.add(mark, Style(dim: true)) }
            page.gap()
            page.add(Inline.parse(verdict.explanation).plainText)
            page.gap()
            page.add(Keymap.hint(.task, [([.redoTask], "redo"), ([.nextTask], "next task"), ([.back], "back to your own lab")]),
                     Style(dim: true))
        }
    }

    /// A power of ten on a log scale: a row of powers around the one chosen, the chosen one boxed.
    private static func drawPowers(_ session: TaskSession, verdict: TaskVerdict?, ascii: Bool, on page: inout Page) {
        let window = max(TaskSession.powers.lowerBound, session.choice - 3)...min(TaskSession.powers.upperBound, session.choice + 3)
        let row = window.map { p in p == session.choice ? "[10^\(p)]" : " 10^\(p) " }.joined(separator: " ")
        page.anchorHere()
        page.add(row, verdict == nil ? Style(bold: true) : .plain, prefix: "  ")
        page.add("10^\(session.choice) = \(spelled(session.choice))" + (verdict == nil ? (ascii ? "   (up/down moves)" : "   (↑↓ moves)") : ""),
                 Style(dim: true), prefix: "  ")
    }

    /// 10^-3 as 0.001, 10^4 as 10000; further out, left as the power.
    static func spelled(_ power: Int) -> String {
        guard (-6...6).contains(power) else { return "1e\(power)" }
        return power >= 0 ? "1" + String(repeating: "0", count: power)
            : "0." + String(repeating: "0", count: -power - 1) + "1"
    }

    /// Where the panels mark the measured quantity: the cursor's step and word.
    private static func markText(_ lab: LessonSession) -> String? {
        guard let trace = lab.trace, trace.tokens.indices.contains(lab.cursorWord) else { return nil }
        return "The cursor marks it in the panels: word \(lab.cursorWord + 1), “\(trace.tokens[lab.cursorWord])”."
    }
}
