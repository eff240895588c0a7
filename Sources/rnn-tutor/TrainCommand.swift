import ArgumentParser
import Foundation
import ModelFile
import RNNCore
import Synchronization

/// Set by Ctrl-C; training loops check it between steps.
let stopRequested = Atomic<Bool>(false)

/// From now on the first Ctrl-C asks the running loop to stop (and save); a second one leaves at once.
func catchInterrupts() {
    signal(SIGINT) { _ in
        if stopRequested.exchange(true, ordering: .relaxed) { _exit(130) }
    }
    // A parent that blocks SIGINT passes the block on across exec; undo it so Ctrl-C always arrives.
    var interrupt = sigset_t()
    sigemptyset(&interrupt)
    sigaddset(&interrupt, SIGINT)
    sigprocmask(SIG_UNBLOCK, &interrupt, nil)
}

/// `rnn-tutor train`: a word-level language model from plain text, one sentence per line.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a word-level language model on plain text (one sentence per line).",
        discussion: """
            Ctrl-C stops cleanly: the checkpoint and the best model so far are saved, and \
            `--resume` continues from the checkpoint later.
            """)

    @Option(help: "Cell type: rnn, lstm or gru.") var cell: CellKind?
    @Option(help: "Training text, one sentence per line.") var train: String
    @Option(help: "Validation text for early stopping.") var valid: String
    @Option(help: "Where to write the model (the best one by validation perplexity).") var output: String
    @Option(help: "Checkpoint file (default: OUTPUT.ckpt).") var checkpoint: String?
    @Flag(help: "Continue from the checkpoint.") var resume = false
    @Option(name: .customLong("vocabulary-size"), help: "Words in the vocabulary, <unk> included.") var vocabularySize = 5000
    @Option(help: "Embedding width E.") var embedding = 64
    @Option(help: "Hidden units H.") var hidden = 128
    @Option(help: "Stacked layers.") var layers = 1
    @Option(name: .customLong("batch-size")) var batchSize = 32
    @Option(help: "Truncated BPTT length.") var bptt = 35
    @Option(name: .customLong("learning-rate")) var learningRate: Float = 0.003
    @Option(help: "Steps over which the learning rate ramps up.") var warmup = 200
    @Option(help: "Clip gradients to this global norm.") var clip: Float = 1
    @Option var dropout: Float = 0.2
    @Option(help: "Most epochs to run.") var epochs = 30
    @Option(help: "Validation checks without improvement before stopping.") var patience = 4
    @Option var seed: UInt64 = 1
    @Option(name: .customLong("max-minutes"), help: "Stop (and save) after this much training time.") var maxMinutes: Double?
    @Flag(inversion: .prefixedNo, help: "Lowercase text before lookup.") var lowercase = true
    @Flag(help: "Save the model as F16 (half the size).") var f16 = false
    @Option(help: "One line saved in the model and shown to the learner.") var description: String?

    func validate() throws {
        if !resume && cell == nil { throw ValidationError("give --cell (rnn, lstm or gru), or --resume a checkpoint") }
        guard dropout >= 0 && dropout < 1 else { throw ValidationError("--dropout must be in [0, 1)") }
        guard vocabularySize >= 2, embedding > 0, hidden > 0, layers > 0, batchSize > 0, bptt > 0 else {
            throw ValidationError("sizes must be positive (and the vocabulary at least 2 words)")
        }
    }

    @OptionGroup var threadCount: ThreadsOption

    func run() throws {
        threadCount.apply()
        let checkpointPath = checkpoint ?? output + ".ckpt"
        let trainLines = try readLines(train), validLines = try readLines(valid)

        var trainer: LanguageModelTrainer
        var vocabularyModel: Model
        if resume {
            let saved: TrainingCheckpoint
            do { saved = try TrainingCheckpoint.load(path: checkpointPath) } catch { throw CommandFailure(error.message) }
            vocabularyModel = saved.model
            let data = try tokenized(trainLines, validLines, with: saved.model)
            trainer = LanguageModelTrainer(architecture: saved.model.architecture, settings: saved.settings,
                                           training: data.train, validation: data.valid, resumeFrom: saved.state)
            print("resuming \(checkpointPath): epoch \(saved.state.epoch + 1), step \(saved.state.optimizer.step), best validation perplexity \(format(saved.state.bestValidationPerplexity))")
        } else {
            let vocabulary = VocabularyBuilder.build(from: trainLines, size: vocabularySize, lowercase: lowercase)
            let arch = Architecture(cell: cell!, inputSize: embedding, hiddenSize: hidden, layerCount: layers,
                                    outputSize: vocabulary.count, vocabularySize: vocabulary.count)
            do {
                vocabularyModel = try Model(network: RecurrentNetwork(architecture: arch, seed: seed), task: .lm,
                                            vocabulary: vocabulary, lowercase: lowercase, description: description)
            } catch { throw CommandFailure(error.message) }
            var settings = TrainingSettings()
            settings.batchSize = batchSize
            settings.bpttLength = bptt
            settings.learningRate = learningRate
            settings.warmupSteps = warmup
            settings.clipNorm = clip
            settings.dropout = dropout
            settings.maxEpochs = epochs
            settings.patience = patience
            settings.seed = seed
            let data = try tokenized(trainLines, validLines, with: vocabularyModel)
            trainer = LanguageModelTrainer(architecture: arch, settings: settings, training: data.train, validation: data.valid)
        }
        let a = trainer.architecture
        let tokens = trainer.training.reduce(0) { $0 + $1.count - 1 }
        print("\(a.cell.displayName): \(a.layerCount) layer\(a.layerCount == 1 ? "" : "s"), E = \(a.inputSize), H = \(a.hiddenSize), \(a.vocabularySize ?? 0) words, \(a.parameterCount) parameters")
        print("training on \(trainer.training.count) sentences (\(tokens) predicted tokens), validating on \(trainer.validation.count)")

        catchInterrupts()
        let started = Date()
        let budget = maxMinutes.map { $0 * 60 }
        let startSeconds = trainer.state.secondsTrained
        let bar = ProgressLine()
        let settings = trainer.settings
        trainer.run(
            shouldStop: {
                if stopRequested.load(ordering: .relaxed) { return true }
                if let budget { return startSeconds + Date().timeIntervalSince(started) >= budget }
                return false
            },
            report: { progress in bar.show(progress, tokensPerEpoch: tokens, budget: budget, elapsed: startSeconds + Date().timeIntervalSince(started)) },
            checkpoint: { state in
                try? save(state: state, model: vocabularyModel, settings: settings, checkpointPath: checkpointPath)
            })
        bar.finish()
        try save(state: trainer.state, model: vocabularyModel, settings: trainer.settings, checkpointPath: checkpointPath)
        let reason = stopRequested.load(ordering: .relaxed) ? "stopped by Ctrl-C"
            : trainer.state.finished ? "finished" : "time budget reached"
        print("\(reason) after \(formatDuration(trainer.state.secondsTrained)) of training; best validation perplexity \(format(trainer.state.bestValidationPerplexity))")
        print("model: \(output)   checkpoint: \(checkpointPath)\(trainer.state.finished ? "" : "   (continue with --resume)")")
    }

    func save(state: TrainingState, model: Model, settings: TrainingSettings, checkpointPath: String) throws {
        var best = model
        best.parameters = state.best
        do {
            try TrainingCheckpoint(model: best, state: state, settings: settings).save(to: checkpointPath)
            try best.save(to: output, as: f16 ? .f16 : .f32)
        } catch { throw CommandFailure(error.message) }
    }

    func tokenized(_ train: [String], _ valid: [String], with model: Model) throws -> (train: [[Int]], valid: [[Int]]) {
        func ids(_ lines: [String]) throws -> [[Int]] {
            try lines.map { line in
                do { return try model.tokenize(line).map(\.id) } catch { throw CommandFailure("\(error)") }
            }
        }
        return (try ids(train), try ids(valid))
    }
}

