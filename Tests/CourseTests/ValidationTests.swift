import Course
import Foundation
import Testing

/// Each check of `lessons check`, on the fixture pack with one mistake put in:
/// the exact `file:line: message` lines it prints.
@Suite struct FrontMatterTests {
    @Test func unknownKeys() {
        var pack = EditedPack()
        pack.edit("01-sequences.md", "title: Sequences and order\n", "title: Sequences and order\nauthor: me\n")
        pack.edit("02-cell.md", "  experiment: none\n", "  experiment: none\n  speed: fast\n")
        #expect(pack.problems == [
            "pack/01-sequences.md:4: unknown key `author` in the front matter; the keys are id, title, order, summary, lab",
            "pack/02-cell.md:11: unknown key `speed` in `lab`; the keys are cell, model, sentence, loss_step, whh_scale, clipping, panels, experiment",
        ])
    }

    @Test func missingAndMalformedValues() {
        var pack = EditedPack()
        pack.edit("02-cell.md", "summary: One step.\n", "")
        pack.edit("02-cell.md", "order: 2", "order: second")
        pack.edit("02-cell.md", "id: cell", "id: The_Cell")
        #expect(pack.problems.contains("pack/02-cell.md:2: the front matter has no `summary:`"))
        #expect(pack.problems.contains("pack/02-cell.md:2: lesson id \"The_Cell\" must be lowercase letters, digits and single hyphens, like rc-weight-sharing"))
        #expect(pack.problems.contains("pack/02-cell.md:4: `order` must be a whole number ≥ 1 (the lesson's place in the course), not \"second\""))
    }

    @Test func noFrontMatter() {
        var pack = EditedPack()
        pack.edit("02-cell.md", "---\nid: cell\ntitle: The cell\norder: 2\nsummary: One step.\nlab:\n  cell: rnn\n  sentence: \"the cat\"\n  panels: [hidden]\n  experiment: none\n---\n", "")
        #expect(pack.problems == [
            "pack/01-sequences.md:29: the link goes to lesson \"cell\", but no lesson has that id",
            "pack/02-cell.md:1: a lesson starts with its front matter: a line `---`, the keys id, title, order, summary, lab, and another `---`",
        ])
    }

    @Test func yamlSyntaxErrorsNameTheirLine() {
        var pack = EditedPack()
        pack.edit("01-sequences.quiz.yaml", "prompt: Which comes first?", "prompt: Which: comes first?")
        #expect(pack.problems == [
            "pack/01-sequences.quiz.yaml:5: not valid YAML: mapping values are not allowed in this context; a text containing \": \" needs quotes around it",
        ])
    }
}

@Suite struct LabPresetTests {
    @Test func valuesOutOfRange() {
        var pack = EditedPack()
        pack.edit("01-sequences.md", "whh_scale: 1.5", "whh_scale: 5")
        pack.edit("01-sequences.md", "loss_step: 3", "loss_step: -1")
        pack.edit("01-sequences.md", "cell: lstm", "cell: transformer")
        pack.edit("01-sequences.md", "panels: [tokens, hidden, gates]", "panels: [tokens, weights, tokens]")
        pack.edit("01-sequences.md", "experiment: explorer", "experiment: race")
        #expect(pack.problems == [
            "pack/01-sequences.md:7: unknown cell \"transformer\"; the cells are rnn, lstm, gru, all",
            "pack/01-sequences.md:9: `loss_step` must be ≥ 0 (steps count from 0), not -1",
            "pack/01-sequences.md:10: `whh_scale` must be from 0 to 4, not 5",
            "pack/01-sequences.md:12: unknown panel \"weights\"; the panels are tokens, hidden, gates, cell, prediction, gradient, jacobian",
            "pack/01-sequences.md:12: panel \"tokens\" is listed twice",
            "pack/01-sequences.md:13: unknown experiment \"race\"; the experiments are none, adding, explorer",
        ])
    }

    @Test func lossStepPastTheSentence() {
        var pack = EditedPack()
        pack.edit("01-sequences.md", "loss_step: 3", "loss_step: 7")   // 7 tokens: steps 0…6
        #expect(pack.problems == ["pack/01-sequences.md:9: `loss_step` 7 is past the sentence's last step, 6 (steps count from 0)"])
    }

    @Test func unknownWordsAreWarningsThatDoNotFailTheCheck() {
        let vocabulary = LabVocabulary(words: ["the", "cat", "sat", "on", "."], lowercase: true)
        var pack = EditedPack()
        pack.edit("02-cell.md", "sentence: \"the cat\"", "sentence: \"The Zebra sat .\"")
        let report = pack.report(vocabulary: vocabulary)
        #expect(report.problems.map(\.description).filter { !isMissingDepthWarning($0) } == [
            "pack/01-sequences.md:8: warning: word \"mat\" of the lab sentence is not in the shipped models' vocabulary",
            "pack/02-cell.md:8: warning: word \"zebra\" of the lab sentence is not in the shipped models' vocabulary",
        ])
        #expect(report.errors.isEmpty)
        #expect(report.summary == "2 lessons, 5 questions, 2 cards, 0 figures, 8 items without a depth, 0 problems, 10 warnings")
    }

    @Test func theTokenizerSetsPunctuationApart() {
        #expect(LabVocabulary.words(in: "She said: \"no!\" (twice)", lowercase: true)
                == ["she", "said", ":", "\"", "no", "!", "\"", "(", "twice", ")"])
    }
}

