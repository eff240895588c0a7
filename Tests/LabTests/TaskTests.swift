import Course
import Foundation
import Lab
import ModelFile
import RNNCore
import Testing

/// Tasks parsed from a pack and run on small models built from explicit weights: the keyed
/// answer comes from the network, so two models that behave oppositely key opposite answers.
@Suite struct TaskTests {
    static let vocabulary = ["<unk>", "a", "b", "c", "d"]

    static let lesson = """
        ---
        id: toy
        title: Toy
        order: 1
        summary: A toy lesson.
        lab:
          cell: rnn
          sentence: "a b c"
          panels: [tokens]
          experiment: none
        ---

        # Toy

        ::: basic
        Basic text.
        :::

        ::: standard
        Standard text.
        :::

        ::: deep
        Deep text.
        :::
        """

    /// Three tasks, one of each way to ask, on lines the tests below name.
    static let tasks = """
        lesson: toy
        tasks:
          - id: toy-next
            depth: basic
            prompt: After "a", which is more likely next?
            setup: {cells: [rnn], sentence: "a b c"}
            action: {step: 0}
            ask: choose
            pick: largest
            options:
              - {label: b, measure: probability, step: 0, word: 1}
              - {label: c, measure: probability, step: 0, word: 2}
            explanation: "Measured {values}; the model picks {answer} with {value}."
          - id: toy-decay
            depth: standard
            prompt: How much of the gradient reaches step 0?
            setup: {cells: [rnn], sentence: "a a a a", loss_step: 3}
            action: {sweep: true}
            ask: power-of-ten
            measure: {measure: gradient-ratio, from: 3, to: 0}
            explanation: "The share is {value}, log10 {log10}, about {answer}."
          - id: toy-forget
            depth: deep
            prompt: Is the forget gate open at least halfway at step 0?
            setup: {cells: [lstm], sentence: "a b"}
            action: {step: 0}
            ask: yes-no
            measure: {measure: gate-mean, gate: f, step: 0}
            condition: {at_least: 0.5}
            explanation: "Mean f is {value}: {answer}."
        """

    static func pack(tasks: String = tasks, quiz: String? = nil) -> CourseCheckReport {
        var files = ["01-toy.md": lesson, "01-toy.tasks.yaml": tasks]
        if let quiz { files["01-toy.quiz.yaml"] = quiz }
        return CoursePack.check(files: files, directory: "pack")
    }

    /// A model whose weights are set by hand: `whh` on the diagonal of W_hh, the head's bias favouring
    /// `favoured`, and (LSTM) the forget gate's bias.
    static func model(_ cell: CellKind, whh: Float = 0.5, favoured: String = "b", forgetBias: Float = 0) throws -> LabModel {
        let h = 2, v = vocabulary.count
        let arch = Architecture(cell: cell, inputSize: 2, hiddenSize: h, layerCount: 1, outputSize: v, vocabularySize: v)
        var p = Parameters(zerosFor: arch)
        p.embedding = Tensor(shape: [v, 2], values: (0..<v).flatMap { [Float($0) * 0.05, 0.05] })
        let g = cell.gateCount
        var ih = [Float](repeating: 0, count: g * h * 2), hh = [Float](repeating: 0, count: g * h * h)
        var bias = [Float](repeating: 0, count: g * h)
        for gate in 0..<g {
            for u in 0..<h {
                ih[(gate * h + u) * 2 + u] = 1
                hh[(gate * h + u) * h + u] = whh
            }
        }
        if cell == .lstm { for u in 0..<h { bias[h + u] = forgetBias } }   // PyTorch's order i f g o
        p.layers[0] = LayerParameters(weightIH: Tensor(shape: [g * h, 2], values: ih), weightHH: Tensor(shape: [g * h, h], values: hh),
                                      biasIH: Tensor(shape: [g * h], values: bias), biasHH: Tensor(zeros: [g * h]))
        var headBias = [Float](repeating: 0, count: v)
        headBias[vocabulary.firstIndex(of: favoured)!] = 3
        p.headBias = Tensor(shape: [v], values: headBias)
        var head: [Float] = []
        for j in 0..<v { head += [j % 2 == 0 ? 0.3 : -0.3, 0.2 * Float(j)] }
        p.headWeight = Tensor(shape: [v, h], values: head)
        let model = try Model(network: RecurrentNetwork(architecture: arch, parameters: p), task: .lm, vocabulary: vocabulary)
        return LabModel(model: model, path: "(\(cell.rawValue) fixture)", hash: LabModel.fileHash(model.encoded()))
    }

