import Course
import Foundation
import Practice
import Testing

/// Marking, answer parsing, order shuffles and quiz rounds, on hand-made questions.
@Suite struct QuizMarkingTests {
    static func question(_ id: String, _ kind: QuizQuestion.Kind, lesson: String = "l1") -> QuizQuestion {
        QuizQuestion(id: id, lessonID: lesson, prompt: "Prompt of \(id)?", kind: kind, explanation: "Because \(id).")
    }
    let single = question("single", .single(options: [
        QuizOption(text: "A", isCorrect: false, why: "A is too small."),
        QuizOption(text: "B", isCorrect: true),
        QuizOption(text: "C", isCorrect: false, why: "C is a different thing."),
    ]))
    let multiple = question("multiple", .multiple(options: [
        QuizOption(text: "A", isCorrect: true),
        QuizOption(text: "B", isCorrect: false, why: "B has no memory."),
        QuizOption(text: "C", isCorrect: true),
    ]))
    let trueFalse = question("tf", .trueFalse(answer: false, whyWrong: "Lengths differ."))
    let number = question("number", .number(answer: 0.25, tolerance: 0.01))
    let order = question("order", .order(items: ["first", "second", "third", "fourth"]))

    @Test func singleChoice() {
        let right = QuizMarking.mark(single, .option(1))
        #expect(right.correct && right.whyWrong.isEmpty && right.explanation == "Because single.")
        let wrong = QuizMarking.mark(single, .option(2))
        #expect(!wrong.correct)
        #expect(wrong.whyWrong == ["C is a different thing."])
        #expect(wrong.rightAnswer == "2. B")
        #expect(!QuizMarking.mark(single, .option(7)).correct)
        #expect(!QuizMarking.mark(single, .option(-1)).correct)
    }

    @Test func multipleChoiceNeedsExactlyTheRightSet() {
        #expect(QuizMarking.mark(multiple, .options([0, 2])).correct)
        let partial = QuizMarking.mark(multiple, .options([0]))
        #expect(!partial.correct)
        #expect(partial.whyWrong == ["You left out “C”, which is right too."])
        let extra = QuizMarking.mark(multiple, .options([0, 1, 2]))
        #expect(!extra.correct)
        #expect(extra.whyWrong == ["B has no memory."])
        #expect(!QuizMarking.mark(multiple, .options([])).correct)
        #expect(!QuizMarking.mark(multiple, .options([0, 2, 5])).correct)
    }