@Suite struct DuplicateTests {
    @Test func lessonIDsAndOrders() {
        var pack = EditedPack()
        pack.edit("02-cell.md", "id: cell", "id: sequences")
        pack.edit("02-cell.md", "order: 2", "order: 1")
        #expect(pack.problems == [
            "pack/01-sequences.md:29: the link goes to lesson \"cell\", but no lesson has that id",
            "pack/02-cell.md:2: lesson id \"sequences\" is already used by pack/01-sequences.md:2",
            "pack/02-cell.md:4: order 1 is already taken by pack/01-sequences.md:4; each lesson has its own place in the course",
        ])
    }

    @Test func questionAndCardIDsShareOneNamespace() {
        var pack = EditedPack()
        pack.edit("01-sequences.quiz.yaml", "id: seq-multiple", "id: seq-single")
        pack.edit("01-sequences.cards.yaml", "id: card-token", "id: seq-order")
        #expect(pack.problems == [
            "pack/01-sequences.cards.yaml:6: id \"seq-order\" is already used at pack/01-sequences.quiz.yaml:35 (question, card and FAQ ids are unique in the pack)",
            "pack/01-sequences.quiz.yaml:12: id \"seq-single\" is already used at pack/01-sequences.quiz.yaml:3 (question, card and FAQ ids are unique in the pack)",
        ])
    }
}

@Suite struct LinkTests {
    @Test func brokenLessonLink() {
        var pack = EditedPack()
        pack.edit("01-sequences.md", "(lesson:cell)", "(lesson:cells)")
        #expect(pack.problems == ["pack/01-sequences.md:29: the link goes to lesson \"cells\", but no lesson has that id"])
    }

    @Test func quizOrCardsNamingNoLesson() {
        var pack = EditedPack()
        pack.edit("01-sequences.quiz.yaml", "lesson: sequences", "lesson: sequence")
        pack.edit("01-sequences.cards.yaml", "lesson: sequences", "lesson: cell")
        #expect(pack.problems == [
            "pack/01-sequences.cards.yaml:1: this file sits beside 01-sequences.md, lesson \"sequences\", but names lesson \"cell\"",
            "pack/01-sequences.quiz.yaml:1: no lesson has id \"sequence\"; `lesson:` names the `id:` of a lesson's front matter",
        ])
    }

    @Test func webLinksImagesAndHTML() {
        var pack = EditedPack()
        pack.edit("01-sequences.md", "Words come *in order*", "Words<br> come *in order* (see https://example.org)")
        pack.edit("01-sequences.md", "Six words and a full stop.", "Six [words](https://example.org) and ![a stop](stop.png).")
        pack.edit("01-sequences.cards.yaml", "back: One word or mark.", "back: One <i>word</i> or mark.")
        #expect(pack.problems == [
            "pack/01-sequences.cards.yaml:8: raw HTML <i> is not allowed (write it in backticks if it is meant literally)",
            "pack/01-sequences.cards.yaml:8: raw HTML </i> is not allowed (write it in backticks if it is meant literally)",
            "pack/01-sequences.md:19: raw HTML <br> is not allowed (write it in backticks if it is meant literally)",
            "pack/01-sequences.md:19: web address https://example.org is not allowed in the text; put the source in the references block",
            "pack/01-sequences.md:43: links to the web are not allowed in the text; put the source in the references block",
            "pack/01-sequences.md:43: images are not part of the lesson format; describe the picture in words",
        ])
    }
}