    /// The problems of the task and quiz files (the toy lesson lacks the blocks a real lesson needs).
    static func ownErrors(_ report: CourseCheckReport) -> [String] {
        report.errors.filter { !$0.file.hasSuffix(".md") }.map(\.description)
    }

    func task(_ id: String, in report: CourseCheckReport = pack()) throws -> LabTask {
        try #require(Self.ownErrors(report).isEmpty, "\(report.problems)")
        return try #require(report.pack.task(id: id))
    }

    @Test func theTasksParse() throws {
        let report = Self.pack()
        #expect(Self.ownErrors(report).isEmpty, "\(report.problems)")
        #expect(report.taskCount == 3 && report.pack.tasks(for: "toy").map(\.id) == ["toy-next", "toy-decay", "toy-forget"])
        #expect(report.summary.contains("3 tasks"))
        let next = try task("toy-next")
        #expect(next.depth == .basic && next.line == 3 && next.setup.sentence == "a b c")
    }

    @Test func aPredictionFollowsTheHead() throws {
        let task = try task("toy-next")
        let favoursB = try TaskRun.run(task, models: LabModels([Self.model(.rnn, favoured: "b")]), preset: nil)
        let favoursC = try TaskRun.run(task, models: LabModels([Self.model(.rnn, favoured: "c")]), preset: nil)
        #expect(favoursB.key == .option(0) && favoursC.key == .option(1))
        #expect(favoursB.values[0] > favoursB.values[1] && favoursC.values[1] > favoursC.values[0])
        let verdict = favoursB.mark(.option(1))
        #expect(!verdict.correct && verdict.key == .option(0))
        #expect(verdict.explanation.hasPrefix("Measured b 0.") && verdict.explanation.contains("the model picks b with 0."))
        #expect(verdict.logText.hasPrefix("option 2; key option 1; measured b ") && verdict.logText.contains("models rnn fnv1a64:"))
    }

    @Test func aGradientRatioFollowsWhh() throws {
        let task = try task("toy-decay")
        let vanishing = try TaskRun.run(task, models: LabModels([Self.model(.rnn, whh: 0.1)]), preset: nil)
        let keeping = try TaskRun.run(task, models: LabModels([Self.model(.rnn, whh: 1)]), preset: nil)
        #expect(vanishing.key == .power(-3) && keeping.key == .power(0), "\(vanishing.values) \(keeping.values)")
        #expect(vanishing.mark(.power(-3)).correct && !keeping.mark(.power(-3)).correct)
        #expect(vanishing.explanation.contains("about 10^-3"))
    }

    @Test func aGateMeanFollowsItsBias() throws {
        let task = try task("toy-forget")
        let open = try TaskRun.run(task, models: LabModels([Self.model(.lstm, forgetBias: 3)]), preset: nil)
        let shut = try TaskRun.run(task, models: LabModels([Self.model(.lstm, forgetBias: -3)]), preset: nil)
        #expect(open.key == .yes(true) && shut.key == .yes(false))
        #expect(!open.closeness.isNearTie && !shut.closeness.isNearTie)
    }

    @Test func aMissingModelAndAnUnknownWordAreSaidPlainly() throws {
        let decay = try task("toy-decay")
        #expect(throws: TaskRunError.self) { try TaskRun.run(decay, models: LabModels([Self.model(.lstm)]), preset: nil) }
        do {
            _ = try TaskRun.run(decay, models: LabModels([Self.model(.gru)]), preset: nil)
        } catch let error as TaskRunError {
            #expect(error.kind == .missingModel && error.message.contains("RNN model"))
        }
        let unknown = Self.tasks.replacingOccurrences(of: "sentence: \"a b c\"}", with: "sentence: \"a zebra c\"}")
        let task = try task("toy-next", in: Self.pack(tasks: unknown))
        do {
            _ = try TaskRun.run(task, models: LabModels([Self.model(.rnn)]), preset: nil)
            Issue.record("an unknown word the task reads must stop it")
        } catch let error as TaskRunError {
            #expect(error.kind == .cannotRun && error.line == 11 && error.message.contains("\"zebra\""))
        }
    }

    @Test func nearTiesAreFound() throws {
        // On a log scale: 10^-1.45 is within 0.15 of the half power between 10^-1 and 10^-2.
        let question = LabTask.Question.powerOfTen(LabTask.Measure(kind: .gradient, cell: .rnn, step: 0))
        #expect(closeness(question, [pow(10, -1.45)]).isNearTie)
        #expect(!closeness(question, [pow(10, -1.2)]).isNearTie)
        let gates = LabTask.Question.choose(.largest, [
            .init(label: "x", measure: .init(kind: .gateMean, cell: .lstm, step: 0, gate: "f")),
            .init(label: "y", measure: .init(kind: .gateMean, cell: .lstm, step: 1, gate: "f")),
        ])
        #expect(closeness(gates, [0.50, 0.51]).isNearTie)
        #expect(!closeness(gates, [0.40, 0.51]).isNearTie)
    }

