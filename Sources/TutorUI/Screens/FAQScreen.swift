import Course

/// The course's questions and answers (`f` on the course screen): a list that narrows as the
/// learner types, and one answer at a time, whose links open lessons as a lesson's links do.
public struct FAQSession: Equatable, Sendable {
    /// What the learner typed to filter the questions.
    public var query = LineEditor("")
    /// The chosen question, as a place in the filtered list.
    public var selected = 0
    /// The question whose answer is open (its id), or nil while the list shows.
    public var reading: String? = nil
    public var scroll = 0
    /// The answer's link that Enter would follow (its number in reading order).
    public var selectedLink: Int? = nil

    public init() {}
}

extension TutorState {
    /// The questions the FAQ list shows now.
    var faqMatches: [FAQEntry] { course.faqEntries(matching: faq?.query.text ?? "") }

    /// Whether the FAQ has the keyboard for typing: its list is showing and holds a query
    /// (then `?` is part of the query; with an empty query it still opens the help).
    var faqTakesTyping: Bool { faq.map { $0.reading == nil && !$0.query.text.isEmpty } ?? false }
}

/// `f` on the course screen.
func openFAQ(_ state: inout TutorState) {
    guard !state.course.faq.isEmpty else {
        state.status = "this lesson pack has no FAQ (a faq.yaml file beside the lessons)"
        return
    }
    state.open(.faq(FAQSession()))
    state.status = FAQScreen.listStatus
}

func faqKey(_ state: inout TutorState, _ key: Key) -> [Effect] {
    guard var session = state.faq else { return [] }
    var effects: [Effect] = []
    if let id = session.reading, let entry = state.course.faq.first(where: { $0.id == id }) {
        effects = answerKey(&state, &session, entry, key)
    } else {
        listKey(&state, &session, key)
    }
    state.faq = session   // (changes nothing when the learner left the FAQ)
    return effects
}

private func listKey(_ state: inout TutorState, _ session: inout FAQSession, _ key: Key) {
    let count = state.faqMatches.count
    let page = max(1, FAQScreen.listRows(state) - 1)
    switch state.action(for: key) {
    case .up: session.selected = max(0, session.selected - 1)
    case .down: session.selected = min(max(0, count - 1), session.selected + 1)
    case .pageUp: session.selected = max(0, session.selected - page)
    case .pageDown: session.selected = min(max(0, count - 1), session.selected + page)
    case .first: session.selected = 0
    case .last: session.selected = max(0, count - 1)
    case .open:
        let matches = state.faqMatches
        guard matches.indices.contains(session.selected) else {
            state.status = "no question to open: Backspace widens the search, Esc clears it"
            return
        }
        session.reading = matches[session.selected].id
        session.scroll = 0
        session.selectedLink = nil
        state.status = FAQScreen.answerStatus
    case .back:
        if session.query.text.isEmpty {
            state.goBack()
            state.status = TutorState.courseStatus
        } else {
            session.query = LineEditor("")
            session.selected = 0
            state.status = FAQScreen.listStatus
        }
    default:
        let before = session.query.text
        guard session.query.apply(key) else { return }
        guard session.query.text != before else { return }
        session.selected = 0
        let found = state.course.faqEntries(matching: session.query.text).count
        state.status = found == 0 ? "no question matches \"\(session.query.text)\" · Backspace widens · Esc clears"
            : "\(found) of \(state.course.faq.count) questions · Enter reads the chosen one · Esc clears the search"
    }
}

private func answerKey(_ state: inout TutorState, _ session: inout FAQSession, _ entry: FAQEntry, _ key: Key) -> [Effect] {
    let lines = FAQScreen.answerLines(entry, state)
    let height = FAQScreen.answerBody(state).height
    let limit = max(0, lines.count - height)
    switch state.action(for: key) {
    case .back:
        session.reading = nil
        session.selectedLink = nil
        state.status = FAQScreen.listStatus
    case .up: session.scroll = max(0, session.scroll - 1)
    case .down: session.scroll = min(limit, session.scroll + 1)
    case .pageUp: session.scroll = max(0, session.scroll - max(1, height - 2))
    case .pageDown: session.scroll = min(limit, session.scroll + max(1, height - 2))
    case .selectLink:
        let links = linkLines(lines)
        guard !links.isEmpty else { state.status = "this answer has no links"; return [] }
        let next = links.first { $0.link.ordinal > (session.selectedLink ?? -1) } ?? links[0]
        session.selectedLink = next.link.ordinal
        if next.line < session.scroll || next.line >= session.scroll + height {
            session.scroll = min(max(0, next.line - 2), limit)
        }
        let title = state.course.lesson(id: next.link.lessonID)?.title ?? next.link.lessonID
        state.status = "link to \"\(title)\" · Enter follows it · g next link"
    case .followLink:
        guard let ordinal = session.selectedLink,
              let link = linkLines(lines).first(where: { $0.link.ordinal == ordinal })?.link,
              let target = state.course.lessons.firstIndex(where: { $0.id == link.lessonID }) else {
            state.status = "no link selected: g selects one"
            return []
        }
        // The lesson opens as from a lesson's link; leaving it comes back to this answer.
        state.faq = session
        state.selectedLesson = target
        let effects = openLesson(&state)
        state.status = "\(state.lesson?.title ?? "") · Esc goes back to the question"
        return effects
    default: break
    }
    return []
}

enum FAQScreen {
    static let listStatus = "type to filter · ↑↓ choose · Enter reads the answer · Esc back"
    static let answerStatus = "g selects a link · Enter follows it · ↑↓ scroll · Esc back to the questions"