@Suite struct QuizTests {
    @Test func singleWithNoCorrectOption() {
        var pack = EditedPack()
        pack.edit("01-sequences.quiz.yaml", "      - text: The first word\n        correct: true\n", "      - text: The first word\n")
        #expect(pack.problems == [
            "pack/01-sequences.quiz.yaml:6: a single question has exactly one correct option (`correct: true`); question \"seq-single\" has 0",
            "pack/01-sequences.quiz.yaml:7: the wrong option \"The first word\" has no `why:` (say why it is wrong)",
        ])
    }

    @Test func singleWithTwoCorrectOptions() {
        var pack = EditedPack()
        pack.edit("01-sequences.quiz.yaml", "        why: Order runs forward.", "        correct: true")
        #expect(pack.problems == [
            "pack/01-sequences.quiz.yaml:6: a single question has exactly one correct option (`correct: true`); question \"seq-single\" has 2",
        ])
    }

    @Test func multipleWithNoCorrectOptionAndTooFewOptions() {
        var pack = EditedPack()
        pack.edit("01-sequences.quiz.yaml", "      - text: A sentence\n        correct: true\n      - text: A melody\n        correct: true\n", "")
        #expect(pack.problems == [
            "pack/01-sequences.quiz.yaml:15: a multiple question has 2 to 6 options; question \"seq-multiple\" has 1",
            "pack/01-sequences.quiz.yaml:15: a multiple question has at least one correct option (`correct: true`); question \"seq-multiple\" has none",
        ])
    }

    @Test func wrongOptionWithoutWhy() {
        var pack = EditedPack()
        pack.edit("01-sequences.quiz.yaml", "        why: A set has no order.\n", "")
        #expect(pack.problems == ["pack/01-sequences.quiz.yaml:20: the wrong option \"A set\" has no `why:` (say why it is wrong)"])
    }

    @Test func missingExplanationAndEmptyPrompt() {
        var pack = EditedPack()
        pack.edit("01-sequences.quiz.yaml", "    explanation: Reading starts at the start.\n", "")
        pack.edit("01-sequences.quiz.yaml", "prompt: Order matters in a sentence.", "prompt:")
        #expect(pack.problems == [
            "pack/01-sequences.quiz.yaml:3: question \"seq-single\" has no `explanation:` (every question says why its answer is right)",
            "pack/01-sequences.quiz.yaml:24: `prompt` of question \"seq-true-false\" is empty",
        ])
    }

    @Test func numberAnswerThatIsNoNumber() {
        var pack = EditedPack()
        pack.edit("01-sequences.quiz.yaml", "answer: 4", "answer: about four")
        pack.edit("01-sequences.quiz.yaml", "answer: true", "answer: maybe")
        #expect(pack.problems == [
            "pack/01-sequences.quiz.yaml:26: `answer` must be true or false, not \"maybe\"",
            "pack/01-sequences.quiz.yaml:32: `answer` must be a number, like 640 or 0.25, not \"about four\"",
        ])
    }

    @Test func orderWithOneItem() {
        var pack = EditedPack()
        pack.edit("01-sequences.quiz.yaml", "      - cat\n      - sat\n", "")
        #expect(pack.problems == [
            "pack/01-sequences.quiz.yaml:38: an order question needs at least 2 items to put in order; question \"seq-order\" has 1",
        ])
    }

    @Test func keysOfAnotherKindAndUnknownKinds() {
        var pack = EditedPack()
        pack.edit("01-sequences.quiz.yaml", "    tolerance: 0.5\n", "    tolerance: 0.5\n    items: [a, b]\n")
        pack.edit("01-sequences.quiz.yaml", "kind: order", "kind: ranking")
        pack.edit("01-sequences.quiz.yaml", "    why_wrong:", "    hint: Look.\n    why_wrong:")
        #expect(pack.problems == [
            "pack/01-sequences.quiz.yaml:27: unknown key `hint` in a question; the keys are id, kind, depth, prompt, options, answer, tolerance, items, why_wrong, explanation, see",
            "pack/01-sequences.quiz.yaml:35: `items` does not belong in a number question",
            "pack/01-sequences.quiz.yaml:38: unknown question kind \"ranking\"; the question kinds are single, multiple, true-false, number, order",
        ])
    }

    @Test func emptyCardSides() {
        var pack = EditedPack()
        pack.edit("01-sequences.cards.yaml", "front: Token", "front: \"\"")
        pack.edit("01-sequences.cards.yaml", "back: Items whose order matters.", "back:")
        #expect(pack.problems == [
            "pack/01-sequences.cards.yaml:5: `back` of card \"card-sequence\" is empty",
            "pack/01-sequences.cards.yaml:7: `front` of card \"card-token\" is empty",
        ])
    }
}

