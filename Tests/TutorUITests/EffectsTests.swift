import Course
import Foundation
import Practice
import RNNCore
import Testing
@testable import TutorUI

/// `update` alone, with no store and no worker: a whole session of messages, and the
/// exact effects it asks for. The state is a plain value, so it compares with `==`.
@Suite struct EffectsTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aSessionWithoutAStoreAsksForExactlyTheseEffects() throws {
        var s = try UpdateAndViewTests.state(width: 80, height: 24)
        s.now = now
        s.scheduler = Scheduler(timeZone: TimeZone(identifier: "UTC")!)
        var effects: [Effect] = []
        func send(_ messages: Message...) { for message in messages { effects += update(&s, message) } }

        send(.started, .key(.enter))   // nothing saved yet: the course screen, then the first lesson
        let lesson = try #require(s.lesson)
        #expect(s.screen.kind == .lesson)
        send(.key(.right), .key(.right), .key(.character("q")))
        #expect(s.screen.kind == .course)

        send(.key(.character("m")))   // the mixed quiz first asks how each question went
        #expect(s.screen.kind == .course)
        send(.quizHistory([:]))
        let question = try #require(s.quiz?.question)
        #expect(s.screen.kind == .quiz)
        let answer: QuizAnswer
        switch question.kind {
        case .trueFalse: send(.key(.character("t"))); answer = .trueFalse(true)
        case .number: send(.key(.character("1")), .key(.enter)); answer = .number(1)
        case .order: send(.key(.enter)); answer = .order(s.quiz!.arrangement)
        case .multiple: send(.key(.character("1")), .key(.enter)); answer = .options([0])
        case .single: send(.key(.character("1")), .key(.enter)); answer = .option(0)
        }
        let mark = try #require(s.quiz?.mark)
        send(.key(.escape))

        send(.key(.character("r")))   // the review asks for the cards due, and opens on the answer
        let card = s.course.flashcards[0]
        send(.cardsDue(DueCards(lesson: nil, cards: [card], states: [card.id: Card(id: 1, due: now)])))
        #expect(s.screen.kind == .review && s.review?.intervals.count == 4)
        send(.key(.character(" ")), .key(.character("3")), .tick, .key(.escape))

        send(.key(.character("x")))   // the race: training is asked for, then stopped
        let race = try #require(s.experiment)
        send(.key(.enter), .key(.escape), .key(.character("q")), .key(.controlC))
        #expect(s.quit)

        #expect(effects == [
            .record(.position(lesson: lesson.id, depth: "basic", line: 0, at: now)),
            .record(.lab(lesson: lesson.id, word: 2, cell: lesson.lab.cell == .all ? "rnn" : lesson.lab.cell.rawValue, sentence: nil)),
            .readQuizHistory,
            .record(.quizAnswer(question: question.id, lesson: question.lessonID, answer: answer.logText, correct: mark.correct,
                                durationMs: 0, at: now)),
            .readDueCards(lesson: nil),
            .record(.cardReview(card: card.id, lesson: card.lessonID, rating: .good, durationMs: 0, at: now)),
            .readDueCards(lesson: nil),   // the finished review looks for cards that came due again
            .train(ExperimentSnapshot(race: AddingRace(race.settings), running: true), until: race.settings.steps),
            .stopTraining,
        ])
    }

    @Test func theStateIsAPlainValue() throws {
        let a = try UpdateAndViewTests.state()
        var b = a
        #expect(a == b)
        _ = update(&b, .key(.enter))
        #expect(a != b)
        var c = a
        _ = update(&c, .key(.enter))
        #expect(b == c)   // the same messages make equal states, traces included
    }
}
