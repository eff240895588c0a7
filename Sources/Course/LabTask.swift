import Foundation
import Yams

/// A guided lab task: the learner predicts what the live panels will show after
/// an action, then the real network is run and measured. The answer is never
/// written here: it is computed from the model when the task runs (the `Lab`
/// target does that), so a retrained model keeps the task honest.
/// Read from `NN-slug.tasks.yaml`; the format is in lessons/FORMAT.md.
public struct LabTask: Equatable, Sendable {
    public enum Cell: String, CaseIterable, Sendable {
        case rnn, lstm, gru
    }

    /// Whether every cell the task traces or measures has a model among `loaded` (cell names).
    public func runs(onCells loaded: Set<String>) -> Bool {
        setup.cells.allSatisfy { loaded.contains($0.rawValue) } && question.measures.allSatisfy { loaded.contains($0.cell.rawValue) }
    }

    /// What the panels are set to before the action.
    public struct Setup: Equatable, Sendable {
        /// The cells traced; the first is the one shown when the task opens.
        public var cells: [Cell]
        /// The task's own sentence, or nil for the lesson's `lab:` sentence (`sentence: preset`).
        public var sentence: String?
        /// The step whose loss is back-propagated, 0-based; nil for the last step.
        public var lossStep: Int?
        public var whhScale: Float
        /// Where the cursor stands when the task opens (0-based); nil for the first step.
        public var cursor: Int?
    }

    /// What the tutor does in the live panels once the learner has committed.
    public enum Action: Equatable, Sendable {
        /// Move the cursor to this step (the forward pass reaches it).
        case step(to: Int)
        /// Run the backward sweep from the loss step.
        case sweep
        /// Switch the panels to this cell (one of the setup's cells).
        case toggle(to: Cell)
        /// Change the W_hh scale to this value; measures may read the trace from `before` or `after`.
        case scale(to: Float)
    }

    /// Which trace a measure reads when the action changes the W_hh scale.
    public enum Moment: String, CaseIterable, Sendable {
        case before, after
        /// after ÷ before, for a quantity on a log scale: how many powers of ten the change moves it.
        case ratio
    }

    /// A number read from a live trace. The vocabulary is in FORMAT.md.
    public struct Measure: Equatable, Sendable {
        public enum Kind: String, CaseIterable, Sendable {
            /// ||dL/dh_to|| / ||dL/dh_from||: how much of the gradient at `from` reaches `to`.
            case gradientRatio = "gradient-ratio"
            /// ||dL/dh_step||.
            case gradient
            /// The place of the word at step `word` in the prediction made at step `step` (1 = first),
            /// among the known words (`<unk>` left out, as the prediction panel shows them).
            case rank
            /// The probability the prediction at `step` gives the word at step `word`.
            case probability
            /// The mean of gate `gate` over the units at `step`.
            case gateMean = "gate-mean"
            /// Unit `unit` of h at `step`.
            case unit
            /// h_step − h_(step−1) of unit `unit` (h before step 0 is zero).
            case unitChange = "unit-change"
            /// ||h_step − h_(step−1)||: how far the whole state moves at `step`.
            case stateChange = "state-change"
            /// The cross-entropy loss at the loss step.
            case loss
            /// σ_max of the one-step Jacobian ∂s_step/∂s_(step−1) (the Jacobian panel's bars; top layer).
            case sigmaMax = "sigma-max"
            /// Π σ_max(J_s) for s = step+1 … the loss step: the ceiling on the gradient ratio from the loss step back to `step`.
            case jacobianBound = "jacobian-bound"
            /// That ceiling ÷ the measured ratio of the adjoint norms at `step` and at the loss step: how loose the bound is.
            case boundGap = "bound-gap"
            /// The plain RNN's share of units whose slope 1 − h² is below 0.1 at `step` (saturated: they pass almost no gradient).
            case slopeSaturated = "slope-saturated"
            /// The plain RNN's mean slope 1 − h² over the units at `step`.
            case slopeMean = "slope-mean"
            /// Unit `unit`'s selectivity for the span `from` … `to` (both included): find the unit's signed score.
            case unitScore = "unit-score"

