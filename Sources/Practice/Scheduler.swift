import Foundation

/// Days as Anki counts them: a day starts at `startHour` (4 am) local time, so a late-night
/// session still belongs to the evening's day.
public struct StudyDay: Equatable, Sendable {
    public let timeZone: TimeZone
    public let startHour: Int
    public init(timeZone: TimeZone, startHour: Int = 4) {
        self.timeZone = timeZone
        self.startHour = startHour
    }

    private var local: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }
    // Counts civil dates; UTC so that every day is exactly 86,400 s long.
    private static let civil: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Days since 1970-01-01 of the study day containing `date`.
    public func number(of date: Date) -> Int {
        // Take the local wall-clock date and step back one day before `startHour`,
        // rather than subtracting 4 h of absolute time, which a DST change would skew.
        var parts = local.dateComponents([.year, .month, .day, .hour], from: date)
        let isBeforeStart = parts.hour! < startHour
        parts.hour = nil
        let midnight = Self.civil.date(from: parts)!
        return Int((midnight.timeIntervalSince1970 / 86_400).rounded(.down)) - (isBeforeStart ? 1 : 0)
    }

    /// The moment study day `number` begins.
    public func start(of number: Int) -> Date {
        let civilDate = Date(timeIntervalSince1970: Double(number) * 86_400)
        var parts = Self.civil.dateComponents([.year, .month, .day], from: civilDate)
        parts.hour = startHour
        return local.date(from: parts)!
    }

    /// Whole study days from `earlier` to `later`; 0 within the same day.
    public func elapsed(from earlier: Date, to later: Date) -> Int {
        number(of: later) - number(of: earlier)
    }
}

/// Deterministic fuzz source. Anki seeds a card's fuzz with card id + review count, so the
/// same card answered the same number of times always gets the same fuzz: replaying the log
/// reproduces the schedule and the buttons show exactly the interval the answer will give.
/// The generator is SplitMix64 (Steele et al. 2014), one draw per seed.
enum Fuzz {
    static func unitDraw(cardID: Int64, reviewCount: Int) -> Double {
        var z = UInt64(bitPattern: cardID) &+ UInt64(reviewCount) &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)  // the top 53 bits: uniform in [0, 1)
    }

    /// py-fsrs' fuzz range: ±1 day, plus 15% of the part of the interval in 2.5–7 days,
    /// 10% of the part in 7–20 and 5% beyond 20; never below 2 or above the maximum.
    static func range(days: Int, maximumInterval: Int) -> ClosedRange<Int> {
        let bands: [(start: Double, end: Double, factor: Double)] =
            [(2.5, 7, 0.15), (7, 20, 0.1), (20, .infinity, 0.05)]
        let ivl = Double(days)
        let delta = bands.reduce(1.0) { $0 + $1.factor * max(min(ivl, $1.end) - $1.start, 0) }
        // Python's round() rounds halves to even; match it.
        let upper = min(Int((ivl + delta).rounded(.toNearestOrEven)), maximumInterval)
        let lower = min(max(2, Int((ivl - delta).rounded(.toNearestOrEven))), upper)
        return lower...upper
    }

    /// Intervals under 2.5 days are left alone, as in py-fsrs. The draw is uniform over the
    /// range (floor, as ts-fsrs and Anki do; py-fsrs' round() can overshoot the range by one).
    static func apply(days: Int, draw: Double, maximumInterval: Int) -> Int {
        guard Double(days) >= 2.5 else { return days }
        let range = range(days: days, maximumInterval: maximumInterval)
        let width = Double(range.upperBound - range.lowerBound + 1)
        return min(range.lowerBound + Int((draw * width).rounded(.down)), range.upperBound)
    }
}

public struct Scheduler: Equatable, Sendable {
    public let parameters: FSRSParameters
    public let model: MemoryModel
    public let day: StudyDay

    public init(parameters: FSRSParameters = FSRSParameters(), timeZone: TimeZone) {
        self.parameters = parameters
        model = MemoryModel(weights: parameters.weights)
        day = StudyDay(timeZone: timeZone)
    }

