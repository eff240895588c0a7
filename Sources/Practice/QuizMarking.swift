import Course
import Foundation

/// What the learner answered, one case per kind of question.
public enum QuizAnswer: Equatable, Sendable {
    /// A `single` question: the index of the chosen option (from 0, in file order).
    case option(Int)
    /// A `multiple` question: the indices of every chosen option.
    case options(Set<Int>)
    /// A `true-false` question.
    case trueFalse(Bool)
    /// A `number` question.
    case number(Double)
    /// An `order` question: item indices (into the items in their correct order, from 0)
    /// in the order the learner put them. Right when it is `[0, 1, …, n-1]`.
    case order([Int])

    /// A short readable form for the review log: `option 2`, `options 1,3`, `true`, `0.25`, `order 3 1 2`
    /// (option and item numbers from 1, in the file's order).
    public var logText: String {
        switch self {
        case .option(let i): "option \(i + 1)"
        case .options(let set): "options " + set.sorted().map { String($0 + 1) }.joined(separator: ",")
        case .trueFalse(let value): value ? "true" : "false"
        case .number(let x): x.isNaN ? "nan" : String(x)
        case .order(let items): "order " + items.map { String($0 + 1) }.joined(separator: " ")
        }
    }
}

/// The verdict on one answer and what to tell the learner.
public struct QuizMark: Equatable, Sendable {
    public var correct: Bool
    /// Why each wrong choice is wrong: the `why` of every chosen wrong option (multiple: also
    /// a line per right option left out), or the question's `whyWrong` for a wrong true/false.
    public var whyWrong: [String]
    /// The right answer in words: the right option(s), true/false, the number and tolerance, the order.
    public var rightAnswer: String
    /// Why the right answer is right; shown after every answer.
    public var explanation: String

    public init(correct: Bool, whyWrong: [String], rightAnswer: String, explanation: String) {
        self.correct = correct
        self.whyWrong = whyWrong
        self.rightAnswer = rightAnswer
        self.explanation = explanation
    }
}

/// Marking is pure: a question and an answer in, a verdict out.
public enum QuizMarking {
    /// Marks `answer` against `question`. An answer of the wrong kind for the question, or naming
    /// an option or item that does not exist, is wrong (parse with `QuizAnswerParser` to avoid it).
    public static func mark(_ question: QuizQuestion, _ answer: QuizAnswer) -> QuizMark {
        var whyWrong: [String] = []
        let correct: Bool
        switch (question.kind, answer) {
        case (.single(let options), .option(let chosen)):
            correct = options.indices.contains(chosen) && options[chosen].isCorrect
            if !correct, options.indices.contains(chosen) {
                whyWrong.append(options[chosen].why ?? "“\(options[chosen].text)” is not the right option.")
            }
        case (.multiple(let options), .options(let chosen)):
            let right = Set(options.indices.filter { options[$0].isCorrect })
            correct = chosen == right
            for i in chosen.sorted() where options.indices.contains(i) && !options[i].isCorrect {
                whyWrong.append(options[i].why ?? "“\(options[i].text)” is not right.")
            }
            for i in right.subtracting(chosen).sorted() {
                whyWrong.append("You left out “\(options[i].text)”, which is right too.")
            }
        case (.trueFalse(let truth, let why), .trueFalse(let said)):
            correct = truth == said
            if !correct { whyWrong.append(why ?? "The statement is \(truth ? "true" : "false").") }
        case (.number(let target, let tolerance), .number(let x)):
            // NaN and infinities fail the comparison or the distance, so they are never right.
            correct = x.isFinite && abs(x - target) <= tolerance
        case (.order(let items), .order(let given)):
            correct = given == Array(items.indices)
        default:
            correct = false
            whyWrong.append("That answer does not fit this kind of question.")
        }
        return QuizMark(correct: correct, whyWrong: whyWrong, rightAnswer: rightAnswer(question),
                        explanation: question.explanation)
    }

