import Course
import Foundation
import Testing
@testable import TutorUI

/// Dialogues in the lesson text and the FAQ screen, driven through `update` and read back from `view`.
@Suite struct DialogueAndFAQScreenTests {
    static let turns = [
        DialogueTurn(speaker: "Teacher", text: [.text("What does the cell keep from the start of the sentence?")]),
        DialogueTurn(speaker: "Maya", text: [.text("Every word, in a list that grows.")]),
    ]

    @Test func speakersStandInAColumnAndTheirTurnsWrapBesideIt() {
        let lines = TextLayout.lines([.dialogue(title: "A list?", turns: Self.turns)], width: 40, ascii: false)
        #expect(lines.map(\.text) == [
            "Dialogue: A list?",
            "  Teacher: What does the cell keep from",
            "           the start of the sentence?",
            "  Maya:    Every word, in a list that",
            "           grows.",
            "",
        ])
        // The names are bold (readable without colour), the teacher's in another colour than the student's.
        let teacher = lines[1].runs.first { $0.text.hasPrefix("Teacher") }!, maya = lines[3].runs.first { $0.text.hasPrefix("Maya") }!
        #expect(teacher.style.bold && maya.style.bold && teacher.style.foreground != maya.style.foreground)
    }

    @Test func onANarrowColumnEachNameStandsAboveItsTurn() {
        let lines = TextLayout.lines([.dialogue(title: "", turns: Self.turns)], width: 24, ascii: true)
        #expect(lines.map(\.text).prefix(5) == ["Dialogue", "  Teacher:", "    What does the cell", "    keep from the start", "    of the sentence?"])
    }

    @Test func everyLessonShowsItsDialogueAtBasicDepth() throws {
        var s = try UpdateAndViewTests.state()
        for index in s.course.lessons.indices {
            s.selectedLesson = index
            // (on the course screen the lines are those of the chosen lesson at basic depth)
            #expect(s.lessonLines.contains { $0.text.hasPrefix("Dialogue: ") }, "\(s.course.lessons[index].fileName)")
            #expect(s.lessonLines.contains { $0.text.hasPrefix("  Teacher: ") }, "\(s.course.lessons[index].fileName)")
        }
    }

    @Test func theFAQFiltersAsTheLearnerTypesAndEscClearsThenLeaves() throws {
        var s = try UpdateAndViewTests.state(width: 100, height: 30)
        _ = update(&s, .key(.character("f")))
        #expect(s.screen.kind == .faq && view(s).text.contains("Questions and answers · \(s.course.faq.count) of \(s.course.faq.count)"))
        for character in "clip" { _ = update(&s, .key(.character(character))) }
        #expect(s.faq?.query.text == "clip")
        let matches = s.faqMatches
        #expect(!matches.isEmpty && matches.count < s.course.faq.count)
        #expect(matches[0].question.lowercased().contains("clip"))   // a question holding the word comes first
        #expect(view(s).text.contains("▶ " + matches[0].question))
        // Letters that are keys elsewhere (q quits, ? helps) are part of the query here.
        _ = update(&s, .key(.character("q")))
        _ = update(&s, .key(.character("?")))
        #expect(s.faq?.query.text == "clipq?" && !s.quit && !s.showHelp)
        #expect(view(s).text.contains("No question holds every word"))
        _ = update(&s, .key(.backspace))
        _ = update(&s, .key(.backspace))
        #expect(s.faqMatches == matches)
        _ = update(&s, .key(.escape))
        #expect(s.screen.kind == .faq && s.faq?.query.text == "")
        _ = update(&s, .key(.character("?")))   // with an empty query, ? is the help again
        #expect(s.showHelp && helpLines(for: s).contains { $0.contains("filter the questions") })
        _ = update(&s, .key(.escape))
        _ = update(&s, .key(.escape))
        #expect(s.screen.kind == .course && s.faq == nil)
    }

    @Test func anAnswerOpensItsLinksFollowAndEscComesBackToIt() throws {
        var s = try UpdateAndViewTests.state(width: 100, height: 30)
        _ = update(&s, .key(.character("f")))
        for character in "race" { _ = update(&s, .key(.character(character))) }
        let entry = try #require(s.faqMatches.first)
        _ = update(&s, .key(.enter))
        #expect(s.faq?.reading == entry.id && view(s).text.contains(entry.question))
        #expect(view(s).text.contains("Go deeper"))
        _ = update(&s, .key(.character("g")))
        let link = try #require(s.faq?.selectedLink)
        #expect(s.status.hasPrefix("link to \""))
        #expect(view(s).cells.contains { $0.style.reverse && $0.style.underline })
        _ = update(&s, .key(.enter))
        #expect(s.screen.kind == .lesson && s.status.contains("Esc goes back to the question"))
        let target = s.lesson?.id
        #expect(target == entry.answer.flatMap { $0 }.compactMap { if case .lessonLink(let id, _) = $0 { id } else { nil } }.first
                ?? entry.see.first)
        _ = update(&s, .key(.escape))
        #expect(s.screen.kind == .faq && s.faq?.reading == entry.id && s.faq?.selectedLink == link && s.faq?.query.text == "race")
        _ = update(&s, .key(.escape))
        #expect(s.screen.kind == .faq && s.faq?.reading == nil)
    }

    @Test func aPackWithoutAFAQSaysSo() throws {
        let full = try UpdateAndViewTests.state()
        var s = TutorState(course: CoursePack(lessons: full.course.lessons, questions: [], flashcards: []), models: [],
                           width: 100, height: 30, ascii: false, color: true)
        _ = update(&s, .key(.character("f")))
        #expect(s.screen.kind == .course && s.status.contains("no FAQ"))
    }
}

@Suite struct FAQScreenSizeTests {
    /// The list and an answer draw at every size without a crash, and send only ASCII under --ascii.
    @Test(arguments: [(40, 12), (41, 13), (60, 20), (200, 60)])
    func theFAQDrawsAtEverySize(width: Int, height: Int) throws {
        var s = try UpdateAndViewTests.state(width: width, height: height)
        s.ascii = true
        _ = update(&s, .key(.character("f")))
        for character in "rnn" { _ = update(&s, .key(.character(character))) }
        _ = update(&s, .key(.end))
        #expect(view(s).cells.allSatisfy { $0.text.allSatisfy(\.isASCII) })
        _ = update(&s, .key(.enter))
        _ = update(&s, .key(.pageDown))
        _ = update(&s, .key(.character("g")))
        #expect(s.faq?.reading != nil && view(s).cells.allSatisfy { $0.text.allSatisfy(\.isASCII) })
        _ = update(&s, .resize(width: 30, height: 10))
        #expect(view(s).text.contains("Make the window larger"))
    }
}