    func closeness(_ question: LabTask.Question, _ values: [Double]) -> Closeness {
        (try? TaskAnswer.keyed(question, values: values).1) ?? Closeness(margin: 0, isNearTie: false, note: "no answer")
    }

    @Test func badTasksAreReportedAtTheirLines() throws {
        let broken = Self.tasks
            .replacingOccurrences(of: "{measure: gradient-ratio, from: 3, to: 0}", with: "{measure: gradient-ratio, from: 7, to: 0}")
            .replacingOccurrences(of: "with {value}", with: "with {mean}")
            .replacingOccurrences(of: "gate: f, step: 0}", with: "gate: z, step: 0}")
        let problems = Self.ownErrors(Self.pack(tasks: broken))
        #expect(problems.contains { $0.hasPrefix("pack/01-toy.tasks.yaml:20: `from` 7 is past the sentence's last step, 3") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("pack/01-toy.tasks.yaml:28: unknown gate \"z\"") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("pack/01-toy.tasks.yaml:13: unknown placeholder {mean}") }, "\(problems)")
    }

    @Test func aQuestionMayNameATask() throws {
        let quiz = """
            lesson: toy
            questions:
              - id: toy-q
                kind: true-false
                prompt: Gradients fade.
                answer: true
                explanation: They do.
                see: toy-decay
              - id: toy-q2
                kind: true-false
                prompt: Gradients fade.
                answer: true
                explanation: They do.
                see: toy-nothing
            """
        let report = Self.pack(quiz: quiz)
        #expect(report.pack.questions.first?.seeTask?.id == "toy-decay")
        #expect(Self.ownErrors(report) == ["pack/01-toy.quiz.yaml:14: `see: toy-nothing` names no task of the pack (tasks are in NN-slug.tasks.yaml)"])
    }

    @Test func answersAreReadAsTyped() throws {
        let power = LabTask.Question.powerOfTen(LabTask.Measure(kind: .gradient, cell: .rnn, step: 0))
        for typed in ["-3", "1e-3", "10^-3"] { #expect(try TaskAnswer.parse(typed, for: power).get() == .power(-3)) }
        #expect((try? TaskAnswer.parse("0.001", for: power).get()) == nil)
        let yesNo = LabTask.Question.yesNo(LabTask.Measure(kind: .loss, cell: .rnn), .atMost(1))
        #expect(try TaskAnswer.parse("Y", for: yesNo).get() == .yes(true))
    }
}

/// Every shipped task runs on the shipped models without an error or a near tie.
@Suite struct ShippedTaskTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func everyShippedTaskRunsClean() throws {
        let pack = try CoursePack.load(directory: Self.root.appendingPathComponent("lessons").path)
        let models = LabModels(try ["rnn", "lstm", "gru"].map { try LabModel.load(path: Self.root.appendingPathComponent("models/\($0).safetensors").path) })
        let report = TaskRun.check(pack, models: models)
        #expect(report.problems.isEmpty, "\(report.problems.map(\.description).joined(separator: "\n"))")
        #expect(report.run == pack.tasks.count && pack.tasks.count >= 27)
        for lesson in pack.lessons {
            let tasks = pack.tasks(for: lesson.id)
            #expect(tasks.count >= 3, "\(lesson.id) has \(tasks.count) tasks")
            // Not all of one shape: at least two ways of asking per lesson.
            #expect(Set(tasks.map { "\($0.question)".prefix(8) }).count >= 2, "\(lesson.id)")
        }
    }
}

/// A model's hash is worked out when first asked for, from the bytes the model was read from.
@Suite struct FileHashTests {
    @Test func theLazyHashIsTheFilesFNVHash() throws {
        let path = ShippedTaskTests.root.appendingPathComponent("models/gru.safetensors").path
        let loaded = try LabModel.load(path: path)
        let expected = LabModel.fileHash(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(loaded.hash == expected && loaded.hash.hasPrefix("fnv1a64:") && loaded.hash.count == 24)
        #expect(loaded.hash == expected, "asked twice, the same answer")
        #expect(LabModel.fileHash(Data("a".utf8)) == "fnv1a64:af63dc4c8601ec8c")   // the published FNV-1a test vector
        #expect(FileHash(known: "fnv1a64:0000000000000001").value == "fnv1a64:0000000000000001")
    }
}
