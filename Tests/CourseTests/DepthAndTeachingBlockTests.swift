import Course
import Testing

/// Depths on questions, cards and glossary lines; figures, objectives and recaps (lessons/FORMAT.md).
@Suite struct ItemDepthTests {
    @Test func questionsAndCardsCarryTheirDepth() throws {
        var pack = EditedPack()
        pack.edit("01-sequences.quiz.yaml", "  - id: seq-single\n    kind: single\n", "  - id: seq-single\n    kind: single\n    depth: basic\n")
        pack.edit("01-sequences.cards.yaml", "  - id: card-token\n", "  - id: card-token\n    depth: deep\n")
        let report = pack.report()
        #expect(report.errors.isEmpty)
        let question = try #require(report.pack.questions.first { $0.id == "seq-single" })
        #expect(question.depth == .basic)
        #expect(report.pack.questions.first { $0.id == "seq-multiple" }?.depth == .standard)
        #expect(report.pack.flashcards.first { $0.id == "card-token" }?.depth == .deep)
        #expect(report.itemsWithoutDepth == 6)   // 4 questions, 1 card, lesson 2's glossary line
    }

    @Test func aMissingDepthIsAWarningAtTheItemsLine() {
        let report = EditedPack().report()
        let warnings = report.warnings.map(\.description)
        #expect(warnings.contains("pack/01-sequences.quiz.yaml:3: warning: question \"seq-single\" has no `depth:` (basic, standard or deep); it counts as standard"))
        #expect(warnings.contains("pack/01-sequences.cards.yaml:6: warning: card \"card-token\" has no `depth:` (basic, standard or deep); it counts as standard"))
        #expect(warnings.contains("pack/02-cell.md:43: warning: glossary term \"cell\" has no depth tag (`[basic] term: definition`); it counts as standard"))
        #expect(report.errors.isEmpty)
        #expect(report.itemsWithoutDepth == 8)
    }

    @Test func anUnknownDepthIsAnError() {
        var pack = EditedPack()
        pack.edit("01-sequences.quiz.yaml", "  - id: seq-single\n    kind: single\n", "  - id: seq-single\n    kind: single\n    depth: expert\n")
        pack.edit("02-cell.md", "cell: the step function", "[advanced] cell: the step function")
        #expect(pack.problems == [
            "pack/01-sequences.quiz.yaml:5: unknown depth \"expert\"; the depths are basic, standard, deep",
            "pack/02-cell.md:43: unknown depth tag `[advanced]`; a glossary line starts `[basic]`, `[standard]` or `[deep]`",
        ])
    }

    @Test func theGlossaryAtADepthHoldsThatDepthAndTheOnesBelow() throws {
        let lesson = try #require(EditedPack().report().pack.lesson(id: "sequences"))
        #expect(lesson.glossary(at: .basic).map(\.term) == ["sequence"])
        #expect(lesson.glossary(at: .standard).map(\.term) == ["sequence"])
        #expect(lesson.glossary(at: .deep).map(\.term) == ["sequence", "token"])
    }
}

@Suite struct FigureTests {
    static let figure = """
        ::: figure Two steps
        x₁ ──▶ h₁
                ▼
        ```
        ---
        x1 --> h1
                v
        ```
        :::
        """

    func cell(_ standardText: String) -> EditedPack {
        var pack = EditedPack()
        pack.edit("02-cell.md", "Standard text.\n", standardText + "\n")
        return pack
    }

    @Test func aFigureIsKeptAsWrittenWithItsASCIIVersion() throws {
        let report = cell(Self.figure).report()
        #expect(report.errors.isEmpty, "\(report.errors)")
        #expect(report.figureCount == 1)
        #expect(report.summary.hasPrefix("2 lessons, 5 questions, 2 cards, 1 figure, "))
        let lesson = try #require(report.pack.lesson(id: "cell"))
        // Leading spaces and a code fence are part of the drawing, not Markdown.
        #expect(lesson.blocks(at: .standard) == [
            .figure(title: "Two steps", picture: ["x₁ ──▶ h₁", "        ▼", "```"], ascii: ["x1 --> h1", "        v", "```"]),
        ])
    }

    @Test func theASCIIVersionIsRequiredAndMustBeASCII() {
        #expect(cell("::: figure Alone\nx₁ ──▶ h₁\n:::").problems == [
            "pack/02-cell.md:17: the figure has no ASCII version: after the picture, add a line `---`, then the same picture in ASCII characters",
        ])
        #expect(cell("::: figure Still Unicode\nx1 -> h1\n---\nx₁ -> h1\n:::").problems == [
            "pack/02-cell.md:20: the ASCII version holds \"₁\" (U+2081); it is for terminals without Unicode, so only ASCII characters",
        ])
    }

    @Test func bothVersionsHaveTheSameSize() {
        #expect(cell("::: figure Uneven\nx₁ ──▶ h₁\n---\nx1 -> h1\n\nrow two\n:::").problems == [
            "pack/02-cell.md:20: the ASCII version is 8×3 (columns × rows) but the picture is 9×1; draw it the same size",
        ])
    }

    @Test func aFigureFitsTheTextColumnBesideThePanels() {
        let wide = String(repeating: "─", count: 45), wideASCII = String(repeating: "-", count: 45)
        #expect(cell("::: figure Too wide\n\(wide)\n---\n\(wideASCII)\n:::").problems == [
            "pack/02-cell.md:18: this line of the figure's picture is 45 columns wide; at most 44 fit the text column beside the panels",
            "pack/02-cell.md:20: this line of the figure's ASCII version is 45 columns wide; at most 44 fit the text column beside the panels",
        ])
        let tall = Array(repeating: "|", count: 19).joined(separator: "\n")
        let problems = cell("::: figure Too tall\n\(tall)\n---\n\(tall)\n:::").problems
        #expect(problems == [
            "pack/02-cell.md:18: the figure's picture has 19 rows; at most 18 fit beside the panels",
            "pack/02-cell.md:38: the figure's ASCII version has 19 rows; at most 18 fit beside the panels",
        ])
        #expect(cell("::: figure Wide characters\n漢字\n---\nab\n:::").problems == [
            "pack/02-cell.md:18: \"漢\" does not take exactly one terminal column; a figure uses one-column characters so its ASCII version lines up",
        ])
    }

    @Test func aFigureNeedsATitleAndMaySitOutsideADepth() {
        #expect(cell("::: figure\nab\n---\nab\n:::").problems == [
            "pack/02-cell.md:17: `::: figure` needs a title, like `::: figure The chain unrolled in time`",
        ])
        var outside = EditedPack()
        outside.edit("02-cell.md", "::: glossary\n", "::: figure Shared\nab\n---\nab\n:::\n\n::: glossary\n")
        #expect(outside.problems == [])
    }
}