@Suite struct TextTests {
    @Test func controlCharactersTabsIncluded() {
        var pack = EditedPack()
        pack.edit("01-sequences.md", "A sentence is a train", "A sentence\tis a train")
        pack.edit("01-sequences.md", "Order, order, order.", "Order, order,\u{7} order.")
        pack.edit("01-sequences.quiz.yaml", "    prompt: Which comes first?", "    prompt: Which\tcomes first?")
        #expect(pack.problems == [
            "pack/01-sequences.md:22: a tab character; indent with spaces",
            "pack/01-sequences.md:53: control character U+0007 is not allowed in lesson files",
            "pack/01-sequences.quiz.yaml:5: a tab character; indent with spaces",
        ])
    }

    @Test func windowsLineEndingsAreReportedOnce() {
        var pack = EditedPack()
        pack.files["02-cell.md"] = Fixture.cell.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(pack.problems == ["pack/02-cell.md:1: the file has Windows line endings (CR LF); save it with LF line endings"])
    }

    @Test func refusedMarkdown() {
        var pack = EditedPack()
        pack.edit("02-cell.md", "Standard text.", "Standard text.\n\n| a | b |\n\n> quoted\n\n#### Too deep\n\n---\n\n- item\n  - nested")
        #expect(pack.problems == [
            "pack/02-cell.md:19: tables are not part of the lesson format; use a list or a code block",
            "pack/02-cell.md:21: quotations (`>`) are not part of the lesson format",
            "pack/02-cell.md:23: headings go three levels deep (#, ##, ###); this one has 4",
            "pack/02-cell.md:25: `---` only separates a dilemma's question from its discussion; horizontal rules are not part of the lesson format",
            "pack/02-cell.md:28: lists have one level; write this item without indenting it",
        ])
    }

    @Test func unclosedCodeSpan() {
        var pack = EditedPack()
        pack.edit("02-cell.md", "Standard text.", "Standard `text.")
        #expect(pack.problems == ["pack/02-cell.md:17: a code span opened with ` is never closed (add the closing `)"])
    }
}