            /// The keys this kind needs besides `measure` and `cell`.
            var needs: [String] {
                switch self {
                case .gradientRatio: ["from", "to"]
                case .gradient: ["step"]
                case .rank, .probability: ["step", "word"]
                case .gateMean: ["step", "gate"]
                case .unit, .unitChange: ["step", "unit"]
                case .stateChange: ["step"]
                case .loss: []
                case .sigmaMax, .jacobianBound, .boundGap, .slopeSaturated, .slopeMean: ["step"]
                case .unitScore: ["unit", "from", "to"]
                }
            }

            /// Whether the quantity spans powers of ten (compared and tied on a log scale).
            public var isLogarithmic: Bool {
                [.gradientRatio, .gradient, .probability, .jacobianBound, .boundGap].contains(self)
            }

            /// Read from the loss step back (zero or meaningless after it).
            public var readsBackward: Bool { [.gradient, .gradientRatio, .jacobianBound, .boundGap].contains(self) }

            /// Read from the Jacobian bound (the Jacobian panel shows it).
            public var readsJacobian: Bool { [.sigmaMax, .jacobianBound, .boundGap].contains(self) }

            /// Only the plain RNN has it (its tanh slope).
            public var rnnOnly: Bool { self == .slopeSaturated || self == .slopeMean }

            /// The log-scale kinds in words, for messages.
            static var logarithmicNames: String { allCases.filter(\.isLogarithmic).map(\.rawValue).joined(separator: ", ") }
        }

        public var kind: Kind
        public var cell: Cell
        public var step: Int?
        public var from: Int?
        public var to: Int?
        /// The step whose word a rank or probability is about.
        public var word: Int?
        public var gate: String?
        public var unit: Int?
        public var moment: Moment
        /// Its line in the file, for problems found when the task runs.
        public var line: Int

        public init(kind: Kind, cell: Cell, step: Int? = nil, from: Int? = nil, to: Int? = nil, word: Int? = nil,
                    gate: String? = nil, unit: Int? = nil, moment: Moment = .after, line: Int = 0) {
            self.kind = kind
            self.cell = cell
            self.step = step
            self.from = from
            self.to = to
            self.word = word
            self.gate = gate
            self.unit = unit
            self.moment = moment
            self.line = line
        }

        /// Below this slope 1 − h² a unit counts as saturated (`slope-saturated`; the slope panel marks the same).
        public static let saturatedSlope: Float = 0.1

        /// Every step this measure reads.
        public var steps: [Int] { [step, from, to, word].compactMap { $0 } }
    }

    /// How the learner answers, and how the keyed answer follows from the measures.
    public enum Question: Equatable, Sendable {
        /// A power of ten: right when it equals round(log10(value)).
        case powerOfTen(Measure)
        /// Yes when the value is at most (or at least) the bound.
        case yesNo(Measure, Condition)
        /// The option whose value is largest (or smallest).
        case choose(Extreme, [Option])

        public var measures: [Measure] {
            switch self {
            case .powerOfTen(let m), .yesNo(let m, _): [m]
            case .choose(_, let options): options.map(\.measure)
            }
        }
    }

    public enum Condition: Equatable, Sendable {
        case atMost(Double)
        case atLeast(Double)

        public var bound: Double {
            switch self {
            case .atMost(let b), .atLeast(let b): b
            }
        }
    }

    public enum Extreme: String, CaseIterable, Sendable {
        case largest, smallest
    }

    public struct Option: Equatable, Sendable {
        public var label: String
        public var measure: Measure
        public init(label: String, measure: Measure) {
            self.label = label
            self.measure = measure
        }
    }

    /// Stable: the learner's history is keyed by it.
    public var id: String
    public var lessonID: String
    public var depth: LessonDepth
    public var prompt: String
    public var setup: Setup
    public var action: Action
    public var question: Question
    /// Shown after the verdict; `{value}`, `{answer}`, `{values}` and `{1}`… are filled in with the measured numbers.
    public var explanation: String
    /// Where the task stands: the file as the pack was read, and the line of its `id:`.
    public var file: String
    public var line: Int

    /// The placeholders an explanation may use; `{1}`, `{2}`… are the options' values.
    public static let placeholders: Set<String> = ["value", "answer", "values", "log10", "before", "after"]
}

