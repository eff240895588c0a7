import Foundation
@testable import Practice
import Testing

// Every expected value here comes from one of the two reference implementations of FSRS-6,
// named on each test: fsrs-rs 6.6.1 (src/inference.rs, its own unit tests) and py-fsrs 6.3.2
// (tests/test_basic.py, or scripts/fsrs_reference_vectors.py run against `pip install fsrs==6.3.2`).

let utc = TimeZone(identifier: "UTC")!

/// Seconds since 1970 as a Date.
func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: seconds) }

@Suite struct ReferenceVectorTests {
    /// fsrs-rs 6.6.1 `test_memory_state`: grades Again, Good×5 with day gaps 0, 0, 1, 3, 8, 21.
    @Test func fsrsRsMemoryState() {
        func replay(_ model: MemoryModel) -> MemoryState {
            let grades: [Rating] = [.again, .good, .good, .good, .good, .good]
            let gaps = [0, 0, 1, 3, 8, 21]
            var memory: MemoryState? = nil
            for (grade, gap) in zip(grades, gaps) { memory = model.next(memory, rating: grade, elapsedDays: gap) }
            return memory!
        }
        let standard = replay(MemoryModel())
        #expect(abs(standard.stability - 53.62691) < 1e-4)
        #expect(abs(standard.difficulty - 6.3574867) < 1e-4)

        // The same test with short-term stability frozen (w17 = w18 = w19 = 0).
        var frozen = FSRSParameters.defaultWeights
        frozen[17] = 0; frozen[18] = 0; frozen[19] = 0
        let withoutShortTerm = replay(MemoryModel(weights: frozen))
        #expect(abs(withoutShortTerm.stability - 53.335106) < 1e-4)
        #expect(abs(withoutShortTerm.difficulty - 6.3574867) < 1e-4)
    }

    /// py-fsrs 6.3.2 `test_memo_state`: the same history through the full scheduler, with dates.
    @Test func pyFsrsMemoState() {
        let scheduler = Scheduler(timeZone: utc)
        var card = Card(id: 1, due: at(0))
        var now = at(1_669_725_000)  // 2022-11-29 12:30 UTC, as in the Python test
        for (grade, gap) in zip([Rating.again, .good, .good, .good, .good, .good], [0, 0, 1, 3, 8, 21]) {
            now += Double(gap) * 86_400
            card = scheduler.answer(card, grade, at: now).card
        }
        #expect(abs(card.memory!.stability - 53.62691) < 1e-4)
        #expect(abs(card.memory!.difficulty - 6.3574867) < 1e-4)
    }

    /// fsrs-rs 6.6.1 `test_next_interval`: stability 1, desired retention 0.1 … 1.0.
    @Test func fsrsRsNextInterval() {
        let model = MemoryModel()
        let intervals = (1...10).map {
            Int(max(model.interval(stability: 1, desiredRetention: Double($0) / 10).rounded(), 1))
        }
        let expected = [3_116_766, 34_793, 2_508, 387, 90, 27, 9, 3, 1, 1]
        #expect(intervals.dropFirst() == expected.dropFirst())
        // fsrs-rs computes in f32; at retention 0.1 the power 0.1^(-1/0.1542) amplifies its
        // rounding to a few days in three million (this Double version gives 3,116,769).
        #expect(abs(Double(intervals[0] - expected[0])) / Double(expected[0]) < 1e-5)
    }

    /// fsrs-rs 6.6.1 `test_current_retrievability`: stability 1, decay 0.2.
    @Test func fsrsRsCurrentRetrievability() {
        var weights = FSRSParameters.defaultWeights
        weights[20] = 0.2
        let model = MemoryModel(weights: weights)
        let expected = [1.0, 0.9, 0.84028935, 0.7985001]
        for (days, value) in expected.enumerated() {
            #expect(abs(model.retrievability(elapsedDays: Double(days), stability: 1) - value) < 1e-6)
        }
    }

    /// py-fsrs 6.3.2 `test_review_card`: fuzz off, each review exactly when due; intervals in days.
    @Test func pyFsrsReviewCard() {
        var parameters = FSRSParameters()
        parameters.enableFuzz = false
        let scheduler = Scheduler(parameters: parameters, timeZone: utc)
        let grades: [Rating] = [.good, .good, .good, .good, .good, .good, .again, .again, .good, .good, .good, .good, .good]
        var card = Card(id: 1, due: at(1_669_725_000))
        var days: [Int] = []
        for grade in grades {
            let (next, interval) = scheduler.answer(card, grade, at: card.due)
            if case .days(let d) = interval { days.append(d) } else { days.append(0) }
            card = next
        }
        #expect(days == [0, 2, 11, 46, 163, 498, 0, 0, 2, 4, 7, 12, 21])
    }

    /// py-fsrs 6.3.2 `test_repeated_correct_reviews`: ten Easy answers bottom out difficulty at 1.
    @Test func pyFsrsRepeatedEasy() {
        let scheduler = Scheduler(timeZone: utc)
        var card = Card(id: 1, due: at(1_669_725_000))
        for i in 0..<10 { card = scheduler.answer(card, .easy, at: at(1_669_725_000 + Double(i) * 1e-6)).card }
        #expect(card.memory!.difficulty == 1.0)
    }

    /// py-fsrs 6.3.2 `test_maximum_interval`: no interval exceeds a maximum of 100 days.
    @Test func pyFsrsMaximumInterval() {
        var parameters = FSRSParameters()
        parameters.maximumInterval = 100
        let scheduler = Scheduler(parameters: parameters, timeZone: utc)
        var card = Card(id: 1, due: at(1_669_725_000))
        for grade in [Rating.easy, .good, .easy, .good] {
            let (next, interval) = scheduler.answer(card, grade, at: card.due)
            if case .days(let d) = interval { #expect(d <= 100) }
            card = next
        }
    }

    /// py-fsrs 6.3.2, `_get_fuzz_range` via scripts/fsrs_reference_vectors.py:
    /// the fuzzed interval is drawn from lower...upper.
    @Test(arguments: [
        (3, 2, 4), (5, 4, 6), (7, 5, 9), (10, 8, 12), (20, 17, 23), (30, 27, 33),
        (100, 93, 107), (1000, 948, 1052), (36500, 34673, 36500),
    ])
    func pyFsrsFuzzRange(days: Int, lower: Int, upper: Int) {
        #expect(Fuzz.range(days: days, maximumInterval: 36_500) == lower...upper)
        #expect(Fuzz.apply(days: days, draw: 0, maximumInterval: 36_500) == lower)
        #expect(Fuzz.apply(days: days, draw: 0.999_999_9, maximumInterval: 36_500) == upper)
    }

    /// py-fsrs 6.3.2 `_get_fuzzed_interval`: intervals under 2.5 days are not fuzzed.
    @Test func pyFsrsNoFuzzBelowTwoAndAHalfDays() {
        for days in [1, 2] { #expect(Fuzz.apply(days: days, draw: 0.99, maximumInterval: 36_500) == days) }
    }
}
