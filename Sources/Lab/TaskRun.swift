import Course
import Foundation
import ModelFile
import RNNCore
import Trace

/// Why a task cannot run against the models at hand; `line` is in the task's file.
public struct TaskRunError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// No model of a cell the task needs (another `--model` set): the tutor skips the task.
        case missingModel
        /// The task asks for something the model cannot give (a step past the sentence, an unknown word).
        case cannotRun
    }

    public var kind: Kind
    public var line: Int
    public var message: String

    public var description: String { message }
}

/// One trace of a task: a cell at the W_hh scale before or after the action.
public struct TraceKey: Hashable, Sendable {
    public var cell: LabTask.Cell
    public var moment: LabTask.Moment

    public init(cell: LabTask.Cell, moment: LabTask.Moment) {
        self.cell = cell
        self.moment = moment
    }
}

/// A task carried out against real models: the traces the panels would show, every
/// measured value, and the keyed answer that follows from them.
public struct TaskRun: Sendable {
    public var task: LabTask
    /// The sentence traced (the task's own, or the lesson's preset).
    public var sentence: String
    /// The W_hh scale of each moment (`before` = `after` unless the action is `scale`).
    public var scales: [LabTask.Moment: Float]
    /// `before` and `after` for each cell the measures read (one trace when the scale does not change).
    public var traces: [TraceKey: SentenceTrace]
    /// One value per measure of `task.question.measures`, in order.
    public var values: [Double]
    /// For a task whose action changes the scale: each measure's value before and after it.
    public var valuesBefore: [Double]?
    public var valuesAfter: [Double]?
    public var key: TaskAnswer
    /// How clearly the keyed answer stands out; a near tie is one the learner could not tell by looking.
    public var closeness: Closeness
    /// The models' hashes, by cell, as logged with the answer.
    public var modelHashes: [LabTask.Cell: String]
    /// Each traced model's `<unk>` id, when it has one.
    public var unknownIDs: [LabTask.Cell: Int] = [:]

    /// Carries out `task` against `models`. `preset` is the lesson's `lab:` sentence, for `sentence: preset`.
    public static func run(_ task: LabTask, models: LabModels, preset: String?) throws(TaskRunError) -> TaskRun {
        guard let sentence = task.setup.sentence ?? preset else {
            throw TaskRunError(kind: .cannotRun, line: task.line, message: "uses the lesson's preset sentence, and there is none")
        }
        var scales: [LabTask.Moment: Float] = [.before: task.setup.whhScale, .after: task.setup.whhScale]
        if case .scale(let to) = task.action { scales[.after] = to }

        let changesScale = if case .scale = task.action { true } else { false }
        var needed: [TraceKey] = []
        for m in task.question.measures {
            // A scale change quotes every measure before and after it, so both traces are needed.
            let moments: [LabTask.Moment] = m.moment == .ratio || changesScale ? [.before, .after] : [m.moment]
            for moment in moments where !needed.contains(TraceKey(cell: m.cell, moment: moment)) {
                needed.append(TraceKey(cell: m.cell, moment: moment))
            }
        }
        var traces: [TraceKey: SentenceTrace] = [:]
        var hashes: [LabTask.Cell: String] = [:], unknownIDs: [LabTask.Cell: Int] = [:]
        for key in needed {
            guard let lab = models[key.cell] else {
                throw TaskRunError(kind: .missingModel, line: task.line,
                                   message: "needs \(key.cell == .gru ? "a" : "an") \(key.cell.rawValue.uppercased()) model, and none is loaded")
            }
            hashes[key.cell] = lab.hash
            unknownIDs[key.cell] = lab.model.unknownID
            let steps = try tokenCount(lab.model, sentence, task: task)
            for step in task.question.measures.flatMap(\.steps) + [task.setup.lossStep, task.setup.cursor].compactMap({ $0 })
            where step >= steps {
                throw TaskRunError(kind: .cannotRun, line: task.line,
                                   message: "step \(step) is past the last step, \(steps - 1), of the sentence as the \(key.cell.rawValue.uppercased()) model reads it")
            }
            if case .step(let to) = task.action, to >= steps {
                throw TaskRunError(kind: .cannotRun, line: task.line, message: "the action steps to \(to), past the sentence's last step, \(steps - 1)")
            }
            do {
                traces[key] = try SentenceTrace.compute(model: lab.model, input: .text(sentence), lossStep: task.setup.lossStep,
                                                        whhScale: scales[key.moment == .ratio ? .after : key.moment]!)
            } catch {
                throw TaskRunError(kind: .cannotRun, line: task.line, message: "cannot be traced: \(error)")
            }
        }

        var values: [Double] = [], before: [Double] = [], after: [Double] = []
        for m in task.question.measures {
            let model = models[m.cell]!.model
            func read(_ moment: LabTask.Moment) throws(TaskRunError) -> Double {
                try m.value(in: traces[TraceKey(cell: m.cell, moment: moment)]!, model: model)
            }
            if m.moment == .ratio {
                let (b, a) = (try read(.before), try read(.after))
                guard b > 0 else {
                    throw TaskRunError(kind: .cannotRun, line: m.line, message: "the \(m.kind.rawValue) before the scale change is 0, so it has no ratio")
                }
                before.append(b)
                after.append(a)
                values.append(a / b)
            } else {
                let v = try read(m.moment)
                values.append(v)
                if case .scale = task.action {
                    before.append(try read(.before))
                    after.append(try read(.after))
                }
            }
        }
        let (key, closeness) = try TaskAnswer.keyed(task.question, values: values, line: task.line)
        return TaskRun(task: task, sentence: sentence, scales: scales, traces: traces, values: values,
                       valuesBefore: changesScale ? before : nil, valuesAfter: changesScale ? after : nil,
                       key: key, closeness: closeness, modelHashes: hashes, unknownIDs: unknownIDs)
    }

