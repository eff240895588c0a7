// FSRS-6 spaced-repetition scheduling, following py-fsrs 6.3 (open-spaced-repetition)
// for card states and steps, and fsrs-rs 6.6 for the memory model. Pure: no I/O, no clock;
// every function takes `now` and the answer depends only on its arguments.
import Foundation

public enum Rating: Int, CaseIterable, Sendable, Codable {
    case again = 1, hard, good, easy

    /// The button's name, as Anki spells it.
    public var label: String {
        switch self {
        case .again: "Again"
        case .hard: "Hard"
        case .good: "Good"
        case .easy: "Easy"
        }
    }
}

/// The learner's memory of one card. Stability is the interval in days at which recall
/// probability falls to 90%; difficulty runs from 1 (easy) to 10 (hard).
public struct MemoryState: Equatable, Sendable, Codable {
    public var stability: Double
    public var difficulty: Double
    public init(stability: Double, difficulty: Double) {
        self.stability = stability
        self.difficulty = difficulty
    }
}

public enum CardState: String, Sendable, Codable {
    case new, learning, review, relearning
}

public struct Card: Equatable, Sendable, Codable {
    public var id: Int64
    public var state: CardState = .new
    /// Index into the learning or relearning steps; nil outside those states.
    public var step: Int? = nil
    /// nil until the first review.
    public var memory: MemoryState? = nil
    public var due: Date
    public var lastReview: Date? = nil
    /// Reviews so far; with `id` it seeds the fuzz, so replaying a log reproduces it.
    public var reviewCount = 0

    public init(id: Int64, due: Date) {
        self.id = id
        self.due = due
    }
}

/// One entry of a card's review log, the source of truth for its schedule.
public struct Review: Equatable, Sendable, Codable {
    public var rating: Rating
    public var date: Date
    public init(_ rating: Rating, at date: Date) {
        self.rating = rating
        self.date = date
    }
}

/// What a grade button would do: a learning step (a duration) or a number of days.
public enum NextInterval: Equatable, Sendable {
    case step(TimeInterval)
    case days(Int)

    /// Anki-style button label: "1m", "10m", "1h", "3d", "1.5mo", "2.1y".
    public var label: String {
        switch self {
        case .step(let seconds):
            let minutes = Int((seconds / 60).rounded())
            return minutes < 60 ? "\(max(minutes, 1))m" : "\(minutes / 60)h"
        case .days(let days):
            if days < 30 { return "\(days)d" }
            if days < 365 { return String(format: "%.1fmo", Double(days) / 30) }
            return String(format: "%.1fy", Double(days) / 365)
        }
    }
}

public struct FSRSParameters: Equatable, Sendable {
    /// FSRS-6 defaults, identical in py-fsrs 6.3.2 and fsrs-rs 6.6.1 (DEFAULT_PARAMETERS).
    public static let defaultWeights: [Double] = [
        0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
        1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
    ]
    public var weights = FSRSParameters.defaultWeights
    public var desiredRetention = 0.9
    public var learningSteps: [TimeInterval] = [60, 600]
    public var relearningSteps: [TimeInterval] = [600]
    public var maximumInterval = 36_500
    public var enableFuzz = true
    public init() {}
}

/// The FSRS-6 formulas. `weights[i]` is the paper's w_i.
public struct MemoryModel: Equatable, Sendable {
    public let w: [Double]
    public init(weights: [Double] = FSRSParameters.defaultWeights) {
        precondition(weights.count == 21, "FSRS-6 has 21 weights")
        w = weights
    }

    static let minStability = 0.001
    var decay: Double { -w[20] }
    /// Chosen so that retrievability is exactly 0.9 when elapsed days equal stability.
    var factor: Double { pow(0.9, 1 / decay) - 1 }

    public func retrievability(elapsedDays: Double, stability: Double) -> Double {
        pow(1 + factor * elapsedDays / stability, decay)
    }

    /// Days until retrievability falls to `desiredRetention` (unrounded).
    public func interval(stability: Double, desiredRetention: Double) -> Double {
        stability / factor * (pow(desiredRetention, 1 / decay) - 1)
    }

    public func initial(_ rating: Rating) -> MemoryState {
        MemoryState(stability: max(w[rating.rawValue - 1], Self.minStability),
                    difficulty: clampDifficulty(initialDifficulty(rating)))
    }

    /// The memory after a review `elapsedDays` whole days after the previous one
    /// (nil memory: the first review). Same-day reviews use the short-term formula.
    public func next(_ memory: MemoryState?, rating: Rating, elapsedDays: Int) -> MemoryState {
        guard let memory else { return initial(rating) }
        let s = memory.stability, d = memory.difficulty
        let stability: Double
        if elapsedDays < 1 {
            stability = shortTermStability(s, rating)
        } else {
            let r = retrievability(elapsedDays: Double(elapsedDays), stability: s)
            stability = rating == .again ? forgetStability(s, d, r) : recallStability(s, d, r, rating)
        }
        return MemoryState(stability: max(stability, Self.minStability),
                           difficulty: nextDifficulty(d, rating))
    }

    func initialDifficulty(_ rating: Rating) -> Double {
        w[4] - exp(w[5] * Double(rating.rawValue - 1)) + 1
    }

    func clampDifficulty(_ d: Double) -> Double { min(max(d, 1), 10) }

    func nextDifficulty(_ d: Double, _ rating: Rating) -> Double {
        let delta = -w[6] * Double(rating.rawValue - 3)
        // Linear damping: the closer to 10, the smaller the step up.
        let damped = d + (10 - d) * delta / 9
        // Mean reversion towards the initial difficulty of an Easy first answer.
        return clampDifficulty(w[7] * initialDifficulty(.easy) + (1 - w[7]) * damped)
    }

    func shortTermStability(_ s: Double, _ rating: Rating) -> Double {
        var growth = exp(w[17] * (Double(rating.rawValue - 3) + w[18])) * pow(s, -w[19])
        // A passing same-day review never lowers stability.
        if rating != .again { growth = max(growth, 1) }
        return s * growth
    }

    func recallStability(_ s: Double, _ d: Double, _ r: Double, _ rating: Rating) -> Double {
        let hardPenalty = rating == .hard ? w[15] : 1
        let easyBonus = rating == .easy ? w[16] : 1
        return s * (1 + exp(w[8]) * (11 - d) * pow(s, -w[9]) * (exp((1 - r) * w[10]) - 1)
            * hardPenalty * easyBonus)
    }

    func forgetStability(_ s: Double, _ d: Double, _ r: Double) -> Double {
        let longTerm = w[11] * pow(d, -w[12]) * (pow(s + 1, w[13]) - 1) * exp((1 - r) * w[14])
        // A lapse may not leave the card more stable than a same-day Again would.
        return min(longTerm, s / exp(w[17] * w[18]))
    }
}
