import Course
import Foundation
import Practice
import Testing

/// Which questions a round asks, by the depth each lesson is read at.
@Suite struct PracticeDepthTests {
    static func question(_ id: String, lesson: String, _ depth: LessonDepth) -> QuizQuestion {
        QuizQuestion(id: id, lessonID: lesson, prompt: "?", kind: .trueFalse(answer: true, whyWrong: nil), explanation: ".", depth: depth)
    }
    static let course = CoursePack(lessons: [], questions: [
        question("a-basic", lesson: "a", .basic), question("a-standard", lesson: "a", .standard), question("a-deep", lesson: "a", .deep),
        question("b-basic", lesson: "b", .basic), question("b-standard", lesson: "b", .standard), question("b-deep", lesson: "b", .deep),
    ], flashcards: [])

    @Test func aLessonsRoundAsksItsDepthAndTheOnesBelow() {
        #expect(QuizRound.lesson("a", in: Self.course, depth: .basic).questions.map(\.id) == ["a-basic"])
        #expect(QuizRound.lesson("a", in: Self.course, depth: .standard).questions.map(\.id) == ["a-basic", "a-standard"])
        #expect(QuizRound.lesson("a", in: Self.course, depth: .deep).questions.map(\.id) == ["a-basic", "a-standard", "a-deep"])
    }

    @Test func theRoundsScoreCarriesItsDepthAndARetryKeepsIt() {
        var round = QuizRound.lesson("a", in: Self.course, depth: .standard)
        round.record("a-basic", correct: true)
        round.record("a-standard", correct: false)
        #expect(round.score == QuizScore(correct: 1, total: 2, depth: .standard))
        #expect(round.score.label == "1/2 at standard")
        #expect(round.retryingMissed().depth == .standard)
    }

    @Test func theMixedReviewFollowsEachLessonsDepth() {
        var snapshot = ProgressSnapshot()
        var b = LessonProgress()
        b.depth = "deep"
        snapshot.lessons["b"] = b
        // Lesson a never opened: basic; lesson b read at deep.
        #expect(snapshot.practiceDepth(of: "a") == .basic)
        let round = QuizRound.mixedReview(course: Self.course, history: [:], count: 10, depth: snapshot.practiceDepth(of:), seed: 3)
        #expect(Set(round.questions.map(\.id)) == ["a-basic", "b-basic", "b-standard", "b-deep"])
        #expect(round.depth == nil && round.score.label == "0/4")
    }
}