    /// The right answer in words.
    public static func rightAnswer(_ question: QuizQuestion) -> String {
        switch question.kind {
        case .single(let options), .multiple(let options):
            return options.enumerated().filter(\.element.isCorrect)
                .map { "\($0.offset + 1). \($0.element.text)" }.joined(separator: "; ")
        case .trueFalse(let answer, _):
            return answer ? "true" : "false"
        case .number(let answer, let tolerance):
            return tolerance > 0 ? "\(plain(answer)) (± \(plain(tolerance)))" : plain(answer)
        case .order(let items):
            return items.joined(separator: " → ")
        }
    }

    /// A number as the learner would write it: `640`, `0.25`.
    public static func plain(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }

    /// The order in which an order question's items are shown: `shown[p]` is the index (into the
    /// correct order) of the item at position `p`. Seeded by the question id, so a question is
    /// always shown the same way; never the correct order itself when there are two or more items.
    public static func shownOrder(_ question: QuizQuestion) -> [Int] {
        guard case .order(let items) = question.kind else { return [] }
        return shuffledOrder(count: items.count, seed: StableHash.fnv1a64(question.id))
    }

    static func shuffledOrder(count: Int, seed: UInt64) -> [Int] {
        var order = Array(0..<count)
        guard count > 1 else { return order }
        var random = SplitMix64(seed: seed)
        order.shuffle(using: &random)
        // The shuffle may land on the answer itself; a rotation of it never does.
        if order == Array(0..<count) { order = Array(order.dropFirst()) + [order[0]] }
        return order
    }
}

/// Reads an answer line of `rnn-tutor quiz --plain`. Formats, with options and shown items
/// numbered from 1: single `2`; multiple `1,3` (commas and/or spaces); true/false `t`, `f`,
/// `true`, `false`, `y`, `n`; number `0.25`, `-3`, `1e-4` (a single decimal comma, `0,25`, is
/// accepted, but not `1,000`, which could be a thousand); order the shown item numbers in the right order, `3 1 2`
/// (or `3,1,2`, or `312` when there are at most 9 items).
public enum QuizAnswerParser {
    /// The answer, or a one-line hint saying what was expected.
    public static func parse(_ line: String, for question: QuizQuestion) -> Result<QuizAnswer, QuizAnswerHint> {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        switch question.kind {
        case .single(let options):
            guard let n = Int(text), (1...options.count).contains(n) else {
                return .failure(QuizAnswerHint("answer with one option number from 1 to \(options.count), like 2"))
            }
            return .success(.option(n - 1))
        case .multiple(let options):
            let hint = QuizAnswerHint("answer with every right option number from 1 to \(options.count), separated by commas, like 1,3")
            guard let numbers = numberList(text), !numbers.isEmpty,
                  numbers.allSatisfy({ (1...options.count).contains($0) }) else { return .failure(hint) }
            return .success(.options(Set(numbers.map { $0 - 1 })))
        case .trueFalse:
            switch text.lowercased() {
            case "t", "true", "y", "yes": return .success(.trueFalse(true))
            case "f", "false", "n", "no": return .success(.trueFalse(false))
            default: return .failure(QuizAnswerHint("answer t (true) or f (false)"))
            }
        case .number:
            var spelled = text.replacingOccurrences(of: " ", with: "")
            if !spelled.contains("."), spelled.filter({ $0 == "," }).count == 1 {
                // `0,25` is a decimal comma; `1,000` could be a thousand, so it is not guessed.
                let parts = spelled.split(separator: ",", omittingEmptySubsequences: false)
                let whole = parts[0].trimmingCharacters(in: CharacterSet(charactersIn: "+-"))
                if parts[1].count == 3 && whole != "0" && !whole.isEmpty {
                    return .failure(QuizAnswerHint("write the number without a thousands comma, like 1000 or 1.5"))
                }
                spelled = spelled.replacingOccurrences(of: ",", with: ".")
            }
            guard let x = Double(spelled), x.isFinite else {
                return .failure(QuizAnswerHint("answer with a number, like 0.25 or 640"))
            }
            return .success(.number(x))
        case .order(let items):
            let hint = QuizAnswerHint("answer with all \(items.count) item numbers in the right order, each once, like \(Array(1...items.count).reversed().map(String.init).joined(separator: " "))")
            var numbers = numberList(text)
            if numbers?.count == 1, items.count <= 9, text.count == items.count, text.allSatisfy(\.isNumber) {
                numbers = text.compactMap { Int(String($0)) }
            }
            guard let numbers, numbers.count == items.count, Set(numbers) == Set(1...items.count) else {
                return .failure(hint)
            }
            let shown = QuizMarking.shownOrder(question)
            return .success(.order(numbers.map { shown[$0 - 1] }))
        }
    }

