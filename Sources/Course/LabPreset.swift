import Foundation
import Yams

/// What the live panels show beside a lesson: its front matter's `lab:`.
public struct LabPreset: Equatable, Sendable {
    public enum Cell: String, CaseIterable, Sendable {
        case rnn, lstm, gru
        /// All three overlaid where a panel can.
        case all
    }

    public enum Panel: String, CaseIterable, Sendable {
        case tokens, hidden, gates, cell, prediction, gradient
        /// The one-step Jacobians' largest stretch and the bound they put on the gradient (J).
        case jacobian
    }

    public enum Experiment: String, CaseIterable, Sendable {
        case none, adding, explorer
    }

    /// The largest `whh_scale` a lesson may set; the lab's slider stops there too.
    public static let whhScaleRange: ClosedRange<Float> = 0...4

    public var cell: Cell
    /// A further shipped model this lesson loads beside the three (a file in models/, named
    /// without `.safetensors`, like `lstm2`); the lab opens on it when `cell` is its cell.
    public var model: String?
    public var sentence: String
    /// The step whose loss is back-propagated, 0-based; nil for the last step.
    public var lossStep: Int?
    /// Every W_hh is multiplied by this (0…4).
    public var whhScale: Float
    /// Gradient clipping in the experiments.
    public var clipping: Bool
    /// The panels that come to the front, in order.
    public var panels: [Panel]
    public var experiment: Experiment

    public init(cell: Cell, model: String? = nil, sentence: String, lossStep: Int? = nil, whhScale: Float = 1, clipping: Bool = false,
                panels: [Panel], experiment: Experiment = .none) {
        self.cell = cell
        self.model = model
        self.sentence = sentence
        self.lossStep = lossStep
        self.whhScale = whhScale
        self.clipping = clipping
        self.panels = panels
        self.experiment = experiment
    }

    static let keys = ["cell", "model", "sentence", "loss_step", "whh_scale", "clipping", "panels", "experiment"]

    /// Reads `lab:`; nil when it cannot be used (the problems say why).
    static func read(_ node: Node, vocabulary: LabVocabulary?, problems: inout FileProblems) -> LabPreset? {
        guard let fields = YAMLMapping(node, what: "`lab`", keys: keys, problems: &problems) else { return nil }
        let cell = fields.text("cell", problems: &problems).flatMap {
            choice(Cell.self, $0, line: fields.line("cell"), noun: "cell", problems: &problems)
        }
        let model = fields.text("model", required: false, problems: &problems)
        if let model, model.isEmpty || !model.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            problems.error(fields.line("model"), "`model` names a shipped model file without its extension (like lstm2), not \(quoted(model))")
        }
        let sentence = fields.text("sentence", problems: &problems)
        let lossStep = fields.wholeNumber("loss_step", required: false, expected: "a step number ≥ 0 (0-based)", problems: &problems)
        if let lossStep, lossStep < 0 {
            problems.error(fields.line("loss_step"), "`loss_step` must be ≥ 0 (steps count from 0), not \(lossStep)")
        }
        let whhScale = fields.number("whh_scale", required: false, expected: "a number from 0 to 4", problems: &problems)
        if let whhScale, !whhScaleRange.contains(Float(whhScale)) {
            problems.error(fields.line("whh_scale"), "`whh_scale` must be from 0 to 4, not \(whhScale.plainSpelling)")
        }
        let clipping = fields.flag("clipping", required: false, problems: &problems)
        let panels = readPanels(fields, problems: &problems)
        let experiment = fields.text("experiment", problems: &problems).flatMap {
            choice(Experiment.self, $0, line: fields.line("experiment"), noun: "experiment", problems: &problems)
        }

        if let sentence {
            let words = LabVocabulary.words(in: sentence, lowercase: false)
            if words.isEmpty {
                problems.error(fields.line("sentence"), "the lab sentence has no words")
            } else if let lossStep, lossStep >= words.count {
                problems.error(fields.line("loss_step"),
                               "`loss_step` \(lossStep) is past the sentence's last step, \(words.count - 1) (steps count from 0)")
            }
            if let vocabulary {
                for word in vocabulary.unknownWords(in: sentence) {
                    problems.warning(fields.line("sentence"), "word \(quoted(word)) of the lab sentence is not in the shipped models' vocabulary")
                }
            }
        }

        guard let cell, let sentence, let panels, let experiment else { return nil }
        if let lossStep, lossStep < 0 { return nil }
        return LabPreset(cell: cell, model: model, sentence: sentence, lossStep: lossStep, whhScale: Float(whhScale ?? 1),
                         clipping: clipping ?? false, panels: panels, experiment: experiment)
    }

    private static func readPanels(_ fields: YAMLMapping, problems: inout FileProblems) -> [Panel]? {
        guard let nodes = fields.list("panels", problems: &problems) else { return nil }
        if nodes.isEmpty {
            problems.error(fields.line("panels"), "`panels` lists no panel; name at least one of \(names(Panel.self))")
            return nil
        }
        var panels: [Panel] = []
        for node in nodes {
            guard let name = text(of: node, &problems, what: "a panel name"),
                  let panel = choice(Panel.self, name, line: line(of: node, problems), noun: "panel", problems: &problems) else { continue }
            if panels.contains(panel) {
                problems.error(line(of: node, problems), "panel \(quoted(name)) is listed twice")
            } else {
                panels.append(panel)
            }
        }
        return panels.count == nodes.count ? panels : nil
    }
}

/// One of an enum's spellings, or a problem listing them all.
func choice<Choice: RawRepresentable & CaseIterable>(_: Choice.Type, _ text: String, line: Int, noun: String,
                                                    problems: inout FileProblems) -> Choice? where Choice.RawValue == String {
    if let value = Choice(rawValue: text) { return value }
    problems.error(line, "unknown \(noun) \(quoted(text)); the \(noun)s are \(names(Choice.self))")
    return nil
}

func names<Choice: RawRepresentable & CaseIterable>(_: Choice.Type) -> String where Choice.RawValue == String {
    Choice.allCases.map(\.rawValue).joined(separator: ", ")
}

extension Double {
    /// 5 rather than 5.0, for messages.
    var plainSpelling: String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}