    /// How many steps the model makes of `sentence`.
    private static func tokenCount(_ model: Model, _ sentence: String, task: LabTask) throws(TaskRunError) -> Int {
        do {
            return try model.tokenize(sentence).count
        } catch {
            throw TaskRunError(kind: .cannotRun, line: task.line, message: "cannot be read by the model: \(error.message)")
        }
    }

    /// Marks the learner's answer and fills the explanation with the measured numbers.
    public func mark(_ answer: TaskAnswer) -> TaskVerdict {
        let correct = answer == key
        let measured = measuredText
        let summary = correct
            ? "Right: \(describe(key)) (measured \(measured))."
            : "Not this time: you said \(describe(answer)); the network gives \(describe(key)) (measured \(measured))."
        return TaskVerdict(correct: correct, answer: answer, key: key, summary: summary, explanation: explanation,
                           logText: logText(answer))
    }

    /// The explanation with its placeholders filled in.
    public var explanation: String {
        var filled: [String: String] = [
            "answer": describe(key),
            "values": valuesText,
        ]
        let kinds = task.question.measures.map(\.kind)
        switch task.question {
        case .powerOfTen, .yesNo:
            filled["value"] = format(values[0], kinds[0])
        case .choose:
            if case .option(let i) = key { filled["value"] = format(values[i], kinds[i]) }
            for (i, v) in values.enumerated() { filled[String(i + 1)] = format(v, kinds[i]) }
        }
        if values[0] > 0 { filled["log10"] = String(format: "%.2f", log10(values[0])) }
        if let b = valuesBefore?.first { filled["before"] = format(b, kinds[0]) }
        if let a = valuesAfter?.first { filled["after"] = format(a, kinds[0]) }
        var text = ""
        var rest = task.explanation[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            text += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            text += filled[name] ?? "{\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        return text + rest
    }

    /// The measured values as text: `3.1e-05`, or `RNN 3.1e-05, LSTM 0.021` for options.
    public var measuredText: String {
        if case .choose = task.question { return valuesText }
        return format(values[0], task.question.measures[0].kind)
    }

    private var valuesText: String {
        switch task.question {
        case .choose(_, let options):
            zip(options, values).map { "\(Plain.text($0.label)) \(format($1, $0.measure.kind))" }.joined(separator: ", ")
        default: format(values[0], task.question.measures[0].kind)
        }
    }

    /// The keyed or the learner's answer in words.
    public func describe(_ answer: TaskAnswer) -> String {
        switch answer {
        case .power(let p): "10^\(p)"
        case .yes(let yes): yes ? "yes" : "no"
        case .option(let i):
            if case .choose(_, let options) = task.question, options.indices.contains(i) { Plain.text(options[i].label) } else { "option \(i + 1)" }
        }
    }

    /// What the review log keeps: the learner's answer, the keyed one, what was measured, on which models.
    func logText(_ answer: TaskAnswer) -> String {
        let models = modelHashes.keys.sorted { $0.rawValue < $1.rawValue }.map { "\($0.rawValue) \(modelHashes[$0]!)" }
        return "\(answer.logText); key \(key.logText); measured \(measuredText); models \(models.joined(separator: ", "))"
    }
}

/// The learner's verdict on one task.
public struct TaskVerdict: Equatable, Sendable {
    public var correct: Bool
    public var answer: TaskAnswer
    public var key: TaskAnswer
    /// `Right: 10^-3 (measured 0.00087).` or what the network gives instead.
    public var summary: String
    /// The task's explanation with the measured numbers.
    public var explanation: String
    /// The review log's `answer` text.
    public var logText: String
}

/// Numbers as the verdicts and explanations print them: three significant digits, ranks whole.
public func format(_ value: Double, _ kind: LabTask.Measure.Kind) -> String {
    if kind == .rank { return String(Int(value.rounded())) }
    if !value.isFinite { return value.isNaN ? "nan" : value > 0 ? "inf" : "-inf" }
    return String(format: "%.3g", value)
}

/// Inline Markdown in labels, as plain words (the same reading the plain modes use).
enum Plain {
    static func text(_ markdown: String) -> String { Inline.parse(markdown).plainText }
}
