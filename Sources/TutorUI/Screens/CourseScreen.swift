import Course
import Foundation
import Practice

/// The course screen's keys: choose and open a lesson, start practice or an experiment.
func courseKey(_ state: inout TutorState, _ key: Key) -> [Effect] {
    let count = state.course.lessons.count
    switch state.action(for: key) {
    case .up: state.selectedLesson = max(0, state.selectedLesson - 1)
    case .down: state.selectedLesson = min(max(count - 1, 0), state.selectedLesson + 1)
    case .first: state.selectedLesson = 0
    case .last: state.selectedLesson = max(count - 1, 0)
    case .open: return openLesson(&state)
    case .lessonQuiz: return startQuiz(&state, lesson: state.lesson)
    case .mixedQuiz: return startQuiz(&state, lesson: nil)
    case .reviewCards: return startReview(&state, lesson: nil)
    case .race: openExperiment(&state, .race())
    case .explorer: openExperiment(&state, .explorer(cell: .rnn, whhScale: 1, clipping: true))
    case .faq: openFAQ(&state)
    case .quit: state.quit = true
    case .back: state.status = "q quits (Esc only goes back, and this is the first screen)"
    default: break
    }
    return []
}

/// The course: every lesson with the learner's progress in it.
enum CourseScreen {
    static func draw(_ state: TutorState, in rect: Rect, on grid: inout CellGrid) {
        grid.put("rnn-tutor · learn recurrent networks by watching one think", x: 1, y: rect.y, style: Style(bold: true), clip: rect)
        // What `r` would review now: the cards due and today's allowance of new ones.
        let due = state.progress.lessons.values.reduce(0) { $0 + $1.cardsDue + $1.cardsNew }
        let intro = "Choose a lesson (↑↓, Enter). Each has live panels of a real trained network beside the text."
            + (due > 0 ? " \(counted(due, "card")) to review (r)." : "")
        grid.put(intro, x: 1, y: rect.y + 1, style: Style(dim: true), clip: rect)
        var top = rect.y + 3
        if let notice = state.notice {
            for line in TextLayout.wrap("⚠ " + notice, width: max(1, rect.width - 2)).prefix(3) {
                grid.put(line, x: rect.x + 1, y: top - 1, style: Style(foreground: .red, bold: true), clip: rect)
                top += 1
            }
        }
        let list = Rect(x: rect.x + 1, y: top, width: rect.width - 2, height: max(0, rect.maxY - top))
        let lessons = state.course.lessons
        let perLesson = list.height >= lessons.count * 2 ? 2 : 1
        let visible = max(1, list.height / perLesson)
        let first = max(0, min(state.selectedLesson - visible / 2, lessons.count - visible))
        for (row, index) in (first..<min(lessons.count, first + visible)).enumerated() {
            let lesson = lessons[index]
            let y = list.y + row * perLesson
            let selected = index == state.selectedLesson
            func spell(_ text: String) -> String { state.ascii ? asciiSpelling(text) : text }
            let title = (selected ? "▶ " : "  ") + "\(lesson.order). \(spell(lesson.title))"
            let progress = summary(of: state.progress.lessons[lesson.id], ascii: state.ascii,
                                   tasks: state.course.tasks(for: lesson.id).count)
            grid.put(title, x: list.x, y: y, style: Style(bold: selected, reverse: selected), clip: list)
            // Progress sits at the right of the title when there is room, else under it.
            let progressWidth = displayWidth(of: progress)
            if displayWidth(of: title) + 2 + progressWidth <= list.width {
                grid.put(progress, x: list.maxX - progressWidth, y: y, style: Style(foreground: .green), clip: list)
                if perLesson == 2 {
                    grid.put(TextLayout.fitted("     " + spell(lesson.summary), list.width), x: list.x, y: y + 1, style: Style(dim: true), clip: list)
                }
            } else if perLesson == 2 {
                grid.put(TextLayout.fitted("     " + (progress.isEmpty ? spell(lesson.summary) : progress), list.width), x: list.x, y: y + 1,
                         style: progress.isEmpty ? Style(dim: true) : Style(foreground: .green), clip: list)
            }
        }
    }

    /// "✓ read · quiz 7/10 at basic (best 9/10 at basic) · tasks 2/4 · 3 cards to review": empty for an
    /// untouched lesson. Tasks count those right by their last answer, of the lesson's `tasks`.
    static func summary(of progress: LessonProgress?, ascii: Bool, tasks: Int = 0) -> String {
        guard let progress else { return "" }
        var parts: [String] = []
        if progress.read { parts.append(ascii ? "read" : "✓ read") } else if progress.depth != nil { parts.append("started") }
        if let last = progress.lastScore {
            var quiz = "quiz \(last.label)"
            if let best = progress.bestScore, best != last { quiz += " (best \(best.label))" }
            parts.append(quiz)
        }
        if progress.tasksTried > 0 { parts.append("tasks \(progress.tasksRight)/\(max(tasks, progress.tasksTried))") }
        // A lesson's own review (r in the lesson) holds its due cards and, once it is started, its new ones.
        let toReview = progress.cardsDue + (progress.depth != nil ? progress.cardsNew : 0)
        if toReview > 0 { parts.append(counted(toReview, "card") + " to review") }
        return parts.joined(separator: " · ")
    }
}