    @Test func trueFalseGivesWhyWrongOnlyWhenWrong() {
        #expect(QuizMarking.mark(trueFalse, .trueFalse(false)) ==
                QuizMark(correct: true, whyWrong: [], rightAnswer: "false", explanation: "Because tf."))
        #expect(QuizMarking.mark(trueFalse, .trueFalse(true)).whyWrong == ["Lengths differ."])
    }

    @Test func numbersWithinTheToleranceAreRight() {
        #expect(QuizMarking.mark(number, .number(0.25)).correct)
        #expect(QuizMarking.mark(number, .number(0.255)).correct)
        #expect(QuizMarking.mark(number, .number(0.2401)).correct)
        #expect(!QuizMarking.mark(number, .number(0.27)).correct)
        #expect(!QuizMarking.mark(number, .number(.nan)).correct)
        #expect(!QuizMarking.mark(number, .number(.infinity)).correct)
        let exact = Self.question("exact", .number(answer: 640, tolerance: 0))
        #expect(QuizMarking.mark(exact, .number(640)).correct)
        #expect(!QuizMarking.mark(exact, .number(640.0001)).correct)
        #expect(QuizMarking.mark(number, .number(1)).rightAnswer == "0.25 (± 0.01)")
    }

    @Test func orderIsRightOnlyInTheCorrectOrder() {
        #expect(QuizMarking.mark(order, .order([0, 1, 2, 3])).correct)
        #expect(!QuizMarking.mark(order, .order([1, 0, 2, 3])).correct)
        #expect(!QuizMarking.mark(order, .order([0, 1, 2])).correct)
        #expect(QuizMarking.mark(order, .order([])).rightAnswer == "first → second → third → fourth")
    }

    @Test func anAnswerOfAnotherKindIsWrong() {
        #expect(!QuizMarking.mark(single, .trueFalse(true)).correct)
        #expect(!QuizMarking.mark(number, .option(0)).correct)
    }

    @Test func theShownOrderIsSeededAndNeverTheAnswer() {
        let shown = QuizMarking.shownOrder(order)
        #expect(shown == QuizMarking.shownOrder(order))
        #expect(Set(shown) == Set(0..<4))
        #expect(shown != [0, 1, 2, 3])
        // Two items have one wrong order only; every id must land on it.
        for i in 0..<200 {
            let pair = Self.question("pair-\(i)", .order(items: ["x", "y"]))
            #expect(QuizMarking.shownOrder(pair) == [1, 0])
            let three = Self.question("three-\(i)", .order(items: ["x", "y", "z"]))
            #expect(QuizMarking.shownOrder(three) != [0, 1, 2])
        }
        #expect(QuizMarking.shownOrder(single) == [])
    }

    @Test func answerLinesAreParsedPerKind() throws {
        #expect(try QuizAnswerParser.parse(" 2 ", for: single).get() == .option(1))
        #expect(throws: QuizAnswerHint.self) { try QuizAnswerParser.parse("4", for: single).get() }
        #expect(throws: QuizAnswerHint.self) { try QuizAnswerParser.parse("B", for: single).get() }
        #expect(try QuizAnswerParser.parse("1,3", for: multiple).get() == .options([0, 2]))
        #expect(try QuizAnswerParser.parse("3 1", for: multiple).get() == .options([0, 2]))
        #expect(throws: QuizAnswerHint.self) { try QuizAnswerParser.parse("1,x", for: multiple).get() }
        #expect(throws: QuizAnswerHint.self) { try QuizAnswerParser.parse("", for: multiple).get() }
        #expect(try QuizAnswerParser.parse("T", for: trueFalse).get() == .trueFalse(true))
        #expect(try QuizAnswerParser.parse("false", for: trueFalse).get() == .trueFalse(false))
        #expect(throws: QuizAnswerHint.self) { try QuizAnswerParser.parse("maybe", for: trueFalse).get() }
        #expect(try QuizAnswerParser.parse("0.25", for: number).get() == .number(0.25))
        #expect(try QuizAnswerParser.parse("0,25", for: number).get() == .number(0.25))
        #expect(try QuizAnswerParser.parse("-1e-3", for: number).get() == .number(-0.001))
        #expect(try QuizAnswerParser.parse("0,250", for: number).get() == .number(0.25))
        #expect(throws: QuizAnswerHint.self) { try QuizAnswerParser.parse("1,000", for: number).get() }
        #expect(try QuizAnswerParser.parse("1,5", for: number).get() == .number(1.5))
        #expect(throws: QuizAnswerHint.self) { try QuizAnswerParser.parse("nan", for: number).get() }
        #expect(throws: QuizAnswerHint.self) { try QuizAnswerParser.parse("a lot", for: number).get() }
    }

    /// The learner types shown positions; the parser turns them into item indices via the shuffle.
    @Test func orderAnswersAreShownPositions() throws {
        let shown = QuizMarking.shownOrder(order)
        // Position p shows item shown[p]; the right answer lists, for each item in turn, where it is shown.
        let rightPositions = (0..<4).map { item in shown.firstIndex(of: item)! + 1 }
        let typed = rightPositions.map(String.init).joined(separator: " ")
        let answer = try QuizAnswerParser.parse(typed, for: order).get()
        #expect(answer == .order([0, 1, 2, 3]))
        #expect(QuizMarking.mark(order, answer).correct)
        #expect(try QuizAnswerParser.parse(rightPositions.map(String.init).joined(), for: order).get() == answer)
        #expect(try QuizAnswerParser.parse("1 2 3 4", for: order).get() == .order(shown))
        #expect(!QuizMarking.mark(order, try QuizAnswerParser.parse("1 2 3 4", for: order).get()).correct)
        #expect(throws: QuizAnswerHint.self) { try QuizAnswerParser.parse("1 2 3", for: order).get() }
        #expect(throws: QuizAnswerHint.self) { try QuizAnswerParser.parse("1 1 2 3", for: order).get() }
        #expect(throws: QuizAnswerHint.self) { try QuizAnswerParser.parse("1 2 3 5", for: order).get() }
    }

    @Test func logTexts() {
        #expect(QuizAnswer.option(1).logText == "option 2")
        #expect(QuizAnswer.options([2, 0]).logText == "options 1,3")
        #expect(QuizAnswer.trueFalse(true).logText == "true")
        #expect(QuizAnswer.number(0.25).logText == "0.25")
        #expect(QuizAnswer.order([2, 0, 1]).logText == "order 3 1 2")
    }

    @Test func aRoundScoresAndRetriesTheMissedQuestions() {
        var round = QuizRound(lesson: "l1", questions: [single, multiple, trueFalse, number])
        #expect(round.score == QuizScore(correct: 0, total: 4) && !round.isFinished)
        round.record("single", correct: true)
        round.record("multiple", correct: false)
        round.record("tf", correct: true)
        round.record("number", correct: false)
        #expect(round.isFinished)
        #expect(round.score == QuizScore(correct: 2, total: 4))
        #expect(round.missed.map(\.id) == ["multiple", "number"])
        var retry = round.retryingMissed()
        #expect(retry.lesson == "l1" && retry.questions.map(\.id) == ["multiple", "number"])
        retry.record("multiple", correct: true)
        #expect(retry.score == QuizScore(correct: 1, total: 2))
    }

    @Test func theMixedReviewIsSeededAndLeansOnMissedQuestions() {
        let questions = (0..<40).map { i in
            Self.question("q\(i)", .trueFalse(answer: true, whyWrong: nil), lesson: "l\(i % 4)")
        }
        let course = CoursePack(lessons: [], questions: questions, flashcards: [])
        var history: [String: QuestionHistory] = [:]
        for i in 0..<40 { history["q\(i)"] = QuestionHistory(asked: 1, missed: i < 5 ? 1 : 0, lastCorrect: i >= 5) }
        let a = QuizRound.mixedReview(course: course, history: history, count: 10, depth: { _ in .deep }, seed: 7)
        #expect(a == QuizRound.mixedReview(course: course, history: history, count: 10, depth: { _ in .deep }, seed: 7))
        #expect(a.lesson == nil && a.questions.count == 10 && Set(a.questions.map(\.id)).count == 10)
        // Over many seeds a missed question (weight 4) is drawn far more often than a right one (weight 1).
        var missedDraws = 0, rightDraws = 0
        for seed in UInt64(0)..<300 {
            let ids = Set(QuizRound.mixedReview(course: course, history: history, count: 10, depth: { _ in .deep }, seed: seed).questions.map(\.id))
            missedDraws += ids.contains("q0") ? 1 : 0
            rightDraws += ids.contains("q20") ? 1 : 0
        }
        #expect(missedDraws > 2 * rightDraws, "q0 drawn \(missedDraws) times, q20 \(rightDraws)")
        #expect(QuizRound.mixedReview(course: course, history: [:], count: 100, depth: { _ in .deep }, seed: 1).questions.count == 40)
    }

    @Test func cardIDsAreFNV1a64() {
        // Published FNV-1a 64 test vectors.
        #expect(StableHash.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(StableHash.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(StableHash.fnv1a64("foobar") == 0x8594_4171_f739_67e8)
        #expect(StableHash.cardID("a") == Int64(bitPattern: 0xaf63_dc4c_8601_ec8c))
    }
}
