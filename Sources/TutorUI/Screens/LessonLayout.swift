import Course

/// Where the lesson screen puts its text and its panels. Update uses it too
/// (to know how far the text scrolls and which links are in view), so the
/// keys and the picture always agree.
struct LessonLayout {
    /// The text column: a header line, then the body.
    var text: Rect
    var panels: Rect
    /// Side by side when wide; otherwise one of the two fills the screen and Tab switches.
    var sideBySide: Bool

    init(width: Int, height: Int) {
        let main = Rect(x: 0, y: 0, width: width, height: max(0, height - 1))
        sideBySide = width >= 100
        if sideBySide {
            let split = main.splitLeft(width * 45 / 100)
            text = Rect(x: split.left.x, y: split.left.y, width: split.left.width - 1, height: split.left.height)
            panels = Rect(x: split.rest.x + 1, y: split.rest.y, width: split.rest.width - 1, height: split.rest.height)
        } else {
            text = main
            panels = main
        }
    }

    var textBody: Rect { text.splitTop(1).rest }
}

extension TutorState {
    var lessonLayout: LessonLayout { LessonLayout(width: width, height: height) }

    /// The current lesson's text at the current depth, then its glossary at that depth (and the
    /// depths below) and its sources (at every depth: the papers are worth finding from any of them),
    /// wrapped for the text column: as `update` last kept it, or wrapped afresh if anything it
    /// depends on has changed since (a state made without `update`).
    var lessonLines: [TextLayout.Line] {
        guard let lesson, let key = wrappedTextKey else { return [] }
        if let kept = wrappedLessonText, kept.key == key { return kept.lines }
        return TextLayout.lines(lesson.blocks(at: key.depth) + lesson.backMatter(at: key.depth), width: key.width, ascii: ascii)
    }

    /// What the wrapped text depends on.
    private var wrappedTextKey: WrappedLessonText.Key? {
        lesson.map { WrappedLessonText.Key(lesson: $0.id, depth: lessonOnScreen.depth, width: lessonLayout.textBody.width, ascii: ascii) }
    }

    /// Keeps the wrapped text for the next frames (run by `update` after every message): wrapping
    /// a lesson was most of a frame, and a key rarely changes the lesson, its depth or the width.
    mutating func keepLessonTextWrapped() {
        guard lessonSession != nil, let key = wrappedTextKey else { wrappedLessonText = nil; return }
        if wrappedLessonText?.key != key { wrappedLessonText = WrappedLessonText(key: key, lines: lessonLines) }
    }

    /// How far the text can scroll: its last line at the bottom of the column.
    var maximumTextScroll: Int { max(0, lessonLines.count - lessonLayout.textBody.height) }
}

/// The lesson text wrapped for the column, kept in the state between frames. It is derived from
/// the rest of the state, so it never makes two states unequal.
struct WrappedLessonText: Equatable, Sendable {
    struct Key: Equatable, Sendable {
        var lesson: String
        var depth: LessonDepth
        var width: Int
        var ascii: Bool
    }
    var key: Key
    var lines: [TextLayout.Line]

    static func == (a: Self, b: Self) -> Bool { true }
}
