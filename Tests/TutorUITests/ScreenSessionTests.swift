import Foundation
import Testing
@testable import TutorUI

/// Each screen carries its session; a screen opened from another waits on the return
/// stack, and Esc comes back to the one below exactly as it was left.
@Suite struct ScreenSessionTests {
    func lesson(_ id: String, width: Int = 100, height: Int = 24) throws -> TutorState {
        var s = try UpdateAndViewTests.state(width: width, height: height)
        s.selectedLesson = try #require(s.course.lessons.firstIndex { $0.id == id })
        _ = s.press(.open)
        return s
    }

    @Test func aQuizOpenedInALessonGoesBackToTheLessonAsItWas() throws {
        var s = try lesson("lstm")
        for _ in 0..<5 { _ = s.press(.down) }
        _ = s.press(.nextWord)
        _ = s.press(.chooseGRU)
        let before = try #require(s.lessonSession)
        #expect(before.textScroll == 5 && before.cursorWord == 1)
        _ = s.press(.lessonQuiz)
        #expect(s.screen.kind == .quiz && s.lessonSession == nil)
        #expect(s.returnStack.map(\.kind) == [.lesson])
        _ = s.press(.answerTrue)   // any answer: the quiz session moves on, the lesson waits as it was
        _ = s.press(.back)
        let after = try #require(s.lessonSession)
        #expect(s.returnStack.isEmpty && s.quiz == nil)
        #expect(after.textScroll == 5 && after.cursorWord == 1 && s.model?.cell == .gru && after.sentence == before.sentence)
        _ = s.press(.back)
        #expect(s.screen == .course && s.returnStack.isEmpty)
    }

    @Test func anExperimentFromALessonReturnsToItAndTheCourseIsTheRoot() throws {
        var s = try lesson("vanishing-exploding")
        _ = s.press(.explorer)
        #expect(s.experiment?.kind == .explorer && s.returnStack.map(\.kind) == [.lesson])
        _ = s.press(.back)
        #expect(s.screen.kind == .lesson && s.returnStack.isEmpty && s.status == "experiment closed")
        _ = s.press(.back)
        _ = s.press(.race)   // from the course nothing waits below: Esc lands on the course
        #expect(s.experiment?.kind == .race && s.returnStack.isEmpty)
        _ = s.press(.back)
        #expect(s.screen == .course)
    }

    @Test func helpOpensOverAnyScreenAndLeavesItsSessionAlone() throws {
        var s = try lesson("lstm")
        _ = s.press(.lessonQuiz)
        let quiz = try #require(s.quiz)
        _ = s.press(.help)
        #expect(s.showHelp && view(s).text.contains("Keys (any key closes)"))
        _ = update(&s, .key(.character("2")))   // closes the help; the quiz takes no answer from it
        #expect(!s.showHelp && s.quiz == quiz)
    }
}
