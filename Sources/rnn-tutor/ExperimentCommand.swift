import ArgumentParser
import Foundation
import ModelFile
import RNNCore

/// `rnn-tutor experiment`: the lab's experiments, on the command line.
struct ExperimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Run a lab experiment from the command line.",
        subcommands: [AddingRaceCommand.self])
}

/// The adding-problem race: RNN, LSTM and GRU learn the same task from the same batches.
struct AddingRaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adding",
        abstract: "Race RNN, LSTM and GRU on the adding problem (Hochreiter & Schmidhuber 1997).",
        discussion: """
            Each sequence has --length random numbers, two of them marked (one in each half); the target is \
            their sum. Always answering 1 scores a mean squared error of 1/6 ≈ 0.167; a model that learned the \
            task scores near 0. All cells train on the same batches from the same seed.
            """)

    @Option(help: "Sequence length T.") var length = 50
    @Option(help: "Cells to race, comma-separated.") var cells = "rnn,lstm,gru"
    @Option(help: "Training steps.") var steps = 2000
    @Option(help: "Hidden units per cell.") var hidden = 32
    @Option(name: .customLong("batch-size")) var batchSize = 32
    @Option(name: .customLong("learning-rate")) var learningRate: Float = 0.005
    @Option(help: "Clip gradients to this global norm (0: no clipping).") var clip: Float = 1
    @Option(name: .customLong("whh-scale"), help: "Multiply every W_hh by this.") var whhScale: Float = 1
    @Option var seed: UInt64 = 1
    @Flag(help: "Print the results as JSON.") var json = false

    func validate() throws {
        guard length >= 2 else { throw ValidationError("--length must be at least 2") }
        guard steps > 0, hidden > 0, batchSize > 0 else { throw ValidationError("--steps, --hidden and --batch-size must be positive") }
        guard whhScale.isFinite && whhScale >= 0 else { throw ValidationError("--whh-scale must be a finite number ≥ 0") }
        _ = try parsedCells()
    }

    func parsedCells() throws -> [CellKind] {
        let names = cells.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let parsed = names.compactMap(CellKind.init(rawValue:))
        guard !parsed.isEmpty, parsed.count == names.count else {
            throw ValidationError("--cells takes a comma-separated list of rnn, lstm, gru")
        }
        return parsed
    }

    struct Result: Encodable {
        var cell: String
        var finalError: Float
        var belowBaseline: Bool
        var firstStepGradient: Float
        var seconds: Double
        var lossCurve: [Float]
        var firstStepGradientCurve: [Float]
    }

    @OptionGroup var threadCount: ThreadsOption

    func run() throws {
        threadCount.apply()
        var settings = AddingRace.Settings()
        settings.length = length
        settings.cells = try parsedCells()
        settings.steps = steps
        settings.hidden = hidden
        settings.batchSize = batchSize
        settings.learningRate = learningRate
        settings.clipNorm = clip > 0 ? clip : nil
        settings.whhScale = whhScale
        settings.seed = seed
        var race = AddingRace(settings)
        let kinds = settings.cells
        var lastPrint = Date.distantPast
        catchInterrupts()
        if !json { print("adding problem, T = \(length): \(kinds.map(\.displayName).joined(separator: ", ")), H = \(hidden), batch \(batchSize), \(steps) steps, seed \(seed); baseline error 0.167") }
        while !race.isFinished && !stopRequested.load(ordering: .relaxed) {
            race.advance()
            if !json && (Date().timeIntervalSince(lastPrint) > 0.5 || race.isFinished) {
                lastPrint = Date()
                let losses = race.standings.map { "\($0.cell.rawValue) \(String(format: "%.4f", $0.lossCurve.last ?? $0.lastLoss))" }
                FileHandle.standardError.write(Data("\rstep \(race.step)/\(steps)  \(losses.joined(separator: "  "))   ".utf8))
            }
        }
        if !json { FileHandle.standardError.write(Data("\n".utf8)) }
        race.evaluate()
        let results = race.standings.map { standing in
            let error = standing.heldOutError ?? .nan
            return Result(cell: standing.cell.rawValue, finalError: error, belowBaseline: AddingRace.learned(error),
                          firstStepGradient: standing.firstStepCurve.last ?? .nan, seconds: standing.seconds,
                          lossCurve: standing.lossCurve, firstStepGradientCurve: standing.firstStepCurve)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            struct Report: Encodable { var length, steps, hidden, batchSize: Int; var seed: UInt64; var baseline: Float; var results: [Result] }
            let report = Report(length: length, steps: race.step, hidden: hidden, batchSize: batchSize, seed: seed,
                                baseline: AddingProblem.baselineError, results: results)
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("cell   held-out MSE   vs 0.167 baseline   ‖∂L/∂h₀‖ at the end   train time")
            for r in results {
                let verdict = (r.belowBaseline ? "learned" : "not learned").padding(toLength: 18, withPad: " ", startingAt: 0)
                print(r.cell.padding(toLength: 5, withPad: " ", startingAt: 0)
                      + String(format: "  %12.4f   ", r.finalError) + verdict
                      + String(format: "  %19.2e   %9.1f s", r.firstStepGradient, r.seconds))
            }
        }
    }
}
