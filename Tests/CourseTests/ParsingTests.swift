import Course
import Foundation
import Testing

/// The fixture pack, written to a folder and loaded as the tutor will load it.
@Suite struct ParsingTests {
    let pack: CoursePack

    init() throws {
        let folder = try temporaryPack(Fixture.files)
        defer { try? FileManager.default.removeItem(at: folder) }
        pack = try CoursePack.load(directory: folder.path)
    }

    var sequences: Lesson { pack.lessons[0] }

    @Test func lessonsComeInCourseOrderWithTheirFrontMatter() {
        #expect(pack.lessons.map(\.id) == ["sequences", "cell"])
        #expect(sequences.title == "Sequences and order")
        #expect(sequences.order == 1)
        #expect(sequences.summary == "Why order matters.")
        #expect(sequences.fileName == "01-sequences.md")
        #expect(pack.lesson(id: "cell")?.order == 2)
    }

    @Test func labPresetKeepsEveryValueAndFillsTheDefaults() {
        #expect(sequences.lab == LabPreset(cell: .lstm, sentence: "the cat sat on the mat .", lossStep: 3, whhScale: 1.5,
                                           clipping: true, panels: [.tokens, .hidden, .gates], experiment: .explorer))
        #expect(pack.lesson(id: "cell")?.lab == LabPreset(cell: .rnn, sentence: "the cat", lossStep: nil, whhScale: 1,
                                                          clipping: false, panels: [.hidden], experiment: .none))
    }

    static let heading = Block.heading(level: 1, text: [.text("Sequences")])
    static let closingNote = Block.paragraph([.text("A closing note for every depth.")])
    static let basicText: [Block] = [
        .paragraph([.text("Words come "), .emphasis([.text("in order")]), .text(", and "), .strong([.text("order matters")]), .text(".")]),
        .analogy([.paragraph([.text("A sentence is a train of wagons.")])]),
    ]

    @Test func basicShowsItsOwnBlockBetweenTheTextOfEveryDepth() {
        #expect(sequences.blocks(at: .basic) == [Self.heading] + Self.basicText + [Self.closingNote])
    }

    @Test func standardBuildsOnBasic() {
        let standardText: [Block] = [
            .heading(level: 2, text: [.text("The idea")]),
            .paragraph([.text("An RNN reads "), .code("x_t"), .text(" one step at a time; see "),
                        .lessonLink(id: "cell", text: "the cell"), .text(".")]),
            .list(ordered: false, items: [[.text("first item continued here")], [.text("second "), .strong([.text("bold")]), .text(" item")]]),
            .list(ordered: true, items: [[.text("one")], [.text("two")]]),
            .math("hₜ = tanh(W_hh·hₜ₋₁)"),
            .example(title: "Counting words", body: [.paragraph([.text("Six words and a full stop.")])]),
        ]
        #expect(sequences.blocks(at: .standard) == [Self.heading] + Self.basicText + standardText + [Self.closingNote])
        #expect(sequences.parts.count == 5)
        #expect(sequences.parts[2] == .depth(.standard, buildsOn: .basic, blocks: standardText))
    }

    @Test func deepWithoutBuildsOnShowsOnlyItsOwnBlock() {
        #expect(sequences.blocks(at: .deep) == [
            Self.heading,
            .code("let h = tanh(x)"),
            .memoryAid([.paragraph([.text("Order, order, order.")])]),
            .dilemma(question: [.paragraph([.text("Is order always needed?")])],
                     discussion: [.paragraph([.text("Not for a bag of words.")])]),
            Self.closingNote,
        ])
    }

    @Test func glossaryAndReferencesAreKeptApartFromTheText() {
        #expect(sequences.glossary == [GlossaryEntry(term: "sequence", definition: "items in order", depth: .basic),
                                       GlossaryEntry(term: "token", definition: "one word or mark", depth: .deep)])
        // Web addresses are allowed here, and only here.
        #expect(sequences.references == ["Elman (1990), Finding Structure in Time.", "https://example.org/source"])
    }

    @Test func everyKindOfQuestion() {
        #expect(pack.questions(for: "sequences") == [
            QuizQuestion(id: "seq-single", lessonID: "sequences", prompt: "Which comes first?", kind: .single(options: [
                QuizOption(text: "The first word", isCorrect: true),
                QuizOption(text: "The last word", isCorrect: false, why: "Order runs forward."),
            ]), explanation: "Reading starts at the start."),
            QuizQuestion(id: "seq-multiple", lessonID: "sequences", prompt: "Which are sequences?", kind: .multiple(options: [
                QuizOption(text: "A sentence", isCorrect: true),
                QuizOption(text: "A melody", isCorrect: true),
                QuizOption(text: "A set", isCorrect: false, why: "A set has no order."),
            ]), explanation: "Sentences and melodies have order."),
            QuizQuestion(id: "seq-true-false", lessonID: "sequences", prompt: "Order matters in a sentence.",
                         kind: .trueFalse(answer: true, whyWrong: "Swap two words and the meaning changes."),
                         explanation: "Dog bites man is not man bites dog."),
            QuizQuestion(id: "seq-number", lessonID: "sequences", prompt: "How many tokens in `the cat sat .`?",
                         kind: .number(answer: 4, tolerance: 0.5), explanation: "Three words and a full stop."),
            QuizQuestion(id: "seq-order", lessonID: "sequences", prompt: "Put the words in order.",
                         kind: .order(items: ["the", "cat", "sat"]), explanation: "The sentence reads the cat sat."),
        ])
        #expect(pack.questions(for: "cell").isEmpty)
    }

    @Test func flashcardsKnowTheirLesson() {
        #expect(pack.flashcards == [
            Flashcard(id: "card-sequence", front: "Sequence", back: "Items whose order matters.", lessonID: "sequences"),
            Flashcard(id: "card-token", front: "Token", back: "One word or mark.", lessonID: "sequences"),
        ])
    }

    @Test func summaryCountsWhatThePackHolds() {
        let report = CoursePack.check(files: Fixture.files)
        // The fixture's 5 questions, 2 cards and lesson 2's one glossary line have no depth.
        #expect(report.problems.map(\.description).filter { !isMissingDepthWarning($0) } == [])
        #expect(report.summary == "2 lessons, 5 questions, 2 cards, 0 figures, 8 items without a depth, 0 problems, 8 warnings")
    }
}

@Suite struct InlineTests {
    @Test func shortTextsUseTheSameInlineRules() {
        #expect(Inline.parse("see `W_hh` and **the *key* idea** in [the LSTM](lesson:lstm)") == [
            .text("see "), .code("W_hh"), .text(" and "), .strong([.text("the "), .emphasis([.text("key")]), .text(" idea")]),
            .text(" in "), .lessonLink(id: "lstm", text: "the LSTM"),
        ])
    }

    @Test func starsWithSpacesAreArithmeticAndUnderscoresArePlain() {
        #expect(Inline.parse("2 * 3 * 4 and W_ih x_t") == [.text("2 * 3 * 4 and W_ih x_t")])
        #expect(Inline.parse("a star inside code: `*p`, *and* after") == [
            .text("a star inside code: "), .code("*p"), .text(", "), .emphasis([.text("and")]), .text(" after"),
        ])
    }

    @Test func plainTextDropsTheStyling() {
        #expect(Inline.parse("**bold** and `code` and [link](lesson:x)").plainText == "bold and code and link")
    }
}