    /// Rows of the question list (the screen less the title, the search line and a gap).
    static func listRows(_ state: TutorState) -> Int { max(1, state.height - 1 - 3) }

    static func answerBody(_ state: TutorState) -> Rect {
        Rect(x: 1, y: 2, width: max(1, min(state.width - 2, 100)), height: max(1, state.height - 1 - 2))
    }

    /// The question, its answer, then the lessons that go deeper, as links.
    static func answerLines(_ entry: FAQEntry, _ state: TutorState) -> [TextLayout.Line] {
        var blocks: [Block] = [.heading(level: 1, text: Inline.parse(entry.question))]
        blocks += entry.answer.map(Block.paragraph)
        let lessons = entry.see.compactMap { state.course.lesson(id: $0) }
        if !lessons.isEmpty {
            blocks.append(.heading(level: 2, text: [.text("Go deeper")]))
            blocks.append(.list(ordered: false, items: lessons.map { [.lessonLink(id: $0.id, text: "\($0.order). \($0.title)")] }))
        }
        return TextLayout.lines(blocks, width: max(1, answerBody(state).width - 1), ascii: state.ascii)
    }

    static func draw(_ state: TutorState, in rect: Rect, on grid: inout CellGrid) {
        guard let session = state.faq else { return }
        if let id = session.reading, let entry = state.course.faq.first(where: { $0.id == id }) {
            drawAnswer(state, session, entry, in: rect, on: &grid)
        } else {
            drawList(state, session, in: rect, on: &grid)
        }
    }

    private static func drawList(_ state: TutorState, _ session: FAQSession, in rect: Rect, on grid: inout CellGrid) {
        let matches = state.faqMatches
        let title = "Questions and answers · \(matches.count) of \(state.course.faq.count)"
        grid.put(title, x: rect.x + 1, y: rect.y, style: Style(bold: true), clip: rect)
        // The search line, with its cursor.
        let label = "Type to filter: "
        var x = rect.x + 1 + grid.put(label, x: rect.x + 1, y: rect.y + 1, style: Style(dim: true), clip: rect)
        let characters = Array(session.query.text)
        for (i, character) in characters.enumerated() {
            x += grid.put(String(character), x: x, y: rect.y + 1, style: Style(bold: true, reverse: i == session.query.cursor), clip: rect)
        }
        if session.query.cursor == characters.count { grid.put(" ", x: x, y: rect.y + 1, style: Style(reverse: true), clip: rect) }

        let list = Rect(x: rect.x + 1, y: rect.y + 3, width: max(0, rect.width - 2), height: max(0, rect.maxY - rect.y - 3))
        guard !matches.isEmpty else {
            let message = "No question holds every word of \"\(session.query.text)\". Backspace removes a letter; Esc clears the filter."
            for (i, line) in TextLayout.wrap(message, width: max(1, list.width)).prefix(list.height).enumerated() {
                grid.put(line, x: list.x, y: list.y + i, style: Style(dim: true), clip: list)
            }
            return
        }
        let selected = min(session.selected, matches.count - 1)
        // A preview of the chosen answer under the list when the screen has room for both.
        let previewRows = list.height - matches.count - 1 >= 4 ? min(8, list.height - matches.count - 1) : 0
        let rows = list.height - (previewRows > 0 ? previewRows + 1 : 0)
        let first = max(0, min(selected - rows / 2, matches.count - rows))
        for (row, index) in (first..<min(matches.count, first + rows)).enumerated() {
            let isSelected = index == selected
            let marker = isSelected ? "▶ " : "  "
            let question = state.ascii ? asciiSpelling(matches[index].question) : matches[index].question
            grid.put(TextLayout.fitted(marker + Inline.parse(question).plainText, list.width), x: list.x, y: list.y + row,
                     style: Style(bold: isSelected, reverse: isSelected), clip: list)
        }
        if first > 0 { grid.put("↑", x: list.maxX - 1, y: list.y, style: Style(dim: true), clip: list) }
        if first + rows < matches.count {
            grid.put("↓", x: list.maxX - 1, y: list.y + rows - 1, style: Style(dim: true), clip: list)
        }
        guard previewRows > 0 else { return }
        let top = list.y + min(rows, matches.count) + 1   // right under the questions
        let preview = Rect(x: list.x + 2, y: top, width: max(1, min(list.width - 2, 100)), height: previewRows)
        let lines = TextLayout.lines(matches[selected].answer.map(Block.paragraph), width: preview.width, ascii: state.ascii)
        for (row, line) in lines.prefix(previewRows).enumerated() {
            var x = preview.x
            for run in line.runs {
                var style = run.style
                style.dim = true
                x += grid.put(run.text, x: x, y: preview.y + row, style: style, clip: preview)
            }
        }
    }

    private static func drawAnswer(_ state: TutorState, _ session: FAQSession, _ entry: FAQEntry, in rect: Rect,
                                   on grid: inout CellGrid) {
        let matches = state.faqMatches
        let place = matches.firstIndex { $0.id == entry.id }.map { " · \($0 + 1) of \(matches.count)" } ?? ""
        grid.put("Questions and answers\(place) · Esc: the list", x: rect.x + 1, y: rect.y, style: Style(bold: true, reverse: true), clip: rect)
        TextLayout.draw(answerLines(entry, state), scroll: session.scroll, selectedLink: session.selectedLink,
                        in: answerBody(state), on: &grid)
    }
}
