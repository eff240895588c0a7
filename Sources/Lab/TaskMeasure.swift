import Course
import Foundation
import ModelFile
import RNNCore
import Trace

extension LabTask.Measure {
    /// The quantity read from one live trace of `model` (the tutor calls this on the trace its panels show).
    public func value(in trace: SentenceTrace, model: Model) throws(TaskRunError) -> Double {
        let count = trace.tokens.count
        for step in steps where step >= count {
            throw TaskRunError(kind: .cannotRun, line: line, message: "step \(step) is past the sentence's last step, \(count - 1)")
        }
        switch kind {
        case .gradient, .gradientRatio, .loss:
            // The loss aims at the next word: an unknown one would teach the model's guess for `<unk>`.
            let k = trace.loss.step
            if k + 1 < count, trace.ids[k + 1] == model.unknownID {
                throw TaskRunError(kind: .cannotRun, line: line,
                                   message: "the loss at step \(k) aims at \"\(trace.tokens[k + 1])\" (step \(k + 1)), which the model does not know")
            }
        case .rank, .probability:
            if let word, trace.ids[word] == model.unknownID {
                throw TaskRunError(kind: .cannotRun, line: line,
                                   message: "the word at step \(word), \"\(trace.tokens[word])\", is not in the model's vocabulary")
            }
        default: break
        }
        let norms = trace.hiddenGradientNorms
        switch kind {
        case .gradient:
            return Double(norms[step!])
        case .gradientRatio:
            guard norms[from!] > 0 else {
                throw TaskRunError(kind: .cannotRun, line: line, message: "the gradient at step \(from!) is 0, so the ratio has no value")
            }
            return Double(norms[to!]) / Double(norms[from!])
        case .rank, .probability:
            let t = step!, target = trace.ids[word!]
            let logits = trace.forward.outputRow(t)
            let own = logits[logits.startIndex + target]
            if kind == .rank {
                var above = 0
                for (j, logit) in logits.enumerated() where logit > own && j != model.unknownID { above += 1 }
                return Double(above + 1)
            }
            let peak = logits.max()!
            let total = logits.reduce(0.0) { $0 + exp(Double($1 - peak)) }
            return exp(Double(own - peak)) / total
        case .gateMean:
            guard let values = trace.steps[step!].gates.first(where: { $0.name == gate })?.values else {
                throw TaskRunError(kind: .cannotRun, line: line, message: "the \(trace.cell.rawValue) model has no gate \(gate ?? "")")
            }
            return values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        case .unit, .unitChange:
            guard unit! < trace.hiddenSize else {
                throw TaskRunError(kind: .cannotRun, line: line, message: "unit \(unit!) is past the model's last unit, \(trace.hiddenSize - 1)")
            }
            let now = Double(trace.steps[step!].hidden[unit!])
            guard kind == .unitChange else { return now }
            return now - (step! > 0 ? Double(trace.steps[step! - 1].hidden[unit!]) : 0)
        case .stateChange:
            let now = trace.steps[step!].hidden
            let before = step! > 0 ? Array(trace.steps[step! - 1].hidden) : [Float](repeating: 0, count: now.count)
            let squares = zip(now, before).map { Double($0 - $1) * Double($0 - $1) }
            return squares.reduce(0, +).squareRoot()
        case .loss:
            return Double(trace.loss.value)
        case .sigmaMax, .jacobianBound, .boundGap:
            // The Jacobian panel's numbers, for the top layer (the one whose ratio the product bounds).
            let top = trace.jacobian(network: model.network).layers.last!, t = step!
            switch kind {
            case .sigmaMax: return Double(top.largestSingularValues[t])
            case .jacobianBound: return Double(top.bound[t])
            default:
                guard top.measuredRatio[t] > 0 else {
                    throw TaskRunError(kind: .cannotRun, line: line, message: "the measured gradient ratio at step \(t) is 0, so the bound has no gap")
                }
                return Double(top.bound[t]) / Double(top.measuredRatio[t])
            }
        case .slopeSaturated, .slopeMean:
            // The slope panel's numbers: 1 − h² of the top layer's units.
            guard trace.cell == .rnn else {
                throw TaskRunError(kind: .cannotRun, line: line, message: "the \(trace.cell.rawValue) has no tanh slope to read")
            }
            let slopes = trace.tanhSlopes(layer: trace.layers - 1)[step!]
            if kind == .slopeMean { return slopes.reduce(0.0) { $0 + Double($1) } / Double(slopes.count) }
            return Double(slopes.filter { $0 < LabTask.Measure.saturatedSlope }.count) / Double(slopes.count)
        case .unitScore:
            guard unit! < trace.hiddenSize else {
                throw TaskRunError(kind: .cannotRun, line: line, message: "unit \(unit!) is past the model's last unit, \(trace.hiddenSize - 1)")
            }
            do {
                let scores = try UnitFinder.rank(trace, layer: trace.layers - 1, span: from!..<(to! + 1))
                return Double(scores.first { $0.unit == unit! }!.score)
            } catch {
                throw TaskRunError(kind: .cannotRun, line: line, message: "cannot score the span: \(error)")
            }
        }
    }
}

/// What the learner commits to, and what the network's numbers key.
public enum TaskAnswer: Equatable, Sendable {
    /// A power of ten (`ask: power-of-ten`).
    case power(Int)
    case yes(Bool)
    /// An option, 0-based (`ask: choose`).
    case option(Int)

