/// How far a lesson goes: each lesson is written three times over, from a few
/// sentences to derivations and history.
public enum LessonDepth: String, CaseIterable, Comparable, Sendable {
    case basic, standard, deep

    public static func < (a: LessonDepth, b: LessonDepth) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A stretch of a lesson's text, in the order the file gives them.
public enum LessonPart: Equatable, Sendable {
    /// Text outside every depth block: shown at every depth.
    case everyDepth([Block])
    /// The text of one `::: basic`/`standard`/`deep` block. With `buildsOn`
    /// (`::: standard builds-on basic`) the lower depth's text is shown first.
    case depth(LessonDepth, buildsOn: LessonDepth?, blocks: [Block])
}

/// One line of a lesson's `::: glossary` block.
public struct GlossaryEntry: Equatable, Sendable {
    public var term: String
    public var definition: String
    /// The lowest depth whose text uses the term (`[basic] term: definition`).
    public var depth: LessonDepth

    public init(term: String, definition: String, depth: LessonDepth = .standard) {
        self.term = term
        self.definition = definition
        self.depth = depth
    }
}

/// One lesson: its front matter, its text at three depths, its glossary and sources.
public struct Lesson: Equatable, Sendable {
    /// Stable; lowercase letters, digits and hyphens. Links and progress use it.
    public var id: String
    public var title: String
    /// Position in the course, from 1.
    public var order: Int
    /// One line for the course list.
    public var summary: String
    /// What the live panels show beside this lesson.
    public var lab: LabPreset
    /// The text in file order. Draw it with `blocks(at:)`, which applies the depth rules.
    public var parts: [LessonPart]
    public var glossary: [GlossaryEntry]
    /// Where facts, dates and figures come from, one per line as written.
    public var references: [String]
    /// The lesson file's name inside the pack, e.g. `02-recurrent-cell.md`.
    public var fileName: String

    public init(id: String, title: String, order: Int, summary: String, lab: LabPreset,
                parts: [LessonPart], glossary: [GlossaryEntry], references: [String], fileName: String) {
        self.id = id
        self.title = title
        self.order = order
        self.summary = summary
        self.lab = lab
        self.parts = parts
        self.glossary = glossary
        self.references = references
        self.fileName = fileName
    }

    /// What a learner reading at `depth` sees, in order: the text outside the
    /// depth blocks, and where the depth's own block stands, its text (after
    /// the text of the depth it builds on, which may build on another).
    /// The glossary and references are not included: see `glossary(at:)` and `references`.
    public func blocks(at depth: LessonDepth) -> [Block] {
        parts.flatMap { part -> [Block] in
            switch part {
            case .everyDepth(let blocks): blocks
            case .depth(let own, _, _) where own == depth: ownText(at: depth)
            case .depth: []
            }
        }
    }

    /// The glossary a reader at `depth` sees: the terms of that depth and the depths below.
    public func glossary(at depth: LessonDepth) -> [GlossaryEntry] {
        glossary.filter { $0.depth <= depth }
    }

    /// A depth's block, preceded by what it builds on.
    private func ownText(at depth: LessonDepth) -> [Block] {
        for case .depth(let own, let base, let blocks) in parts where own == depth {
            // Only a lower depth can be built on, which also rules out loops.
            guard let base, base < depth else { return blocks }
            // The lower depth's recap sums up a text the reader goes on past: only the last recap is shown.
            return ownText(at: base).filter { if case .recap = $0 { false } else { true } } + blocks
        }
        return []
    }
}