extension LabTask {
    static let keys = ["id", "depth", "prompt", "setup", "action", "ask", "measure", "condition", "pick", "options",
                       "explanation"]
    static let setupKeys = ["cells", "sentence", "loss_step", "whh_scale", "cursor"]
    static let actionKeys = ["step", "sweep", "toggle", "scale"]
    static let measureKeys = ["measure", "cell", "step", "from", "to", "word", "gate", "unit", "moment"]

    /// The ways to ask, spelled as in `ask:`.
    enum AskName: String, CaseIterable {
        case powerOfTen = "power-of-ten"
        case yesNo = "yes-no"
        case choose
    }

    /// Reads one entry of `tasks:`; nil when it cannot be used (the problems say why).
    static func read(_ node: Node, lessonID: String, preset: String?, problems: inout FileProblems,
                     ids: inout [(id: String, line: Int)], links: inout [LessonLinkUse]) -> LabTask? {
        guard var fields = YAMLMapping(node, what: "a task", keys: keys, problems: &problems) else { return nil }
        let id = fields.text("id", problems: &problems)
        if let id {
            fields.what = "task \(quoted(id))"
            ids.append((id, fields.line("id")))
            if !isValidID(id) { problems.error(fields.line("id"), "task id \(quoted(id)) must be \(idRule)") }
        }
        let depth = fields.text("depth", problems: &problems).flatMap {
            choice(LessonDepth.self, $0, line: fields.line("depth"), noun: "depth", problems: &problems)
        }
        let prompt = proseText("prompt", fields, &problems, &links)
        let explanation = proseText("explanation", fields, &problems, &links)
        let setup = fields.value("setup", required: true, problems: &problems).flatMap {
            readSetup($0, preset: preset, problems: &problems)
        }
        let action = fields.value("action", required: true, problems: &problems).flatMap {
            readAction($0, setup: setup, problems: &problems)
        }
        let question = readQuestion(fields, setup: setup, action: action, problems: &problems)
        if let explanation, let question { checkPlaceholders(explanation, question, line: fields.line("explanation"), &problems) }

        guard let id, let depth, let prompt, let explanation, let setup, let action, let question else { return nil }
        return LabTask(id: id, lessonID: lessonID, depth: depth, prompt: prompt, setup: setup, action: action,
                       question: question, explanation: explanation, file: problems.file, line: fields.line("id"))
    }

    /// The words of the sentence a setup traces, by the models' tokenizer rule (case kept).
    static func words(_ sentence: String) -> [String] { LabVocabulary.words(in: sentence, lowercase: false) }

    private static func readSetup(_ node: Node, preset: String?, problems: inout FileProblems) -> Setup? {
        guard let fields = YAMLMapping(node, what: "`setup`", keys: setupKeys, problems: &problems) else { return nil }
        let cells = readCells(fields, problems: &problems)
        var sentence: String?? = nil   // nil: unreadable; .some(nil): the preset
        var count: Int?
        if let text = fields.text("sentence", problems: &problems) {
            if text == "preset" {
                if let preset {
                    sentence = .some(nil)
                    count = words(preset).count
                } else {
                    problems.error(fields.line("sentence"), "`sentence: preset` needs the lesson's `lab:` sentence, and the lesson has none")
                }
            } else {
                count = words(text).count
                if count == 0 {
                    problems.error(fields.line("sentence"), "the task's sentence has no words")
                    count = nil
                } else {
                    sentence = .some(text)
                }
            }
        }
        let lossStep = readStep("loss_step", fields, count: count, required: false, problems: &problems)
        let cursor = readStep("cursor", fields, count: count, required: false, problems: &problems)
        let scale = fields.number("whh_scale", required: false, expected: "a number from 0 to 4", problems: &problems)
        if let scale, !LabPreset.whhScaleRange.contains(Float(scale)) {
            problems.error(fields.line("whh_scale"), "`whh_scale` must be from 0 to 4, not \(scale.plainSpelling)")
            return nil
        }
        guard let cells, let sentence else { return nil }
        if fields.has("loss_step") && lossStep == nil || fields.has("cursor") && cursor == nil { return nil }
        return Setup(cells: cells, sentence: sentence, lossStep: lossStep, whhScale: Float(scale ?? 1), cursor: cursor)
    }

