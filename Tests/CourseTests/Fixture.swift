import Course
import Foundation
import Testing

/// A small valid pack. The line numbers in the comments are the ones the
/// validation tests expect, so edit with care.
enum Fixture {
    static let sequences = """
        ---
        id: sequences
        title: Sequences and order
        order: 1
        summary: Why order matters.
        lab:
          cell: lstm
          sentence: "the cat sat on the mat ."
          loss_step: 3
          whh_scale: 1.5
          clipping: true
          panels: [tokens, hidden, gates]
          experiment: explorer
        ---

        # Sequences

        ::: basic
        Words come *in order*, and **order matters**.

        ::: analogy
        A sentence is a train of wagons.
        :::
        :::

        ::: standard builds-on basic
        ## The idea

        An RNN reads `x_t` one step at a time; see [the cell](lesson:cell).

        - first item
          continued here
        - second **bold** item

        1. one
        2. two

        ```math
        hₜ = tanh(W_hh·hₜ₋₁)
        ```

        ::: example Counting words
        Six words and a full stop.
        :::
        :::

        ::: deep
        ```
        let h = tanh(x)
        ```

        ::: memory-aid
        Order, order, order.
        :::

        ::: dilemma
        Is order always needed?
        ---
        Not for a bag of words.
        :::
        :::

        A closing note for every depth.

        ::: glossary
        [basic] sequence: items in order
        [deep] token: one word or mark
        :::

        ::: references
        Elman (1990), Finding Structure in Time.
        https://example.org/source
        :::

        """
    // Line map of `sequences`: 2 id, 4 order, 7 cell, 8 sentence, 9 loss_step, 10 whh_scale,
    // 12 panels, 13 experiment, 18 ::: basic, 19 emphasis paragraph, 21 analogy, 24 basic's :::,
    // 26 ::: standard, 29 link, 47 ::: deep, 56 ::: dilemma, 58 ---, 60 dilemma's :::,
    // 61 deep's :::, 65 ::: glossary, 70 ::: references.

    static let cell = """
        ---
        id: cell
        title: The cell
        order: 2
        summary: One step.
        lab:
          cell: rnn
          sentence: "the cat"
          panels: [hidden]
          experiment: none
        ---
        ::: basic
        Basic text linking back to [sequences](lesson:sequences).
        :::

        ::: standard
        Standard text.
        :::

        ::: deep
        Deep text.

        ::: analogy
        A picture.
        :::

        ::: memory-aid
        A rhyme.
        :::

        ::: example Step
        A step.
        :::

        ::: dilemma
        Question?
        ---
        Discussion.
        :::
        :::

        ::: glossary
        cell: the step function
        :::

        ::: references
        A book.
        :::

        """
    // Line map of `cell`: 2 id, 4 order, 12 ::: basic, 16 ::: standard, 20 ::: deep,
    // 23 analogy, 35 dilemma, 42 ::: glossary, 46 ::: references.

    static let quiz = """
        lesson: sequences
        questions:
          - id: seq-single
            kind: single
            prompt: Which comes first?
            options:
              - text: The first word
                correct: true
              - text: The last word
                why: Order runs forward.
            explanation: Reading starts at the start.
          - id: seq-multiple
            kind: multiple
            prompt: Which are sequences?
            options:
              - text: A sentence
                correct: true
              - text: A melody
                correct: true
              - text: A set
                why: A set has no order.
            explanation: Sentences and melodies have order.
          - id: seq-true-false
            kind: true-false
            prompt: Order matters in a sentence.
            answer: true
            why_wrong: Swap two words and the meaning changes.
            explanation: Dog bites man is not man bites dog.
          - id: seq-number
            kind: number
            prompt: How many tokens in `the cat sat .`?
            answer: 4
            tolerance: 0.5
            explanation: Three words and a full stop.
          - id: seq-order
            kind: order
            prompt: Put the words in order.
            items:
              - the
              - cat
              - sat
            explanation: The sentence reads the cat sat.

        """

    static let cards = """
        lesson: sequences
        cards:
          - id: card-sequence
            front: Sequence
            back: Items whose order matters.
          - id: card-token
            front: Token
            back: One word or mark.

        """

    static let files: [String: String] = [
        "01-sequences.md": sequences,
        "01-sequences.quiz.yaml": quiz,
        "01-sequences.cards.yaml": cards,
        "02-cell.md": cell,
        "README.md": "# Not a lesson\n",
    ]
}

/// The fixture pack with edits, checked as if it sat in a folder `pack`.
struct EditedPack {
    var files = Fixture.files

    /// Replaces the one occurrence of `old` in `file`; the test fails if there is none.
    mutating func edit(_ file: String, _ old: String, _ new: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let text = files[file]!
        #expect(text.components(separatedBy: old).count == 2, "\(file) should hold \(quoted(old)) once", sourceLocation: sourceLocation)
        files[file] = text.replacingOccurrences(of: old, with: new)
    }

    func report(vocabulary: LabVocabulary? = nil) -> CourseCheckReport {
        CoursePack.check(files: files, directory: "pack", vocabulary: vocabulary)
    }

    /// Every problem as `lessons check` prints it, except the warnings about
    /// items without a depth: the fixture's questions, cards and lesson 2's
    /// glossary have none, on purpose (DepthTests check those warnings).
    var problems: [String] { report().problems.map(\.description).filter { !isMissingDepthWarning($0) } }
}

func isMissingDepthWarning(_ line: String) -> Bool {
    line.contains("warning: ") && line.hasSuffix("; it counts as standard")
}

func quoted(_ text: String) -> String { "\"\(text)\"" }

/// A fresh folder holding `files`.
func temporaryPack(_ files: [String: String]) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("course-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, text) in files {
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }
    return folder
}
