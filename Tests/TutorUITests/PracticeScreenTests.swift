import Course
import Foundation
import Practice
import ProgressStore
import Testing
@testable import TutorUI

/// Quizzes and flashcard reviews on screen, with a real (in-memory) progress
/// store behind them, driven the way the runtime drives the tutor.
@Suite struct PracticeScreenTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func state(book: (ProgressStore) -> ProgressBook = { $0 }) throws -> (TutorDriver, ProgressStore) {
        var s = try UpdateAndViewTests.state(width: 120, height: 40)
        let store = try ProgressStore.inMemory(timeZone: TimeZone(identifier: "UTC")!)
        s.now = start
        // Every lesson read at deep, so a quiz asks all of a lesson's questions and every new card is
        // introduced (PracticeDepthTests and DepthTests cover the lower depths).
        try store.record(s.course.lessons.map { .position(lesson: $0.id, depth: "deep", line: 0, at: start) })
        s.progress = try store.snapshot(course: s.course, now: start)
        return (TutorDriver(s, book: book(store)), store)
    }

    /// The keys that answer `question` correctly, as a learner would press them.
    func rightKeys(for question: QuizQuestion, shown: [Int]) -> [Key] {
        switch question.kind {
        case .single(let options):
            return [.character(Character(String(options.firstIndex { $0.isCorrect }! + 1))), .enter]
        case .multiple(let options):
            return options.indices.filter { options[$0].isCorrect }.map { .character(Character(String($0 + 1))) } + [.enter]
        case .trueFalse(let answer, _):
            return [.character(answer ? "t" : "f")]
        case .number(let answer, _):
            return String(answer).map { .character($0) } + [.enter]
        case .order:
            // Selection sort with the learner's own moves: go to the item that belongs
            // at position p, pick it up, carry it up to p, put it down.
            var arrangement = shown, keys: [Key] = [], cursor = 0
            for position in arrangement.indices {
                let from = arrangement.firstIndex(of: position)!
                keys += Array(repeating: from > cursor ? Key.down : .up, count: abs(from - cursor))
                keys.append(.character(" "))
                keys += Array(repeating: Key.up, count: from - position)
                keys.append(.character(" "))
                arrangement.remove(at: from)
                arrangement.insert(position, at: position)
                cursor = position
            }
            return keys + [.enter]
        }
    }

    @Test func aLessonQuizOfEveryKindScoresAndIsSaved() throws {
        var (s, store) = try state()
        let lessonIndex = try #require(s.course.lessons.firstIndex { lesson in
            let kinds = Set(s.course.questions(for: lesson.id).map { "\($0.kind)".prefix(6) })
            return kinds.count >= 4
        })
        s.selectedLesson = lessonIndex
        advance(&s, .key(.character("t")))
        #expect(s.screen.kind == .quiz)
        var kindsSeen = Set<String>()
        while let quiz = s.quiz, !quiz.isFinished {
            let question = try #require(quiz.question)
            kindsSeen.insert(String("\(question.kind)".prefix(while: { $0 != "(" })))
            for key in rightKeys(for: question, shown: quiz.arrangement) { advance(&s, .key(key)) }
            #expect(s.quiz?.mark?.correct == true, "\(question.id)")
            #expect(view(s).text.contains("Right."))
            advance(&s, .key(.enter))
        }
        #expect(kindsSeen.count >= 4)
        let total = s.course.questions(for: s.lesson!.id).count
        #expect(view(s).text.contains("You got \(total) of \(total) right."))
        advance(&s, .key(.enter))
        #expect(s.screen.kind == .course)
        let saved = try store.snapshot(course: s.course, now: start).lessons[s.lesson!.id]
        #expect(saved?.lastScore == QuizScore(correct: total, total: total, depth: .deep))
        #expect(try store.reviewLog().filter { $0.kind == "quiz" }.count == total)
        #expect(view(s).text.contains("quiz \(total)/\(total)"))
    }

    @Test func aWrongAnswerIsExplainedAndTheMissedOnesCanBeRetried() throws {
        var (s, store) = try state()
        s.selectedLesson = try #require(s.course.lessons.firstIndex { $0.id == "lstm" })
        advance(&s, .key(.enter))
        advance(&s, .key(.character("t")))
        // Answer every question wrongly where the kind allows an obviously wrong answer.
        var wrong = 0
        while let quiz = s.quiz, !quiz.isFinished {
            let question = try #require(quiz.question)
            switch question.kind {
            case .single(let options):
                let bad = options.firstIndex { !$0.isCorrect }!
                advance(&s, .key(.character(Character(String(bad + 1)))))
                #expect(s.quiz?.mark == nil && s.quiz?.cursor == bad)   // a number chooses; Enter answers
                advance(&s, .key(.enter))
                #expect(view(s).text.contains("Not quite."))
                if let why = options[bad].why {
                    #expect(view(s).text.replacingOccurrences(of: "\n", with: " ").contains(String(Inline.parse(why).plainText.prefix(20))))
                }
                wrong += 1
            case .trueFalse(let answer, _):
                advance(&s, .key(.character(answer ? "f" : "t")))
                #expect(s.quiz?.cursor == (answer ? 1 : 0))   // the ▶ on the option given
                wrong += 1
            default:
                for key in rightKeys(for: question, shown: quiz.arrangement) { advance(&s, .key(key)) }
            }
            advance(&s, .key(.enter))
        }
        let quiz = try #require(s.quiz)
        #expect(quiz.round.missed.count == wrong && wrong > 0)
        #expect(view(s).text.contains("Press r to try the missed questions again."))
        advance(&s, .key(.character("r")))
        #expect(s.quiz?.round.questions.count == wrong && s.quiz?.isRetry == true)
        advance(&s, .key(.escape))
        #expect(s.screen.kind == .lesson)
        let best = try store.snapshot(course: s.course, now: start).lessons["lstm"]?.bestScore
        #expect(best?.correct == quiz.round.score.correct)
    }

    /// A progress book whose writes fail until told otherwise (a busy or full disk).
    final class FlakyBook: ProgressBook {
        let store: ProgressStore
        var failing = true
        init(_ store: ProgressStore) { self.store = store }
        var scheduler: Scheduler { store.scheduler }
        func record(_ events: [ProgressEvent]) throws {
            if failing { throw StoreError("disk full") }
            try store.record(events)
        }
        func snapshot(course: CoursePack, now: Date) throws -> ProgressSnapshot { try store.snapshot(course: course, now: now) }
        func dueCards(course: CoursePack, now: Date, lesson: String?) throws -> [Flashcard] {
            try store.dueCards(course: course, now: now, lesson: lesson)
        }
        func card(_ id: String) throws -> Card { try store.card(id) }
        func questionHistory() throws -> [String: QuestionHistory] { try store.questionHistory() }
    }

    @Test func anAnswerThatCannotBeSavedIsKeptAndSavedLater() throws {
        var flaky: FlakyBook?
        var (s, store) = try state { store in
            flaky = FlakyBook(store)
            return flaky!
        }
        let book = try #require(flaky)
        advance(&s, .key(.character("t")))
        advance(&s, .key(.character("1")))
        advance(&s, .key(.enter))   // a multiple-choice first question: 1 ticks, Enter answers
        #expect(s.runtime.unsaved.count == 1 && s.status.contains("not saved yet (disk full)"))
        advance(&s, .tick)
        #expect(s.runtime.unsaved.count == 1)
        book.failing = false
        advance(&s, .key(.enter))   // the next question; the answer goes in now
        #expect(s.runtime.unsaved.isEmpty && s.runtime.saveProblem == nil)
        #expect(try store.reviewLog().count == 1)
    }

    @Test func aMixedReviewDrawsTenQuestionsFromTheCourse() throws {
        var (s, _) = try state()
        advance(&s, .key(.character("m")))
        #expect(s.screen.kind == .quiz && s.quiz?.round.questions.count == 10 && s.quiz?.round.lesson == nil)
        #expect(view(s).text.contains("Mixed review · question 1 of 10"))
        advance(&s, .key(.character("q")))
        #expect(s.screen.kind == .course)
    }

    @Test func flashcardsFlipShowTheirIntervalsAndAreScheduled() throws {
        var (s, store) = try state()
        advance(&s, .key(.character("r")))
        #expect(s.screen.kind == .review)
        let first = try #require(s.review?.current)
        #expect(view(s).text.contains("(Space shows the answer)"))
        advance(&s, .key(.character("3")))   // no grading before the answer is shown
        #expect(s.review?.index == 0)
        advance(&s, .key(.character(" ")))
        let text = view(s).text
        #expect(text.contains("1 Again (1m)") && text.contains("3 Good (10m)"))
        s.now = start.addingTimeInterval(4)
        advance(&s, .key(.character("3")))
        #expect(s.review?.index == 1)
        let log = try store.reviewLog()
        #expect(log.count == 1 && log[0].item == first.id && log[0].grade == .good && log[0].durationMs == 4000)
        #expect(try store.card(first.id).state == .learning)
        advance(&s, .key(.character(" ")))
        advance(&s, .key(.character("4")))
        advance(&s, .key(.escape))
        #expect(s.screen.kind == .course && s.status.contains("saved"))
        // The new-card allowance is spent as cards are introduced.
        #expect(try store.dueCards(course: s.course, now: s.now).count == 8 + 0)
    }

    /// A lesson's own review introduces that lesson's new cards, even when the course-wide
    /// allowance would go to earlier lessons first.
    @Test func aLessonsReviewHasItsOwnNewCards() throws {
        var (s, _) = try state()
        s.selectedLesson = try #require(s.course.lessons.firstIndex { $0.id == "bptt" })
        advance(&s, .key(.enter))
        advance(&s, .key(.character("r")))
        #expect(s.screen.kind == .review)
        let queue = try #require(s.review?.queue)
        #expect(!queue.isEmpty && queue.allSatisfy { $0.lessonID == "bptt" })
    }

    @Test func reviewingAFinishedSessionShowsTheSummary() throws {
        var (s, store) = try state()
        try store.setNewCardsPerDay(2)
        advance(&s, .key(.character("r")))
        for _ in 0..<2 {
            advance(&s, .key(.character(" ")))
            advance(&s, .key(.character("1")))
        }
        #expect(s.review?.isFinished == true)
        let text = view(s).text
        #expect(text.contains("You reviewed 2 cards.") && text.contains("Again 2"))
        #expect(text.contains("2 cards are still being learnt"))
        // Staying on the summary: once the one-minute step has passed, the cards come back.
        s.now = start.addingTimeInterval(30)
        advance(&s, .tick)
        #expect(s.review?.isFinished == true)
        s.now = start.addingTimeInterval(70)
        advance(&s, .tick)
        #expect(s.review?.isFinished == false && s.review?.queue.count == 4 && s.status.contains("2 cards are due again"))
        for _ in 0..<2 {
            advance(&s, .key(.character(" ")))
            advance(&s, .key(.character("3")))
        }
        #expect(s.review?.isFinished == true && view(s).text.contains("You reviewed 4 cards."))
        advance(&s, .key(.enter))
        #expect(s.screen.kind == .course)
        advance(&s, .key(.character("r")))
        #expect(s.screen.kind == .course && s.status.contains("no card is due"))
    }
}