    private static func readCells(_ fields: YAMLMapping, problems: inout FileProblems) -> [Cell]? {
        guard let nodes = fields.list("cells", problems: &problems) else { return nil }
        guard !nodes.isEmpty else {
            problems.error(fields.line("cells"), "`cells` lists no cell; name one or more of \(names(Cell.self))")
            return nil
        }
        var cells: [Cell] = []
        for node in nodes {
            guard let name = text(of: node, &problems, what: "a cell name"),
                  let cell = choice(Cell.self, name, line: Course.line(of: node, problems), noun: "cell", problems: &problems) else { continue }
            if cells.contains(cell) {
                problems.error(Course.line(of: node, problems), "cell \(quoted(name)) is listed twice")
            } else {
                cells.append(cell)
            }
        }
        return cells.count == nodes.count ? cells : nil
    }

    /// A 0-based step of the setup's sentence (`count` words; nil when the sentence is unknown).
    private static func readStep(_ key: String, _ fields: YAMLMapping, count: Int?, required: Bool = true,
                                 problems: inout FileProblems) -> Int? {
        guard let step = fields.wholeNumber(key, required: required, expected: "a step number ≥ 0 (0-based)", problems: &problems) else {
            return nil
        }
        if step < 0 {
            problems.error(fields.line(key), "`\(key)` must be ≥ 0 (steps count from 0), not \(step)")
            return nil
        }
        if let count, step >= count {
            problems.error(fields.line(key), "`\(key)` \(step) is past the sentence's last step, \(count - 1) (steps count from 0)")
            return nil
        }
        return step
    }

    private static func readAction(_ node: Node, setup: Setup?, problems: inout FileProblems) -> Action? {
        guard let fields = YAMLMapping(node, what: "`action`", keys: actionKeys, problems: &problems) else { return nil }
        let present = fields.presentKeys
        guard present.count == 1, let key = present.first else {
            problems.error(fields.line, "`action` is exactly one of \(actionKeys.joined(separator: ", ")) (e.g. `action: {sweep: true}`)")
            return nil
        }
        switch key {
        case "step":
            let count = setup.map { words($0.sentence ?? "").count }.flatMap { $0 > 0 ? $0 : nil }
            return readStep("step", fields, count: count, problems: &problems).map { .step(to: $0) }
        case "sweep":
            guard fields.flag("sweep", problems: &problems) == true else {
                problems.error(fields.line("sweep"), "write `sweep: true`")
                return nil
            }
            return .sweep
        case "toggle":
            guard let name = fields.text("toggle", problems: &problems),
                  let cell = choice(Cell.self, name, line: fields.line("toggle"), noun: "cell", problems: &problems) else { return nil }
            if let setup, !setup.cells.contains(cell) || setup.cells.first == cell {
                problems.error(fields.line("toggle"), "`toggle` switches to another of the setup's cells (\(setup.cells.map(\.rawValue).joined(separator: ", "))), not \(quoted(name))")
                return nil
            }
            return .toggle(to: cell)
        default:
            guard let scale = fields.number("scale", expected: "a number from 0 to 4", problems: &problems) else { return nil }
            guard LabPreset.whhScaleRange.contains(Float(scale)) else {
                problems.error(fields.line("scale"), "`scale` must be from 0 to 4, not \(scale.plainSpelling)")
                return nil
            }
            if let setup, setup.whhScale == Float(scale) {
                problems.error(fields.line("scale"), "`scale` \(scale.plainSpelling) is the setup's own W_hh scale; the action must change it")
                return nil
            }
            return .scale(to: Float(scale))
        }
    }