    /// `1,3`, `1, 3`, `1 3`: whole numbers separated by commas or spaces; nil if anything else is there.
    static func numberList(_ text: String) -> [Int]? {
        let parts = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" })
        let numbers = parts.compactMap { Int($0) }
        return numbers.count == parts.count ? numbers : nil
    }
}

/// Why an answer line could not be read, in one line.
public struct QuizAnswerHint: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// What the learner did with one question before, for weighting the mixed review.
public struct QuestionHistory: Equatable, Sendable {
    public var asked: Int
    public var missed: Int
    /// Whether the latest answer was right.
    public var lastCorrect: Bool
    public init(asked: Int, missed: Int, lastCorrect: Bool) {
        self.asked = asked
        self.missed = missed
        self.lastCorrect = lastCorrect
    }
}

/// One round of a quiz: the questions, in the order asked, and the answers so far.
public struct QuizRound: Equatable, Sendable {
    /// A lesson's quiz, or the mixed review across lessons (lesson nil).
    public let lesson: String?
    public let questions: [QuizQuestion]
    /// The depth a lesson's round is drawn at (nil: the mixed review, each lesson at its own).
    public let depth: LessonDepth?
    /// Whether each answered question was right, by question id.
    public private(set) var results: [String: Bool] = [:]

    public init(lesson: String?, questions: [QuizQuestion], depth: LessonDepth? = nil) {
        self.lesson = lesson
        self.questions = questions
        self.depth = depth
    }

    /// The questions of a lesson a reader at `depth` is asked (that depth and below), in file order.
    public static func lesson(_ id: String, in course: CoursePack, depth: LessonDepth) -> QuizRound {
        QuizRound(lesson: id, questions: course.questions(for: id, upTo: depth), depth: depth)
    }

    /// A mixed review: `count` questions drawn from the whole course without repeats, each with
    /// weight 4 if its latest answer was wrong, 2 if never asked, else 1 (weighted sampling of
    /// Efraimidis and Spirakis: the `count` largest u^(1/w)). The same seed gives the same round.
    /// Each lesson's questions are drawn up to `depth(lessonID)`, the depth it is read at.
    public static func mixedReview(course: CoursePack, history: [String: QuestionHistory], count: Int = 10,
                                   depth: (String) -> LessonDepth, seed: UInt64) -> QuizRound {
        var random = SplitMix64(seed: seed)
        let keyed = course.questions.filter { $0.depth <= depth($0.lessonID) }.map { question -> (key: Double, question: QuizQuestion) in
            let weight: Double = switch history[question.id] {
            case nil: 2
            case let h? where !h.lastCorrect: 4
            default: 1
            }
            return (pow(random.unit(), 1 / weight), question)
        }
        let chosen = keyed.sorted { $0.key > $1.key }.prefix(max(0, count)).map(\.question)
        return QuizRound(lesson: nil, questions: chosen)
    }

    /// Notes the verdict on a question of this round (a second answer replaces the first).
    public mutating func record(_ questionID: String, correct: Bool) {
        results[questionID] = correct
    }

    public var score: QuizScore {
        QuizScore(correct: questions.filter { results[$0.id] == true }.count, total: questions.count, depth: depth)
    }

    /// Questions answered wrongly, in the order asked.
    public var missed: [QuizQuestion] { questions.filter { results[$0.id] == false } }

    public var isFinished: Bool { questions.allSatisfy { results[$0.id] != nil } }

    /// A new round of just the missed questions, same lesson (or mixed).
    public func retryingMissed() -> QuizRound { QuizRound(lesson: lesson, questions: missed, depth: depth) }
}