@Suite struct BlockTests {
    @Test func missingDepth() {
        var pack = EditedPack()
        pack.edit("02-cell.md", "::: standard\nStandard text.\n:::\n", "")
        #expect(pack.problems == [
            "pack/02-cell.md:1: the lesson has no `::: standard` block (every lesson is written at all three depths)",
        ])
    }

    @Test func missingParts() {
        var pack = EditedPack()
        pack.edit("02-cell.md", "::: analogy\nA picture.\n:::\n", "")
        pack.edit("02-cell.md", "::: memory-aid\nA rhyme.\n:::\n", "")
        pack.edit("02-cell.md", "::: example Step\nA step.\n:::\n", "")
        pack.edit("02-cell.md", "::: dilemma\nQuestion?\n---\nDiscussion.\n:::\n", "")
        pack.edit("02-cell.md", "::: glossary\ncell: the step function\n:::\n", "")
        pack.edit("02-cell.md", "::: references\nA book.\n:::\n", "")
        #expect(pack.problems == [
            "pack/02-cell.md:1: the lesson has no `::: analogy` block (every lesson has at least one: an analogy)",
            "pack/02-cell.md:1: the lesson has no `::: memory-aid` block (every lesson has at least one: a memory aid)",
            "pack/02-cell.md:1: the lesson has no `::: example` block (every lesson has at least one: a worked example)",
            "pack/02-cell.md:1: the lesson has no `::: glossary` block (exactly one, outside the depth blocks)",
            "pack/02-cell.md:1: the lesson has no `::: references` block (exactly one, outside the depth blocks)",
            "pack/02-cell.md:1: the lesson has no `::: dilemma` block (one to three: an open question, `---`, its discussion)",
        ])
    }

    @Test func glossaryTwiceAndInsideADepth() {
        var pack = EditedPack()
        pack.edit("02-cell.md", "Deep text.\n", "Deep text.\n\n::: glossary\nstep: one word\n:::\n")
        pack.edit("02-cell.md", "A book.\n:::\n", "A book.\n:::\n\n::: references\nAnother book.\n:::\n")
        #expect(pack.problems == [
            "pack/02-cell.md:23: the glossary block belongs outside the depth and other blocks (it shows at every depth); close `::: deep` (line 20) first",
            "pack/02-cell.md:46: a second `::: glossary` block (the first is on line 23); a lesson has exactly one",
            "pack/02-cell.md:54: a second `::: references` block (the first is on line 50); a lesson has exactly one",
        ])
    }

    @Test func dilemmaWithoutDiscussionAndTooManyDilemmas() {
        var pack = EditedPack()
        let dilemma = "::: dilemma\nQuestion?\n---\nDiscussion.\n:::\n"
        pack.edit("02-cell.md", dilemma, "::: dilemma\nQuestion?\n:::\n" + dilemma + dilemma + dilemma)
        #expect(pack.problems == [
            "pack/02-cell.md:35: the dilemma has no discussion: add a line `---` after the question, then the discussion",
            "pack/02-cell.md:48: a lesson has one to three dilemmas; this is dilemma number 4",
        ])
    }

    @Test func unclosedBlock() {
        var pack = EditedPack()
        pack.edit("01-sequences.md", "Not for a bag of words.\n:::\n", "Not for a bag of words.\n")
        #expect(pack.problems == [
            "pack/01-sequences.md:47: `::: deep` is never closed (add a line `:::` after its text)",
            "pack/01-sequences.md:64: the glossary block belongs outside the depth and other blocks (it shows at every depth); close `::: deep` (line 47) first",
            "pack/01-sequences.md:69: the references block belongs outside the depth and other blocks (it shows at every depth); close `::: deep` (line 47) first",
        ])
    }

    @Test func strayCloser() {
        var pack = EditedPack()
        pack.edit("01-sequences.md", ":::\n:::\n\n::: standard", ":::\n:::\n:::\n\n::: standard")
        #expect(pack.problems == ["pack/01-sequences.md:25: a stray `:::` closes nothing (no block is open here)"])
    }

    @Test func depthInsideDepthAndUnknownBlocks() {
        var pack = EditedPack()
        pack.edit("02-cell.md", "Basic text linking back to [sequences](lesson:sequences).\n:::\n",
                  "Basic text linking back to [sequences](lesson:sequences).\n\n::: sidebar\nAside.\n:::\n")
        #expect(pack.problems == [
            "pack/02-cell.md:12: `::: basic` is never closed (add a line `:::` after its text)",
            "pack/02-cell.md:15: unknown block `::: sidebar`; the blocks are basic, standard, deep, objectives, analogy, memory-aid, example, figure, dilemma, dialogue, recap, glossary, references",
            "pack/02-cell.md:15: `::: sidebar` cannot sit inside `::: basic` (line 12); blocks do not nest, except analogy, memory-aid, example, figure, dilemma, dialogue and recap inside a depth",
            "pack/02-cell.md:19: `::: standard` opens inside `::: basic` (line 12); depth blocks do not nest: close that one with a line `:::` first",
            "pack/02-cell.md:23: `::: deep` opens inside `::: basic` (line 12); depth blocks do not nest: close that one with a line `:::` first",
            "pack/02-cell.md:45: the glossary block belongs outside the depth and other blocks (it shows at every depth); close `::: basic` (line 12) first",
            "pack/02-cell.md:49: the references block belongs outside the depth and other blocks (it shows at every depth); close `::: basic` (line 12) first",
        ])
    }

    @Test func buildsOnOnlyALowerDepthAndExamplesNeedATitle() {
        var pack = EditedPack()
        pack.edit("02-cell.md", "::: standard\n", "::: standard builds-on deep\n")
        pack.edit("02-cell.md", "::: example Step\n", "::: example\n")
        pack.edit("02-cell.md", "::: analogy\n", "::: analogy Trains\n")
        #expect(pack.problems == [
            "pack/02-cell.md:16: write `::: standard` or `::: standard builds-on basic`; a depth builds on a lower one (basic)",
            "pack/02-cell.md:23: `::: analogy` takes no title; write its text on the lines below it",
            "pack/02-cell.md:31: `::: example` needs a title, like `::: example One step by hand`",
        ])
    }
}