    /// Probability of recall at `now`; 0 for a card never reviewed.
    public func retrievability(of card: Card, at now: Date) -> Double {
        guard let memory = card.memory, let last = card.lastReview else { return 0 }
        let days = max(0, day.elapsed(from: last, to: now))
        return model.retrievability(elapsedDays: Double(days), stability: memory.stability)
    }

    /// Whole days until recall probability falls to the desired retention, 1...maximum.
    func reviewInterval(stability: Double) -> Int {
        let days = model.interval(stability: stability, desiredRetention: parameters.desiredRetention)
        return min(max(Int(days.rounded(.toNearestOrEven)), 1), parameters.maximumInterval)
    }

    /// The card after answering `rating` at `now`, and the interval it was given.
    public func answer(_ card: Card, _ rating: Rating, at now: Date) -> (card: Card, interval: NextInterval) {
        var next = card
        let elapsed = card.lastReview.map { day.elapsed(from: $0, to: now) } ?? 0
        next.memory = model.next(card.memory, rating: rating, elapsedDays: elapsed)

        let interval: NextInterval
        switch card.state {
        case .new, .learning:
            interval = throughSteps(&next, rating, parameters.learningSteps, stepState: .learning)
        case .relearning:
            interval = throughSteps(&next, rating, parameters.relearningSteps, stepState: .relearning)
        case .review:
            if rating == .again && !parameters.relearningSteps.isEmpty {
                next.state = .relearning
                next.step = 0
                interval = .step(parameters.relearningSteps[0])
            } else {
                interval = .days(reviewInterval(stability: next.memory!.stability))
            }
        }

        let finalInterval: NextInterval
        switch interval {
        case .step(let seconds):
            finalInterval = interval
            next.due = now.addingTimeInterval(seconds)
        case .days(var days):
            if parameters.enableFuzz {
                let draw = Fuzz.unitDraw(cardID: card.id, reviewCount: card.reviewCount)
                days = Fuzz.apply(days: days, draw: draw, maximumInterval: parameters.maximumInterval)
            }
            finalInterval = .days(days)
            // Due from the start of that study day, as Anki shows review cards.
            next.due = day.start(of: day.number(of: now) + days)
        }
        next.lastReview = now
        next.reviewCount += 1
        return (next, finalInterval)
    }

    /// Learning and relearning share one ladder of steps; leaving it graduates to review.
    private func throughSteps(_ card: inout Card, _ rating: Rating, _ steps: [TimeInterval],
                              stepState: CardState) -> NextInterval {
        let step = card.step ?? 0
        func graduate() -> NextInterval {
            card.state = .review
            card.step = nil
            return .days(reviewInterval(stability: card.memory!.stability))
        }
        // No steps, or a step left over from longer settings: only Again stays in the ladder.
        if steps.isEmpty || (step >= steps.count && rating != .again) { return graduate() }
        card.state = stepState
        switch rating {
        case .again:
            card.step = 0
            return .step(steps[0])
        case .hard:
            // Hard repeats the step; on the first step it sits between the first two.
            card.step = step
            if step == 0 { return .step(steps.count == 1 ? steps[0] * 1.5 : (steps[0] + steps[1]) / 2) }
            return .step(steps[step])
        case .good:
            if step + 1 >= steps.count { return graduate() }
            card.step = step + 1
            return .step(steps[step + 1])
        case .easy:
            return graduate()
        }
    }

    /// The interval each grade button would give, for labelling the buttons. Because the fuzz
    /// is seeded by card and review count, these are exactly what answering will produce.
    public func nextIntervals(for card: Card, at now: Date) -> [Rating: NextInterval] {
        Dictionary(uniqueKeysWithValues: Rating.allCases.map { ($0, answer(card, $0, at: now).interval) })
    }

    /// Rebuilds a card from its review log (sorted by date first), as py-fsrs' reschedule_card.
    public func replay(cardID: Int64, createdAt: Date, log: [Review]) -> Card {
        log.sorted { $0.date < $1.date }.reduce(Card(id: cardID, due: createdAt)) {
            answer($0, $1.rating, at: $1.date).card
        }
    }
}