/// The lines of a text file, without empty ones.
func readLines(_ path: String) throws -> [String] {
    guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("\(path): cannot read the file") }
    return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
        .filter { !$0.allSatisfy(\.isWhitespace) }
}

func format(_ x: Double) -> String { x.isFinite ? String(format: "%.2f", x) : "–" }

func formatDuration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s % 3600 / 60) : String(format: "%dm%02ds", s / 60, s % 60)
}

extension CellKind: ExpressibleByArgument {}

/// One status line on standard error, redrawn in place.
final class ProgressLine {
    private var lastWidth = 0
    private let interactive = isatty(STDERR_FILENO) != 0

    func show(_ p: TrainingProgress, tokensPerEpoch: Int, budget: Double?, elapsed: Double) {
        let width = 20, filled = Int(p.epochFraction * Double(width))
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let perplexity = p.loss.isFinite ? exp(p.loss) : .nan
        let epochLeft = Double(tokensPerEpoch) * (1 - p.epochFraction) / max(p.tokensPerSecond, 1)
        var line = "epoch \(p.epoch + 1) [\(bar)] \(Int(p.epochFraction * 100))%  step \(p.step)  loss \(String(format: "%.3f", p.loss))  ppl \(format(perplexity))  \(Int(p.tokensPerSecond)) tok/s  epoch ETA \(formatDuration(epochLeft))"
        if let budget { line += "  budget left \(formatDuration(max(0, budget - elapsed)))" }
        if let v = p.validationPerplexity {
            line += "  valid ppl \(format(v))\(p.improved ? " (best)" : "")"
        }
        if interactive {
            FileHandle.standardError.write(Data(("\r" + line.padding(toLength: max(lastWidth, line.count), withPad: " ", startingAt: 0)).utf8))
            lastWidth = line.count
            if p.validationPerplexity != nil { FileHandle.standardError.write(Data("\n".utf8)); lastWidth = 0 }
        } else if p.validationPerplexity != nil {
            FileHandle.standardError.write(Data((line + "\n").utf8))   // a log file gets one line per check
        }
    }

    func finish() {
        if interactive && lastWidth > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
