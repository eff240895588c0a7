// The small document tree a lesson's text becomes. It holds only what the
// lesson format allows (see lessons/FORMAT.md), so a view can draw every case
// without a fallback: headings, paragraphs, one-level lists, code and
// equations, and the four teaching blocks that may sit inside a depth.

/// A run of text inside a paragraph, heading or list item.
public indirect enum Inline: Equatable, Hashable, Sendable {
    /// Plain text; line breaks of the source are already spaces.
    case text(String)
    /// `*italic*`
    case emphasis([Inline])
    /// `**bold**`
    case strong([Inline])
    /// `` `code` ``: shown as written, never styled further.
    case code(String)
    /// `[the LSTM](lesson:lstm)`: a link to another lesson of the pack.
    case lessonLink(id: String, text: String)
}

/// A block of a lesson's text, in reading order.
public indirect enum Block: Equatable, Hashable, Sendable {
    /// `#`, `##` or `###`: level 1…3.
    case heading(level: Int, text: [Inline])
    case paragraph([Inline])
    /// One level of `- ` or `1. ` items.
    case list(ordered: Bool, items: [[Inline]])
    /// A fenced code block, lines joined with "\n".
    case code(String)
    /// A ```` ```math ```` block: Unicode symbols, shown as written (see `asciiSpelling`).
    case math(String)
    /// `::: analogy`: a picture from everyday life.
    case analogy([Block])
    /// `::: memory-aid`: a mnemonic, acronym or rhyme.
    case memoryAid([Block])
    /// `::: example Title`: a worked example.
    case example(title: String, body: [Block])
    /// `::: dilemma`: an open question, then its discussion (after the `---` line).
    case dilemma(question: [Block], discussion: [Block])
    /// `::: figure Title`: a drawing kept exactly as written (never reflowed),
    /// and the same drawing in ASCII for `--ascii`; both the same size.
    case figure(title: String, picture: [String], ascii: [String])
    /// `::: objectives`: what the learner will be able to do (2 to 4 items).
    case objectives([[Inline]])
    /// `::: recap`: the three points a depth ends with.
    case recap([[Inline]])
}

extension Inline {
    /// The inline Markdown of a short text (a quiz prompt, an option, a card):
    /// the same rules as in a lesson's paragraphs, without validation.
    public static func parse(_ text: String) -> [Inline] {
        var ignored = FileProblems(file: "")
        var links: [LessonLinkUse] = []
        return InlineParser.parse(text, firstLine: 1, problems: &ignored, links: &links)
    }

    /// The words without their styling, e.g. for searching or measuring.
    public var plainText: String {
        switch self {
        case .text(let text), .code(let text), .lessonLink(_, let text): text
        case .emphasis(let inner), .strong(let inner): inner.plainText
        }
    }
}

extension Array where Element == Inline {
    /// The words without their styling.
    public var plainText: String { map(\.plainText).joined() }
}
