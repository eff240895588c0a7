import Course
import Foundation
import Testing

/// `::: dialogue` blocks and the course's `faq.yaml`: how they read and what `lessons check` says about them.
@Suite struct DialogueTests {
    static let dialogue = """
        ::: dialogue Does order matter?
        Teacher: Read "dog bites man" backwards.

        Maya: Same words, but see [the cell](lesson:cell).
        Student 2: So *order* is part of the meaning.
        :::

        """

    /// The fixture with a dialogue at the end of lesson 2's basic block (it opens on line 15).
    static func pack(_ dialogue: String = DialogueTests.dialogue) -> EditedPack {
        var pack = EditedPack()
        pack.edit("02-cell.md", "Basic text linking back to [sequences](lesson:sequences).\n:::\n",
                  "Basic text linking back to [sequences](lesson:sequences).\n\n" + dialogue + ":::\n")
        return pack
    }

    @Test func turnsKeepTheirSpeakersAndInlineMarkdown() throws {
        let report = Self.pack().report()
        #expect(report.errors.isEmpty, "\(report.errors)")   // the fixture's items have no depth: warnings only
        let lesson = try #require(report.pack.lesson(id: "cell"))
        let basic = lesson.blocks(at: .basic)
        #expect(basic.last == .dialogue(title: "Does order matter?", turns: [
            DialogueTurn(speaker: "Teacher", text: [.text("Read \"dog bites man\" backwards.")]),
            DialogueTurn(speaker: "Maya", text: [.text("Same words, but see "), .lessonLink(id: "cell", text: "the cell"), .text(".")]),
            DialogueTurn(speaker: "Student 2", text: [.text("So "), .emphasis([.text("order")]), .text(" is part of the meaning.")]),
        ]))
        // Like every block inside a depth, it shows only at that depth (deep does not build on basic here).
        #expect(!lesson.blocks(at: .deep).contains { if case .dialogue = $0 { true } else { false } })
    }

    @Test func theTitleIsOptional() throws {
        let report = Self.pack("::: dialogue\nTeacher: Why?\nSam: Because.\n:::\n").report()
        #expect(report.errors.isEmpty)
        #expect(report.pack.lesson(id: "cell")?.blocks(at: .basic).last
                == .dialogue(title: "", turns: [DialogueTurn(speaker: "Teacher", text: [.text("Why?")]),
                                                DialogueTurn(speaker: "Sam", text: [.text("Because.")])]))
    }

    @Test func aLineWithoutASpeakerAndAnEmptyTurn() {
        let pack = Self.pack("""
            ::: dialogue
            Teacher: Why does order matter?
            because the meaning changes
            Maya:
            the answer is simple: order is information
            https://example.org/page
            Maya: Order is information.
            :::

            """)
        let noSpeaker = "a dialogue line is one turn, `Speaker: what they say` (a name of at most 24 characters, then a colon); this line has no speaker"
        #expect(pack.problems == [
            "pack/02-cell.md:17: \(noSpeaker)",
            "pack/02-cell.md:18: Maya says nothing here; write the turn after the colon, or remove the line",
            "pack/02-cell.md:19: \(noSpeaker)",
            "pack/02-cell.md:20: \(noSpeaker)",
        ])
    }

    @Test func oneSpeakerIsNoDialogueAndAnEmptyOneIsReported() {
        #expect(Self.pack("::: dialogue Alone\nTeacher: One.\nTeacher: Two.\n:::\n").problems
                == ["pack/02-cell.md:15: a dialogue needs at least two speakers; this one has only Teacher"])
        #expect(Self.pack("::: dialogue\n\n:::\n").problems
                == ["pack/02-cell.md:15: the dialogue is empty; write one `Speaker: text` turn per line"])
    }

    @Test func itMaySitInADepthButNotInsideAnotherTeachingBlock() {
        var pack = EditedPack()
        pack.edit("02-cell.md", "::: analogy\nA picture.\n:::\n", "::: analogy\nA picture.\n\n::: dialogue\nA: b\nC: d\n:::\n:::\n")
        #expect(pack.problems == [
            "pack/02-cell.md:26: `::: dialogue` cannot sit inside `::: analogy` (line 23); blocks do not nest, except analogy, memory-aid, example, figure, dilemma, dialogue and recap inside a depth",
        ])
    }
}

@Suite struct FAQTests {
    static let faq = """
        faq:
          - id: faq-order
            question: Why does order matter?
            answer: |
              Because the *same* words in another order mean something else.

              See [the cell](lesson:cell) for how a network keeps it.
            see: [sequences, cell]
          - id: faq-cell
            question: What is a cell?
            answer: The step function applied at every position, café included.
            see: [cell]

        """

    static func pack(_ faq: String = FAQTests.faq) -> EditedPack {
        var pack = EditedPack()
        pack.files["faq.yaml"] = faq
        return pack
    }