@Suite struct PackTests {
    @Test func anEmptyFolderHasNoLessons() throws {
        let folder = try temporaryPack(["README.md": "# A pack\n", "notes.txt": "to do\n"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try CoursePack.check(directory: folder.path)
        #expect(report.problems.map(\.description) == [
            "\(folder.path): no lessons here: a lesson pack is a folder of NN-slug.md files (see FORMAT.md)",
            "\(folder.path)/notes.txt: warning: not part of a lesson pack (lessons are NN-slug.md, quizzes NN-slug.quiz.yaml, flashcards NN-slug.cards.yaml, tasks NN-slug.tasks.yaml); ignored",
        ])
        #expect(report.summary == "0 lessons, 0 questions, 0 cards, 0 figures, 0 items without a depth, 1 problem, 1 warning")
    }

    @Test func loadingAnInvalidPackFailsWithTheSameProblems() throws {
        var pack = EditedPack()
        pack.edit("01-sequences.md", "(lesson:cell)", "(lesson:cells)")
        let folder = try temporaryPack(pack.files)
        defer { try? FileManager.default.removeItem(at: folder) }
        let checked = try CoursePack.check(directory: folder.path)
        #expect(checked.errors.map(\.description) == ["\(folder.path)/01-sequences.md:29: the link goes to lesson \"cells\", but no lesson has that id"])
        #expect(throws: CoursePackError.invalid(checked.errors)) { try CoursePack.load(directory: folder.path) }
    }

    @Test func aMissingFolderIsOneClearLine() {
        #expect(throws: CoursePackError.unreadableFolder(path: "/no/such/pack", reason: "no such folder (a lesson pack is a folder of NN-slug.md files)")) {
            try CoursePack.load(directory: "/no/such/pack")
        }
    }

    @Test func invalidUTF8IsReportedAtItsLine() throws {
        let folder = try temporaryPack(Fixture.files)
        defer { try? FileManager.default.removeItem(at: folder) }
        var bytes = Data(Fixture.cards.utf8)
        bytes.insert(0xFF, at: bytes.firstIndex(of: UInt8(ascii: "T"))!)   // in "Token", line 7
        try bytes.write(to: folder.appendingPathComponent("01-sequences.cards.yaml"))
        let report = try CoursePack.check(directory: folder.path)
        #expect(report.errors.map(\.description) == ["\(folder.path)/01-sequences.cards.yaml:7: this line is not UTF-8 text; save the file as UTF-8"])
    }
}