@Suite struct ObjectivesAndRecapTests {
    static let objectives = "::: objectives\n- Read a sequence in order\n- Count its steps\n:::\n\n"

    @Test func objectivesOpenTheLessonAtEveryDepth() throws {
        var pack = EditedPack()
        pack.edit("02-cell.md", "---\n::: basic\n", "---\n" + Self.objectives + "::: basic\n")
        let report = pack.report()
        #expect(report.errors.isEmpty, "\(report.errors)")
        let lesson = try #require(report.pack.lesson(id: "cell"))
        let expected = Block.objectives([[.text("Read a sequence in order")], [.text("Count its steps")]])
        for depth in LessonDepth.allCases { #expect(lesson.blocks(at: depth).first == expected) }
    }

    @Test func objectivesAreTwoToFourListItemsBeforeTheFirstDepth() {
        var one = EditedPack()
        one.edit("02-cell.md", "---\n::: basic\n", "---\n::: objectives\n- Only one\n:::\n::: basic\n")
        #expect(one.problems == ["pack/02-cell.md:12: a lesson has 2 to 4 objectives; this block lists 1"])

        var prose = EditedPack()
        prose.edit("02-cell.md", "---\n::: basic\n", "---\n::: objectives\nYou will learn things.\n:::\n::: basic\n")
        #expect(prose.problems == ["pack/02-cell.md:12: the objectives block holds one list of 2 to 4 items (lines starting `- `) and nothing else"])

        var late = EditedPack()
        late.edit("02-cell.md", "::: glossary\n", Self.objectives + "::: glossary\n")
        #expect(late.problems == ["pack/02-cell.md:42: the objectives come before the first depth block (they say what the whole lesson teaches)"])

        var inside = EditedPack()
        inside.edit("02-cell.md", "Standard text.\n", "Standard text.\n" + Self.objectives)
        #expect(inside.problems == [
            "pack/02-cell.md:18: the objectives block belongs outside the depth and other blocks (it shows at every depth); close `::: standard` (line 16) first",
        ])
    }

    static let recap = "::: recap\nOne.\n- Two.\nThree **points**.\n:::\n"

    @Test func aRecapEndsItsDepthAndABaseDepthsRecapIsNotRepeated() throws {
        var pack = EditedPack()
        pack.edit("01-sequences.md", "A sentence is a train of wagons.\n:::\n", "A sentence is a train of wagons.\n:::\n\n" + Self.recap)
        let report = pack.report()
        #expect(report.errors.isEmpty, "\(report.errors)")
        let lesson = try #require(report.pack.lesson(id: "sequences"))
        let recap = Block.recap([[.text("One.")], [.text("Two.")], [.text("Three "), .strong([.text("points")]), .text(".")]])
        #expect(lesson.blocks(at: .basic).filter { $0 == recap }.count == 1)
        #expect(lesson.blocks(at: .basic).last { if case .paragraph = $0 { false } else { true } } == recap)
        // Standard builds on basic: basic's text shows, its recap does not.
        #expect(!lesson.blocks(at: .standard).contains(recap))
    }

    @Test func aRecapHasThreeLinesAndComesLastInADepth() {
        var two = EditedPack()
        two.edit("02-cell.md", "Standard text.\n", "Standard text.\n::: recap\nOne.\nTwo.\n:::\n")
        #expect(two.problems == ["pack/02-cell.md:18: a recap has exactly three lines (one point each); this one has 2"])

        var early = EditedPack()
        early.edit("02-cell.md", "Standard text.\n", Self.recap + "Standard text.\n")
        #expect(early.problems == ["pack/02-cell.md:22: text after the recap (line 17); the recap is the last part of its depth block"])

        var outside = EditedPack()
        outside.edit("02-cell.md", "::: glossary\n", Self.recap + "\n::: glossary\n")
        #expect(outside.problems == [
            "pack/02-cell.md:42: a recap ends a depth block: put `::: recap` inside `::: basic`, `::: standard` or `::: deep`, as its last part",
        ])

        var inAnalogy = EditedPack()
        inAnalogy.edit("02-cell.md", "A picture.\n", "A picture.\n" + Self.recap)
        #expect(inAnalogy.problems.first == "pack/02-cell.md:25: `::: recap` cannot sit inside `::: analogy` (line 23); it is the last part of a depth block")
    }
}