    @Test func entriesReadInFileOrderWithParagraphsAndLinks() {
        let report = Self.pack().report()
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.pack.faq.map(\.id) == ["faq-order", "faq-cell"])
        #expect(report.pack.faq[0].answer == [
            [.text("Because the "), .emphasis([.text("same")]), .text(" words in another order mean something else.")],
            [.text("See "), .lessonLink(id: "cell", text: "the cell"), .text(" for how a network keeps it.")],
        ])
        #expect(report.pack.faq[0].see == ["sequences", "cell"])
        #expect(report.summary == "2 lessons, 5 questions, 2 cards, 2 FAQ entries, 0 figures, 8 items without a depth, 0 problems, 8 warnings")
    }

    @Test func aPackWithoutAFAQIsFine() {
        let report = EditedPack().report()
        #expect(report.errors.isEmpty && report.pack.faq.isEmpty)
        #expect(report.summary == "2 lessons, 5 questions, 2 cards, 0 figures, 8 items without a depth, 0 problems, 8 warnings")
    }

    @Test func problemsNameTheirLine() {
        let pack = Self.pack("""
            faq:
              - id: Faq_Order
                question: Why does order matter?
                answer: See [the gate](lesson:gates).
                see: [sequences, nowhere]
              - id: card-sequence
                question: What?
                answer: Something.
                see: []
              - id: faq-extra
                question: Three?
                answer: Yes.
                hint: no
                see: [cell]
            """)
        #expect(pack.problems == [
            "pack/faq.yaml:2: FAQ id \"Faq_Order\" must be lowercase letters, digits and single hyphens, like rc-weight-sharing",
            "pack/faq.yaml:4: the link goes to lesson \"gates\", but no lesson has that id",
            "pack/faq.yaml:5: the link goes to lesson \"nowhere\", but no lesson has that id",
            "pack/faq.yaml:6: id \"card-sequence\" is already used at pack/01-sequences.cards.yaml:3 (question, card and FAQ ids are unique in the pack)",
            "pack/faq.yaml:9: `see` of FAQ entry \"card-sequence\" lists no lesson; name at least one lesson id that goes deeper",
            "pack/faq.yaml:13: unknown key `hint` in a FAQ entry; the keys are id, question, answer, see",
        ])
    }

    @Test func anEmptyOrShapelessFileIsReported() {
        #expect(Self.pack("").problems == ["pack/faq.yaml:1: the file is empty; it needs `faq:` with a list of entries (id, question, answer, see)"])
        #expect(Self.pack("faq: []\n").problems == ["pack/faq.yaml:1: `faq` lists no entry"])
    }

    @Test func searchNarrowsAsTheLearnerTypes() {
        let pack = Self.pack().report().pack
        #expect(pack.faqEntries(matching: "").map(\.id) == ["faq-order", "faq-cell"])
        #expect(pack.faqEntries(matching: "ord").map(\.id) == ["faq-order"])
        // Words match anywhere, in any order; the entry whose question holds them comes first.
        #expect(pack.faqEntries(matching: "cell").map(\.id) == ["faq-cell", "faq-order"])
        #expect(pack.faqEntries(matching: "CAFE step").map(\.id) == ["faq-cell"])
        #expect(pack.faqEntries(matching: "why?").map(\.id) == ["faq-order"])
        #expect(pack.faqEntries(matching: "order zebra").isEmpty)
    }
}

/// What issue 18 asks of the shipped course: a dialogue in every lesson's basic text, and a FAQ.
@Suite(.enabled(if: shippedLessonsExist, "lessons/ has no lesson files yet"))
struct ShippedDialoguesAndFAQTests {
    static let pack = Result { try CoursePack.load(directory: shippedLessonsFolder) }

    @Test func everyLessonHasADialogueAtBasicDepthOfSixToTwelveTurns() throws {
        for lesson in try Self.pack.get().lessons {
            let dialogues = lesson.blocks(at: .basic).compactMap { block -> [DialogueTurn]? in
                if case .dialogue(_, let turns) = block { turns } else { nil }
            }
            #expect(dialogues.count == 1, "\(lesson.fileName) has \(dialogues.count) dialogues at basic depth")
            guard let turns = dialogues.first else { continue }
            #expect((6...12).contains(turns.count), "\(lesson.fileName): \(turns.count) turns")
            // A teacher and at least one student, taking turns.
            #expect(turns.contains { $0.speaker == "Teacher" } && turns.contains { $0.speaker != "Teacher" }, "\(lesson.fileName)")
            #expect(zip(turns, turns.dropFirst()).allSatisfy { $0.speaker != $1.speaker }, "\(lesson.fileName)")
        }
    }

    @Test func theFAQHasAtLeastTwelveEntriesEachPointingToALesson() throws {
        let pack = try Self.pack.get()
        #expect(pack.faq.count >= 12)
        for entry in pack.faq {
            #expect(entry.question.hasSuffix("?"), "\(entry.id)")
            #expect(!entry.see.isEmpty && entry.see.allSatisfy { pack.lesson(id: $0) != nil }, "\(entry.id)")
        }
    }
}