    private static func readQuestion(_ fields: YAMLMapping, setup: Setup?, action: Action?, problems: inout FileProblems) -> Question? {
        guard let askName = fields.text("ask", problems: &problems),
              let ask = choice(AskName.self, askName, line: fields.line("ask"), noun: "way to ask", problems: &problems) else { return nil }
        let own: Set<String> = switch ask {
        case .powerOfTen: ["measure"]
        case .yesNo: ["measure", "condition"]
        case .choose: ["pick", "options"]
        }
        for key in ["measure", "condition", "pick", "options"] where fields.has(key) && !own.contains(key) {
            problems.error(fields.line(key), "`\(key)` does not belong in an `ask: \(askName)` task")
        }
        func measure(_ key: String) -> Measure? {
            fields.value(key, required: true, problems: &problems).flatMap { readMeasure($0, setup: setup, action: action, problems: &problems) }
        }
        switch ask {
        case .powerOfTen:
            guard let m = measure("measure") else { return nil }
            if !m.kind.isLogarithmic {
                problems.error(m.line, "`ask: power-of-ten` needs a quantity that spans powers of ten (\(Measure.Kind.logarithmicNames)), not \(m.kind.rawValue)")
                return nil
            }
            return .powerOfTen(m)
        case .yesNo:
            let m = measure("measure")
            guard let node = fields.value("condition", required: true, problems: &problems),
                  let condition = YAMLMapping(node, what: "`condition`", keys: ["at_most", "at_least"], problems: &problems) else { return nil }
            guard condition.presentKeys.count == 1, let key = condition.presentKeys.first,
                  let bound = condition.number(key, expected: "a number", problems: &problems) else {
                problems.error(condition.line, "`condition` is one of `at_most: N` or `at_least: N`")
                return nil
            }
            guard let m else { return nil }
            return .yesNo(m, key == "at_most" ? .atMost(bound) : .atLeast(bound))
        case .choose:
            let pick = fields.text("pick", problems: &problems).flatMap {
                choice(Extreme.self, $0, line: fields.line("pick"), noun: "pick", problems: &problems)
            }
            guard let nodes = fields.list("options", problems: &problems) else { return nil }
            if !(2...4).contains(nodes.count) {
                problems.error(fields.line("options"), "`ask: choose` offers 2 to 4 options, not \(nodes.count)")
            }
            var options: [Option] = []
            for node in nodes {
                guard let option = YAMLMapping(node, what: "an option", keys: ["label"] + measureKeys, problems: &problems),
                      let label = option.text("label", problems: &problems),
                      let m = readMeasure(node, setup: setup, action: action, extraKeys: ["label"], problems: &problems) else { continue }
                if options.contains(where: { $0.label == label }) {
                    problems.error(option.line("label"), "two options read \(quoted(label))")
                }
                options.append(Option(label: label, measure: m))
            }
            if let first = options.first, options.contains(where: { $0.measure.kind.isLogarithmic != first.measure.kind.isLogarithmic }) {
                problems.error(fields.line("options"), "the options must measure comparable quantities (all on a log scale, or none)")
                return nil
            }
            guard let pick, options.count == nodes.count, (2...4).contains(options.count) else { return nil }
            return .choose(pick, options)
        }
    }

