import Foundation
import Practice
import Testing

/// One review of the py-fsrs history and the card it produced.
struct Expected: Sendable, CustomTestStringConvertible {
    let rating: Rating, reviewedAt: Double, state: CardState, step: Int?
    let stability: Double, difficulty: Double, due: Double
    init(_ rating: Rating, _ reviewedAt: Double, _ state: CardState, _ step: Int?,
         _ stability: Double, _ difficulty: Double, _ due: Double) {
        (self.rating, self.reviewedAt, self.state, self.step) = (rating, reviewedAt, state, step)
        (self.stability, self.difficulty, self.due) = (stability, difficulty, due)
    }
    var testDescription: String { "\(rating) at \(Int(reviewedAt))" }
}

/// A full review history through every state and grade, generated with py-fsrs 6.3.2
/// (`pip install fsrs==6.3.2`, fuzz off) by scripts/fsrs_reference_vectors.py:
/// card_id 1 created 2024-03-01 12:00 UTC; same-day steps, on-time and overdue reviews,
/// a same-day re-review of a review card, two lapses and a Hard relearning step.
let pyFsrsHistory: [Expected] = [
    Expected(.again, 1709294400, .learning, 0, 0.212, 6.4133, 1709294460),
    Expected(.hard, 1709294460, .learning, 0, 0.212, 7.604209769076838, 1709294790),
    Expected(.good, 1709294790, .learning, 1, 0.24668918777567272, 7.5918339286046, 1709295390),
    Expected(.good, 1709295390, .review, nil, 0.2842063592758949, 7.579470463972833, 1709381790),
    Expected(.good, 1709381790, .review, nil, 1.6704136967151368, 7.567119362805699, 1709554590),
    Expected(.hard, 1709554590, .review, nil, 3.6052327445289816, 8.370168830089566, 1709900190),
    Expected(.good, 1710342990, .review, nil, 10.98992660957848, 8.357027030556315, 1711293390),
    Expected(.good, 1710350190, .review, nil, 10.98992660957848, 8.343898372822597, 1711300590),
    Expected(.easy, 1711300590, .review, nil, 30.759962455700112, 7.775734752652574, 1713978990),
    Expected(.again, 1713978990, .relearning, 0, 2.288142342416738, 9.25412750749742, 1713979590),
    Expected(.again, 1713979590, .relearning, 0, 0.7693194189122601, 9.740065152944188, 1713980190),
    Expected(.hard, 1713980190, .relearning, 0, 0.7693194189122601, 9.812671504857319, 1713981090),
    Expected(.good, 1713981090, .review, nil, 0.822409329115629, 9.798087202649299, 1714067490),
    Expected(.good, 1716573090, .review, nil, 3.505881662786743, 9.783517484743488, 1716918690),
    Expected(.easy, 1716918690, .review, nil, 7.337220239397068, 9.69640748552681, 1717523490),
    Expected(.hard, 1717523490, .review, nil, 9.486804972648994, 9.783689510778359, 1718301090),
    Expected(.good, 1718301090, .review, nil, 13.601377645677315, 9.769134190564419, 1719510690),
]

@Suite struct ReviewHistoryTests {
    let scheduler: Scheduler = {
        var parameters = FSRSParameters()
        parameters.enableFuzz = false
        return Scheduler(parameters: parameters, timeZone: TimeZone(identifier: "UTC")!)
    }()

    /// Checked review by review: state, step, memory and the interval given.
    @Test func pyFsrsHistoryIntervalByInterval() {
        var card = Card(id: 1, due: Date(timeIntervalSince1970: 1709294400))
        for expected in pyFsrsHistory {
            let now = Date(timeIntervalSince1970: expected.reviewedAt)
            let (next, interval) = scheduler.answer(card, expected.rating, at: now)
            #expect(next.state == expected.state, "\(expected)")
            #expect(next.step == expected.step, "\(expected)")
            #expect(abs(next.memory!.stability - expected.stability) < 1e-9, "\(expected)")
            #expect(abs(next.memory!.difficulty - expected.difficulty) < 1e-9, "\(expected)")
            switch interval {
            case .step(let seconds):
                // Learning steps are exact durations.
                #expect(seconds == expected.due - expected.reviewedAt, "\(expected)")
                #expect(next.due == Date(timeIntervalSince1970: expected.due))
            case .days(let days):
                // py-fsrs adds whole days to the review time; here the card falls due at the
                // start (4 am) of that study day, so compare the number of days.
                #expect(Double(days) * 86_400 == expected.due - expected.reviewedAt, "\(expected)")
                #expect(scheduler.day.elapsed(from: now, to: next.due) == days)
            }
            card = next
        }
    }

    /// py-fsrs `reschedule_card`: replaying the log rebuilds the card, in any log order.
    @Test func replayingTheLogRebuildsTheCard() {
        let log = pyFsrsHistory.map { Review($0.rating, at: Date(timeIntervalSince1970: $0.reviewedAt)) }
        let created = Date(timeIntervalSince1970: 1709294400)
        let card = scheduler.replay(cardID: 1, createdAt: created, log: log.reversed())
        let last = pyFsrsHistory.last!
        #expect(card.state == .review)
        #expect(card.reviewCount == log.count)
        #expect(abs(card.memory!.stability - last.stability) < 1e-9)
        #expect(abs(card.memory!.difficulty - last.difficulty) < 1e-9)
    }
}