    /// How the review log spells it: `10^-3`, `yes`, `option 2` (1-based).
    public var logText: String {
        switch self {
        case .power(let p): "10^\(p)"
        case .yes(let yes): yes ? "yes" : "no"
        case .option(let i): "option \(i + 1)"
        }
    }

    /// A typed answer: `-3`, `1e-3` or `10^-3` for a power of ten; `y`/`n`; an option's number.
    public static func parse(_ text: String, for question: LabTask.Question) -> Result<TaskAnswer, TaskAnswerHint> {
        let typed = text.trimmingCharacters(in: .whitespaces).lowercased()
        switch question {
        case .powerOfTen:
            if let p = Int(typed) { return .success(.power(p)) }
            for prefix in ["10^", "1e"] where typed.hasPrefix(prefix) {
                if let p = Int(typed.dropFirst(prefix.count)) { return .success(.power(p)) }
            }
            return .failure(TaskAnswerHint(message: "type a power of ten as its exponent, like -3 for 0.001 (or 1e-3, 10^-3)"))
        case .yesNo:
            if ["y", "yes"].contains(typed) { return .success(.yes(true)) }
            if ["n", "no"].contains(typed) { return .success(.yes(false)) }
            return .failure(TaskAnswerHint(message: "type y or n"))
        case .choose(_, let options):
            if let n = Int(typed), (1...options.count).contains(n) { return .success(.option(n - 1)) }
            return .failure(TaskAnswerHint(message: "type an option's number, 1 to \(options.count)"))
        }
    }

    /// The keyed answer for `values` (one per measure), and how clearly it stands out.
    public static func keyed(_ question: LabTask.Question, values: [Double], line: Int = 0) throws(TaskRunError) -> (TaskAnswer, Closeness) {
        for v in values where !v.isFinite {
            throw TaskRunError(kind: .cannotRun, line: line, message: "a measured value is \(v), so there is no answer")
        }
        switch question {
        case .powerOfTen:
            guard values[0] > 0 else {
                throw TaskRunError(kind: .cannotRun, line: line, message: "the measured value is \(values[0]); a power of ten needs a positive one")
            }
            let exponent = log10(values[0])
            let nearest = exponent.rounded()
            let margin = 0.5 - abs(exponent - nearest)
            return (.power(Int(nearest)), Closeness(margin: margin, isNearTie: margin < Closeness.halfPowerMargin,
                                                    note: "log10 of the value is \(String(format: "%.2f", exponent)), \(String(format: "%.2f", margin)) from a half power"))
        case .yesNo(let m, let condition):
            let v = values[0], b = condition.bound
            let yes = switch condition {
            case .atMost: v <= b
            case .atLeast: v >= b
            }
            return (.yes(yes), Closeness.between(v, b, kind: m.kind, what: "the value and the bound"))
        case .choose(let extreme, let options):
            let order = values.indices.sorted { extreme == .largest ? values[$0] > values[$1] : values[$0] < values[$1] }
            let best = order[0], second = order[1]
            return (.option(best), Closeness.between(values[best], values[second], kind: options[best].measure.kind,
                                                    what: "the \(extreme.rawValue) two"))
        }
    }
}

public struct TaskAnswerHint: Error, Equatable, Sendable {
    public var message: String
}

/// How far the keyed answer is from the other one. The thresholds are in FORMAT.md.
public struct Closeness: Equatable, Sendable {
    /// In the measure's own terms: powers of ten on a log scale, a share of the larger value otherwise.
    public var margin: Double
    /// Under the threshold: the learner could not tell the answer by looking.
    public var isNearTie: Bool
    /// The numbers behind it, for `lessons check`.
    public var note: String

    public init(margin: Double, isNearTie: Bool, note: String) {
        self.margin = margin
        self.isNearTie = isNearTie
        self.note = note
    }

    /// A power-of-ten answer is a near tie when its log10 is within this of a half power (x.5).
    public static let halfPowerMargin = 0.15
    /// Two values on a log scale are a near tie when their log10s differ by less than this (about 12 %).
    public static let logMargin = 0.05
    /// Two other values are a near tie when they differ by less than this share of the larger magnitude …
    public static let relativeMargin = 0.05
    /// … or by less than this, whichever is more.
    public static let absoluteMargin = 0.01

    static func between(_ a: Double, _ b: Double, kind: LabTask.Measure.Kind, what: String) -> Closeness {
        let note = "\(what): \(format(a, kind)) and \(format(b, kind))"
        if kind == .rank {
            return Closeness(margin: abs(a - b), isNearTie: a == b, note: note)
        }
        if kind.isLogarithmic && a > 0 && b > 0 {
            let margin = abs(log10(a) - log10(b))
            return Closeness(margin: margin, isNearTie: margin < logMargin, note: note + String(format: " (%.3f powers of ten apart)", margin))
        }
        let scale = max(abs(a), abs(b))
        let margin = scale > 0 ? abs(a - b) / scale : 0
        return Closeness(margin: margin, isNearTie: abs(a - b) < max(relativeMargin * scale, absoluteMargin),
                         note: note + String(format: " (%.1f%% apart)", margin * 100))
    }
}

