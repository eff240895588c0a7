import Course
import Foundation
import Practice
import Testing
@testable import TutorUI

/// Links, going back, progress, resuming, the sentence editor and the marks
/// for what moved: driven through `update` and read back from `view`.
@Suite struct NavigationTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func lessonState(_ id: String, width: Int = 140, height: Int = 45) throws -> TutorState {
        var s = try UpdateAndViewTests.state(width: width, height: height)
        s.now = start
        s.selectedLesson = try #require(s.course.lessons.firstIndex { $0.id == id })
        _ = update(&s, .key(.enter))
        return s
    }

    @Test func aLinkIsSelectedFollowedAndEscComesBack() throws {
        var s = try lessonState("sequences")
        _ = update(&s, .key(.character("d")))   // standard depth: its text links to later lessons
        let scrolledTo = s.lessonSession!.textScroll
        _ = update(&s, .key(.character("g")))
        let selected = try #require(s.lessonSession!.selectedLink)
        #expect(s.status.hasPrefix("link to \""))
        // The selected link is drawn reversed, somewhere in view.
        let grid = view(s)
        #expect(grid.cells.contains { $0.style.reverse && $0.style.underline })
        _ = update(&s, .key(.enter))
        #expect(s.lesson?.id != "sequences" && s.returnStack.count == 1)
        #expect(s.status.contains("Esc goes back"))
        _ = update(&s, .key(.escape))
        #expect(s.lesson?.id == "sequences" && s.screen.kind == .lesson && s.lessonSession!.depth == .standard)
        #expect(s.lessonSession!.textScroll >= scrolledTo && s.returnStack.isEmpty)
        // Back where it was, as a browser comes back: the link followed is still the one selected.
        #expect(s.lessonSession!.selectedLink == selected)
        _ = update(&s, .key(.character("g")))
        #expect(s.lessonSession!.selectedLink != selected || linkCount(s) == 1)
        _ = update(&s, .key(.escape))
        #expect(s.screen.kind == .course)
    }

    func linkCount(_ s: TutorState) -> Int { Set(s.lessonLines.flatMap(\.links).map(\.ordinal)).count }

    @Test func enterWithoutASelectedLinkSaysHowToSelectOne() throws {
        var s = try lessonState("sequences")
        _ = update(&s, .key(.enter))
        #expect(s.screen.kind == .lesson && s.status.contains("g selects"))
    }

    @Test func readingToTheEndAndLeavingAreQueuedForTheStore() throws {
        var s = try lessonState("bptt", width: 100, height: 24)
        var effects: [Effect] = []
        for _ in 0..<100 { effects += update(&s, .key(.pageDown)) }
        #expect(s.lessonSession!.textScroll == s.maximumTextScroll && s.maximumTextScroll > 0)
        #expect(effects == [.record(.read(lesson: "bptt", at: start))])
        effects = update(&s, .key(.escape))
        #expect(effects == [.record(.position(lesson: "bptt", depth: "basic", line: s.maximumTextScroll, at: start)),
                            .record(.lab(lesson: "bptt", word: 0, cell: "rnn", sentence: nil))])
        #expect(s.progress.lastLesson == "bptt")
        #expect(view(s).text.contains("✓ read"))
    }

    @Test func theCourseScreenShowsScoresAndCardsDue() throws {
        var s = try UpdateAndViewTests.state()
        var progress = LessonProgress()
        progress.read = true
        progress.lastScore = QuizScore(correct: 7, total: 10)
        progress.bestScore = QuizScore(correct: 9, total: 10)
        progress.cardsDue = 3
        s.progress.lessons["lstm"] = progress
        var text = view(s).text
        #expect(text.contains("✓ read · quiz 7/10 (best 9/10) · 3 cards to review"))
        #expect(text.contains("3 cards to review (r)."))
        #expect(CourseScreen.summary(of: nil, ascii: false).isEmpty)
        // Today's new cards count too: the review would hold them (here, in a lesson not yet opened).
        var untouched = LessonProgress()
        untouched.cardsNew = 5
        s.progress.lessons["gru"] = untouched
        text = view(s).text
        #expect(text.contains("8 cards to review (r)."))
        #expect(CourseScreen.summary(of: untouched, ascii: false).isEmpty)
        progress.depth = "basic"
        progress.cardsNew = 2
        #expect(CourseScreen.summary(of: progress, ascii: false).hasSuffix("· 5 cards to review"))
    }

    @Test func theTutorResumesWhereTheLearnerLeftOff() throws {
        var s = try UpdateAndViewTests.state(width: 100, height: 24)
        var progress = LessonProgress()
        progress.depth = "standard"
        progress.position = 7
        s.progress.lessons["lstm"] = progress
        s.progress.lastLesson = "lstm"
        _ = update(&s, .started)
        #expect(s.screen.kind == .lesson && s.lesson?.id == "lstm" && s.lessonSession!.depth == .standard && s.lessonSession!.textScroll == 7)
        #expect(s.status.hasPrefix("Back in"))
        // With no history, start on the course screen.
        var fresh = try UpdateAndViewTests.state()
        _ = update(&fresh, .started)
        #expect(fresh.screen.kind == .course)
    }

    @Test func theLineEditorStepsOverWholeCharacters() {
        var editor = LineEditor("")
        for key: Key in [.character("e"), .character("\u{301}"), .character("👍"), .character("한")] { _ = editor.apply(key) }
        #expect(editor.text == "é👍한" && editor.cursor == 3)
        _ = editor.apply(.left)
        _ = editor.apply(.backspace)
        #expect(editor.text == "é한" && editor.cursor == 1)
        _ = editor.apply(.home)
        _ = editor.apply(.delete)
        #expect(editor.text == "한" && editor.cursor == 0)
        _ = editor.apply(.character("\u{01}"))   // Ctrl-A is not text
        #expect(editor.text == "한")
        let handledTab = editor.apply(.tab)
        #expect(!handledTab)
        var long = LineEditor(String(repeating: "a", count: LineEditor.limit))
        _ = long.apply(.character("b"))
        let length = long.text.count
        #expect(length == LineEditor.limit)
    }

    @Test func editingTheSentenceRetracesItAndMarksUnknownWords() throws {
        var s = try lessonState("sequences")
        let old = s.lessonSession!.sentence
        _ = update(&s, .key(.character("e")))
        #expect(s.lessonSession!.editor?.text == old)
        _ = update(&s, .key(.escape))
        #expect(s.lessonSession!.editor == nil && s.lessonSession!.sentence == old)

        _ = update(&s, .key(.character("e")))
        _ = update(&s, .key(.home))
        for _ in 0..<old.count { _ = update(&s, .key(.delete)) }
        for character in "the zqxv cat sat ." { _ = update(&s, .key(.character(character))) }
        // While typing, the editor names the unknown word; `?` is text here, not help.
        #expect(view(s).text.contains("unknown: \"zqxv\""))
        _ = update(&s, .key(.enter))
        #expect(s.lessonSession!.editor == nil && s.lessonSession!.sentence == "the zqxv cat sat .")
        #expect(s.lessonSession!.trace?.tokens == ["the", "zqxv", "cat", "sat", "."])
        #expect(s.status.contains("1 unknown"))
        let grid = view(s)
        #expect(grid.cells.contains { $0.text == "z" && $0.style.foreground == .red })

        _ = update(&s, .key(.character("e")))
        for _ in 0..<40 { _ = update(&s, .key(.backspace)) }
        _ = update(&s, .key(.enter))
        #expect(s.lessonSession!.editor != nil && s.status.contains("at least one word"))
    }

    @Test func unitsThatMovedAfterAKeyAreMarked() throws {
        var s = try lessonState("sequences")
        #expect(s.lessonSession!.previousHidden == nil)
        _ = update(&s, .key(.right))
        #expect(s.lessonSession!.previousHidden != nil)
        let marked = view(s).text
        #expect(marked.contains("▲") || marked.contains("▼"))
        #expect(marked.contains("▲▼ moved"))
        _ = update(&s, .key(.tab))   // nothing in the network moved
        #expect(s.lessonSession!.previousHidden == nil)
    }

    /// Under --ascii the screens spell their own text; the final fold may only map single
    /// glyphs it has an ASCII character for. A "?" may stand only for what the learner typed.
    @Test func asciiScreensSpellTheirOwnASCIIBeforeTheFold() throws {
        var s = try UpdateAndViewTests.fixtureState(width: 120, height: 40)
        s.ascii = true
        let typed = " café 한국 👍🏽"
        var frames = [unfoldedView(s)]
        _ = update(&s, .key(.escape))
        #expect(!s.quit && s.status.contains("q quits"))   // Esc does not leave the tutor by accident
        _ = update(&s, .key(.enter))
        _ = update(&s, .key(.character("d")))
        _ = update(&s, .key(.character("d")))
        frames.append(unfoldedView(s))
        _ = update(&s, .key(.pageDown))
        frames.append(unfoldedView(s))
        _ = update(&s, .key(.tab))
        _ = update(&s, .key(.character("o")))
        frames.append(unfoldedView(s))
        _ = update(&s, .key(.character("?")))
        frames.append(unfoldedView(s))
        _ = update(&s, .key(.character("?")))
        _ = update(&s, .key(.character("e")))
        for character in typed { _ = update(&s, .key(.character(character))) }
        frames.append(unfoldedView(s))
        _ = update(&s, .key(.enter))
        frames.append(unfoldedView(s))
        _ = update(&s, .key(.character("t")))
        _ = update(&s, .key(.character("1")))
        frames.append(unfoldedView(s))
        _ = update(&s, .key(.escape))
        _ = update(&s, .key(.escape))
        _ = update(&s, .key(.character("x")))
        frames.append(unfoldedView(s))
        for (i, frame) in frames.enumerated() {
            let unspelled = Set(frame.cells.map(\.text).filter { !CellGrid.foldSpells($0) })
            #expect(unspelled.isSubset(of: Set(typed.map(String.init))), "frame \(i): the fold would show ? for \(unspelled)")
        }
        // The lesson's own symbols are spelled, not folded: h_t, not a lone "t" from "ₜ".
        #expect(!frames[1].cells.contains { $0.text == "ₜ" })
    }

    @Test func theGlossaryAndSourcesFollowTheText() throws {
        var s = try lessonState("sequences")
        s.lessonSession!.depth = .deep
        let text = s.lessonLines.map(\.text)
        let glossary = try #require(text.firstIndex(of: "Glossary"))
        #expect(text.firstIndex(of: "Sources")! > glossary)
        #expect(text.contains { $0.contains("hidden state:") })
    }

    @Test func theGlossaryHoldsTheTermsOfTheReadersDepthAndBelow() throws {
        var s = try lessonState("sequences")
        let lesson = try #require(s.lesson)
        for depth in LessonDepth.allCases {
            s.lessonSession!.depth = depth
            let text = s.lessonLines.map(\.text)
            let shown = lesson.glossary.filter { entry in text.contains { $0.contains(entry.term + ":") } }
            #expect(shown == lesson.glossary(at: depth), "at \(depth)")
            #expect(text.contains("Glossary") == !lesson.glossary(at: depth).isEmpty)
        }
    }
}