    private static func readMeasure(_ node: Node, setup: Setup?, action: Action?, extraKeys: [String] = [],
                                    problems: inout FileProblems) -> Measure? {
        guard let fields = YAMLMapping(node, what: "a measure", keys: extraKeys + measureKeys, problems: &problems) else { return nil }
        guard let kindName = fields.text("measure", problems: &problems),
              let kind = choice(Measure.Kind.self, kindName, line: fields.line("measure"), noun: "measure", problems: &problems) else { return nil }
        let measureLine = fields.line("measure")
        for key in ["step", "from", "to", "word", "gate", "unit"] where fields.has(key) && !kind.needs.contains(key) {
            problems.error(fields.line(key), "`\(key)` does not belong in a \(kind.rawValue) measure (it takes \(kind.needs.isEmpty ? "no more keys" : kind.needs.joined(separator: ", ")))")
        }
        var cell: Cell?
        if fields.has("cell") {
            cell = fields.text("cell", problems: &problems).flatMap {
                choice(Cell.self, $0, line: fields.line("cell"), noun: "cell", problems: &problems)
            }
            if let cell, let setup, !setup.cells.contains(cell) {
                problems.error(fields.line("cell"), "cell \(quoted(cell.rawValue)) is not among the setup's `cells`")
                return nil
            }
        } else if let setup {
            if setup.cells.count == 1 {
                cell = setup.cells[0]
            } else {
                problems.error(measureLine, "the setup traces several cells, so the measure names its `cell`")
            }
        }
        let count = setup.flatMap { $0.sentence.map { words($0).count } }   // a preset sentence is checked when the task runs
        var steps: [String: Int] = [:]
        var complete = true
        for key in kind.needs where ["step", "from", "to", "word"].contains(key) {
            if let step = readStep(key, fields, count: count, problems: &problems) { steps[key] = step } else { complete = false }
        }
        if kind == .gradientRatio, let from = steps["from"], let to = steps["to"], from == to {
            problems.error(fields.line("to"), "`from` and `to` are the same step; the ratio would always be 1")
        }
        if kind == .unitScore, let from = steps["from"], let to = steps["to"] {
            if from > to {
                problems.error(fields.line("to"), "the span runs from `from` to `to` (both included), so `to` \(to) cannot come before `from` \(from)")
            } else if let count, from == 0 && to == count - 1 {
                problems.error(fields.line("to"), "the span covers the whole sentence; a unit's score needs steps outside it")
            }
        }
        if kind.rnnOnly, let cell, cell != .rnn {
            problems.error(measureLine, "\(kind.rawValue) reads the plain RNN's tanh slope; the \(cell.rawValue) has none (use `cell: rnn`)")
            complete = false
        }
        if let lossStep = setup?.lossStep {
            for key in ["from", "to", "step"] where kind.readsBackward {
                if let step = steps[key], step > lossStep {
                    problems.error(fields.line(key), "step \(step) is after the loss step \(lossStep), where the gradient is always zero")
                }
            }
        }
        var gate: String?
        if kind.needs.contains("gate") {
            gate = fields.text("gate", problems: &problems)
            let allowed: [String] = switch cell {
            case .lstm: ["i", "f", "g", "o"]
            case .gru: ["r", "z", "n"]
            case .rnn: []
            case nil: ["i", "f", "g", "o", "r", "z", "n"]
            }
            if let name = gate, !allowed.contains(name) {
                problems.error(fields.line("gate"), cell == .rnn
                    ? "the plain RNN has no gates"
                    : "unknown gate \(quoted(name)); the \(cell?.rawValue ?? "") gates are \(allowed.joined(separator: ", "))")
                gate = nil
            }
            if gate == nil { complete = false }
        }
        var unit: Int?
        if kind.needs.contains("unit") {
            unit = fields.wholeNumber("unit", expected: "a unit number ≥ 0", problems: &problems)
            if let u = unit, u < 0 {
                problems.error(fields.line("unit"), "`unit` must be ≥ 0, not \(u)")
                unit = nil
            }
            if unit == nil { complete = false }
        }
        var moment = Moment.after
        if fields.has("moment") {
            guard let name = fields.text("moment", problems: &problems),
                  let chosen = choice(Moment.self, name, line: fields.line("moment"), noun: "moment", problems: &problems) else { return nil }
            if let action, case .scale = action {} else if action != nil {
                problems.error(fields.line("moment"), "`moment` only belongs to a task whose action is `scale` (there are two traces)")
            }
            if chosen == .ratio && !kind.isLogarithmic {
                problems.error(fields.line("moment"), "`moment: ratio` needs a quantity on a log scale (\(Measure.Kind.logarithmicNames))")
            }
            moment = chosen
        }
        guard complete, let cell else { return nil }
        return Measure(kind: kind, cell: cell, step: steps["step"], from: steps["from"], to: steps["to"], word: steps["word"],
                       gate: gate, unit: unit, moment: moment, line: measureLine)
    }

    private static func checkPlaceholders(_ text: String, _ question: Question, line: Int, _ problems: inout FileProblems) {
        var optionNumbers: [String] = []
        if case .choose(_, let options) = question { optionNumbers = (1...options.count).map(String.init) }
        for name in placeholderNames(in: text) where !placeholders.contains(name) && !optionNumbers.contains(name) {
            let allowed = placeholders.union(optionNumbers)
            problems.error(line, "unknown placeholder {\(name)} in the explanation; the placeholders are \(allowed.sorted().map { "{\($0)}" }.joined(separator: ", "))")
        }
    }

    /// The names between braces in `text`, in order.
    public static func placeholderNames(in text: String) -> [String] {
        var names: [String] = []
        var rest = text[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }
}

/// A task named by id somewhere else (a question's `see:`), with the line that names it.
public struct TaskReference: Equatable, Sendable {
    public var id: String
    public var line: Int
    public init(id: String, line: Int) {
        self.id = id
        self.line = line
    }
}
