import ArgumentParser
import Foundation
import Synchronization
import Course
import ModelFile
import Practice
import ProgressStore
import RNNCore
import Trace
import TutorUI

/// Times one full `trace` computation per cell type (forward over T steps with
/// the output distribution at every step, plus BPTT from the last step), the
/// workload behind every key press in the tutor. Build with `-c release`.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the engine: one trace per cell type (use a release build).")

    @Option(help: "Cell type (default: all three; with --tutor: lstm).") var cell: CellKind?
    @Option(help: "Stacked layers.") var layers = 1
    @Option(help: "Steps in the sentence.") var steps = 64
    @Option(help: "Embedding width E.") var embedding = 64
    @Option(help: "Hidden units H.") var hidden = 128
    @Option(help: "Vocabulary V.") var vocabulary = 5000
    @Option(help: "Timed repetitions (the median is reported).") var repetitions = 50
    @Flag(help: "Time the tutor instead: start-up to the first frame, and a key press to the redrawn frame at 200×60. With --model or a size option: each key's engine work on that model.")
    var tutor = false
    @Option(help: "With --tutor: a model file to time the keys on (repeat for several).") var model: [String] = []
    @Flag(help: "With --tutor: time the keys while the race (adding problem, default settings) trains on every core, as when the learner has it open.")
    var duringRace = false
    @Flag(help: "Time training steps instead (batch 32 × 35 steps, Adam, dropout 0.2, clipping), as bench/torch_train.py does.")
    var training = false
    @Flag(help: "Time the instruments instead: the Jacobian panel, the unit search and writing, on the shipped models.")
    var instruments = false
    @Flag(help: "Time the tutor's start-up to its first frame instead (empty store, and resuming lesson 4), with its parts; for one core: taskset -c 0.")
    var startup = false
    @Option(help: "One core's reachable FP32 peak in GFLOP/s, e.g. from ../shared/bench/torch_trace.py; default: measured here with this engine's own matrix product.")
    var peak: Double?

    @OptionGroup var threadCount: ThreadsOption

    func run() throws {
        threadCount.apply()
        #if DEBUG
        print("note: this is a debug build; run `swift run -c release rnn-tutor bench` for real figures")
        #endif
        if training { return benchTraining() }
        if startup { return try benchStartup(repetitions: repetitions) }
        if tutor && (!model.isEmpty || sizesGiven) { return try benchModelKeys() }
        if tutor { return try benchTutor() }
        if instruments { return try benchInstruments(root: try ShippedFiles.root(), repetitions: repetitions, threads: threadCount.count) }
        let peakGFLOPs = peak ?? measureMatrixProductPeak()
        print("engine trace benchmark: T = \(steps), E = \(embedding), H = \(hidden), V = \(vocabulary), \(layers) layer(s), \(threadCount.count) thread(s), \(Kernels.report)")
        print("peak used for the ratio: \(String(format: "%.1f", peakGFLOPs)) GFLOP/s\(peak == nil ? " (this engine's 1024³ matrix product)" : "")")
        for cell in cells {
            let arch = Architecture(cell: cell, inputSize: embedding, hiddenSize: hidden, layerCount: layers,
                                    outputSize: vocabulary, vocabularySize: vocabulary)
            let network = RecurrentNetwork(architecture: arch, seed: 0)
            // Packed once, as the tutor packs a model when it opens; `trace` packs once per run.
            let weights = network.packedWeights()
            var random = SeededRandom(seed: 1)
            let ids = (0..<steps).map { _ in Int(random.next() % UInt64(vocabulary)) }
            let labels = OutputLabels(task: .languageModel, labels: (0..<vocabulary).map { "w\($0)" }, lowercase: false)
            let milliseconds = medianMilliseconds(repetitions) {
                _ = try? SentenceTrace.compute(network: network, packed: weights, outputs: labels,
                                               tokens: ids.map { "w\($0)" }, ids: ids)
            }
            // The buffers made once, outside the timing: the product alone is timed.
            let top = [Float](repeating: 0.5, count: steps * hidden)
            var logits = [Float](repeating: 0, count: steps * vocabulary)
            let headMilliseconds = medianMilliseconds(repetitions) {
                top.withUnsafeBufferPointer { a in
                    logits.withUnsafeMutableBufferPointer { c in
                        multiply(StridedMatrix(base: a.baseAddress!, rows: steps, rowStride: hidden), weights.head,
                                 into: c.baseAddress!, ldc: vocabulary, accumulate: false)
                    }
                }
            }
            let flops = traceFLOPs(cell)
            let gflops = flops / milliseconds / 1e6
            print(String(format: "%-4@  %7.3f ms   %6.1f MFLOP   %6.1f GFLOP/s   %5.1f%% of peak   (head product alone %.3f ms)",
                         cell.rawValue as NSString, milliseconds, flops / 1e6, gflops, 100 * gflops / peakGFLOPs, headMilliseconds))
        }
    }

    /// Training throughput on the shipped configuration: every step is a forward
    /// pass, BPTT with parameter gradients, clipping and an Adam update.
    func benchTraining() {
        let (batch, length) = (32, 35)
        let oneThread = threadCount.count > 1 ? WorkerPool(threads: 1) : nil
        print("engine training benchmark: batch \(batch) × \(length) steps, E = \(embedding), H = \(hidden), V = \(vocabulary), \(layers) layer(s), Adam, dropout 0.2, \(threadCount.count) thread(s), \(Kernels.report)")
        for cell in cells {
            let arch = Architecture(cell: cell, inputSize: embedding, hiddenSize: hidden, layerCount: layers,
                                    outputSize: vocabulary, vocabularySize: vocabulary)
            var random = SeededRandom(seed: 3)
            let sentences = (0..<batch).map { _ in (0...length).map { _ in Int(random.next() % UInt64(vocabulary)) } }
            var settings = TrainingSettings()
            settings.batchSize = batch
            settings.bpttLength = length
            var trainer = LanguageModelTrainer(architecture: arch, settings: settings, training: sentences, validation: [])
            let steps = max(repetitions / 5, 5)
            guard let single = oneThread else {
                let milliseconds = medianMilliseconds(steps) { _ = trainer.train(on: sentences) }
                print(String(format: "%-4@  %8.1f ms per step   %8.0f tokens/s", cell.rawValue as NSString, milliseconds,
                             Double(batch * length) / milliseconds * 1000))
                continue
            }
            // With several threads, a step on one thread goes between every two: a shared machine's
            // speed drifts from one run to the next, and the ratio is read in the same moments.
            var alone = trainer
            var times: [Double] = [], singleTimes: [Double] = []
            for round in -3..<steps {
                let many = wallMilliseconds { _ = trainer.train(on: sentences) }
                let one = wallMilliseconds { WorkerPool.using(single) { _ = alone.train(on: sentences) } }
                if round >= 0 {
                    times.append(many)
                    singleTimes.append(one)
                }
            }
            let milliseconds = median(times), singleMilliseconds = median(singleTimes)
            print(String(format: "%-4@  %8.1f ms per step   %8.0f tokens/s   (one thread, steps in between: %.1f ms, %.2f× as fast)",
                         cell.rawValue as NSString, milliseconds, Double(batch * length) / milliseconds * 1000,
                         singleMilliseconds, singleMilliseconds / milliseconds))
        }
    }

    /// What a learner waits for: loading the shipped models and lessons up to the
    /// first frame, then update + view for the keys that recompute or redraw
    /// (drawing the grid to the terminal is left out: ncurses sends only changes).
    func benchTutor() throws {
        let root = try ShippedFiles.root()
        let start = DispatchTime.now().uptimeNanoseconds
        let (course, models, _) = try TutorCommand.load(
            lessons: root.appendingPathComponent("lessons").path, models: try ShippedFiles.shippedModelPaths)
        // The progress store as the tutor opens it (a fresh folder: the first start's migration included).
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-tutor-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: data) }
        let (store, _) = ProgressStore.open(directory: data)
        var state = TutorState(course: course, models: models, width: 200, height: 60, ascii: false, color: true,
                               progress: (try? store.snapshot(course: course, now: Date())) ?? ProgressSnapshot())
        state.scheduler = store.scheduler
        _ = update(&state, .started)
        _ = view(state)
        let startup = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        // Where the start-up goes, each part alone.
        let lessonsTime = try wallMilliseconds { _ = try CoursePack.load(directory: root.appendingPathComponent("lessons").path) }
        let modelTime = try wallMilliseconds { _ = try Model.load(path: root.appendingPathComponent("models/lstm.safetensors").path) }
        let stateTime = wallMilliseconds { _ = TutorState(course: course, models: models, width: 200, height: 60, ascii: false, color: true) }
        let frameTime = wallMilliseconds { _ = view(state) }
        let storeTime = wallMilliseconds { _ = ProgressStore.open(directory: data) }
        print(String(format: "  parts: lessons %.1f ms, one model %.1f ms, packing the heads %.1f ms, progress store %.1f ms, first frame %.1f ms",
                     lessonsTime, modelTime, stateTime, storeTime, frameTime))
        // The race on a thread of its own, as the tutor runs it: its cells take the worker pool,
        // so the keys' products run on the calling thread beside it.
        let raceStop = RaceStop()
        if duringRace {
            let racing = Thread {
                var race = AddingRace(AddingRace.Settings())
                while !raceStop.stopped.load(ordering: .relaxed) && !race.isFinished { race.advance() }
            }
            racing.start()
            Thread.sleep(forTimeInterval: 0.3)
        }
        defer { raceStop.stopped.store(true, ordering: .relaxed) }
        print("tutor benchmark at 200×60 (update + view, median of \(repetitions))"
              + (duringRace ? ", while the race trains on \(threadCount.count) thread(s)" : ""))
        print("start-up to the first frame".padding(toLength: 30, withPad: " ", startingAt: 0) + String(format: "%6.2f ms", startup))
        _ = update(&state, .key(.enter))
        let beats = [Message](repeating: .tick, count: 6)   // the writer adds a word every six beats
        let keys: [(String, [Message])] = [
            ("step a word (→ ←)", [.key(.right), .key(.left)]),
            ("toggle the cell (c)", [.key(.character("c"))]),
            ("move the loss step ([ ])", [.key(.character("[")), .key(.character("]"))]),
            ("sweep frame (b, tick)", [.key(.character("b")), .tick, .tick, .tick]),
            ("Jacobian panel (J, →, +, −, J)", [.key(.character("J")), .key(.right), .key(.character("+")),
                                                .key(.character("-")), .key(.character("J"))]),
            ("writes a word (w, beats, Esc)", [.key(.character("w"))] + beats + [.key(.escape)]),
            ("find the unit (u, ], [, Esc)", [.key(.character("u")), .key(.character("]")), .key(.character("[")),
                                              .key(.escape)]),
        ]
        // Each message timed alone; a group reports its mean per key and its slowest key (the wait a learner feels).
        for (name, messages) in keys {
            var samples = [[Double]](repeating: [], count: messages.count)
            for _ in 0..<repetitions {
                for (i, message) in messages.enumerated() {
                    samples[i].append(wallMilliseconds {
                        _ = update(&state, message)
                        _ = view(state)
                    })
                }
            }
            let medians = samples.map(median)
            print(name.padding(toLength: 34, withPad: " ", startingAt: 0)
                  + String(format: "%6.2f ms per key, slowest key %6.2f ms", medians.reduce(0, +) / Double(medians.count),
                           medians.max() ?? 0))
        }
    }

    var cells: [CellKind] { cell.map { [$0] } ?? CellKind.allCases }

    /// Whether a size option was given on the command line (then --tutor times a model of that size).
    var sizesGiven: Bool {
        CommandLine.arguments.contains { arg in
            ["--cell", "--layers", "--embedding", "--hidden", "--vocabulary", "--steps"].contains { arg == $0 || arg.hasPrefix($0 + "=") }
        }
    }

    /// Each key's engine work on a large model, median of `repetitions`: what the
    /// tutor pays today (a full trace per key) and what a `TraceSession` pays
    /// (the work that follows the change). The sentence is lesson 4's when the
    /// model has its words, else `--steps` words drawn from the vocabulary.
    func benchModelKeys() throws {
        let peakGFLOPs = peak ?? measureMatrixProductPeak()
        var entries: [(name: String, open: () throws -> Model)] = model.map { path in
            (path, { () throws -> Model in try Model.load(path: path) })
        }
        if entries.isEmpty {
            let kind = cell ?? .lstm
            let arch = Architecture(cell: kind, inputSize: embedding, hiddenSize: hidden, layerCount: layers,
                                    outputSize: vocabulary, vocabularySize: vocabulary)
            let words = ["<unk>"] + (1..<vocabulary).map { "w\($0)" }
            let built = try Model(network: RecurrentNetwork(architecture: arch, seed: 0), task: .lm, vocabulary: words)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-tutor-bench-\(getpid()).safetensors").path
            try built.save(to: file)
            entries = [("\(kind.rawValue) \(layers)×\(hidden), E = \(embedding), V = \(vocabulary) (random weights)", {
                defer { try? FileManager.default.removeItem(atPath: file) }
                return try Model.load(path: file)
            })]
        }
        print("key benchmark: \(threadCount.count) thread(s), \(Kernels.report), median of \(repetitions); peak \(String(format: "%.1f", peakGFLOPs)) GFLOP/s (this engine's 1024³ product, \(threadCount.count) thread(s))")
        for (name, open) in entries {
            var loaded: Model!, weights: PackedWeights!
            let openMilliseconds = try wallMilliseconds {
                loaded = try open()
                weights = loaded.network.packedWeights()
            }
            var random = SeededRandom(seed: 1)
            let ids = (0..<steps).map { _ in 1 + Int(random.next() % UInt64(max(loaded.vocabulary.count - 1, 1))) }
            let tokens = ids.map { loaded.vocabulary[$0] }
            let labels = OutputLabels(loaded)
            let network = loaded.network, count = ids.count
            print("\(name): T = \(count), opening (read + pack) \(String(format: "%.0f", openMilliseconds)) ms")
            func row(_ what: String, _ ms: Double) {
                print("  " + what.padding(toLength: 44, withPad: " ", startingAt: 0) + String(format: "%9.2f ms", ms))
            }
            // Today: every key is a full trace.
            row("full trace (every key today)", medianMilliseconds(max(repetitions / 10, 3)) {
                _ = try? SentenceTrace.compute(network: network, packed: weights, outputs: labels, tokens: tokens, ids: ids)
            })
            var session = try TraceSession(network: network, weights: weights, outputs: labels, tokens: tokens, ids: ids,
                                           headSteps: [0])
            // The cursor: a step whose head has not run yet, each sample a new step.
            var cursorTimes: [Double] = []
            while cursorTimes.count < repetitions {
                var fresh = try TraceSession(network: network, weights: weights, outputs: labels, tokens: tokens, ids: ids)
                for t in 0..<(count - 1) where cursorTimes.count < repetitions {
                    cursorTimes.append(wallMilliseconds { fresh.computeHead(at: [t]) })
                }
            }
            row("cursor to a new step (one head row)", median(cursorTimes))
            row("cursor back to a step seen (kept)", medianMilliseconds(repetitions) { session.computeHead(at: [0]) })
            var flip = false
            session.computeHead(at: [count / 2, count - 1])
            row("move the loss step (backward only)", medianMilliseconds(repetitions) {
                flip.toggle()
                try? session.moveLoss(to: flip ? count / 2 : count - 1)
            })
            var edited = ids
            row("edit the last word", medianMilliseconds(repetitions) {
                edited[count - 1] = edited[count - 1] == ids[count - 1] ? ids[0] : ids[count - 1]
                try? session.edit(tokens: edited.map { loaded.vocabulary[$0] }, ids: edited)
            })
            edited = ids
            row("edit the middle word", medianMilliseconds(max(repetitions / 4, 3)) {
                edited[count / 2] = edited[count / 2] == ids[count / 2] ? ids[0] : ids[count / 2]
                try? session.edit(tokens: edited.map { loaded.vocabulary[$0] }, ids: edited)
            })
            var scale: Float = 1
            row("W_hh knob (forward + backward again)", medianMilliseconds(max(repetitions / 10, 3)) {
                scale = scale == 1 ? 0.9 : 1
                try? session.setWhhScale(scale)
            })
            row("toggle back to a cell seen (kept)", 0)
        }
    }

    /// Multiply-adds counted as 2 FLOPs: the head at every step, the input and
    /// recurrent products forward, the recurrent product backward, and one head
    /// row backward. Softmax and the gates are not counted.
    func traceFLOPs(_ cell: CellKind) -> Double {
        let (t, e, h, v, g) = (Double(steps), Double(embedding), Double(hidden), Double(vocabulary), Double(cell.gateCount))
        let l = Double(layers)
        let head = 2 * t * h * v
        let inputProjection = 2 * t * (e + (l - 1) * h) * g * h
        let recurrence = 2 * l * (t - 1) * g * h * h
        // Backward: the recurrence, and each upper layer's adjoint passed down.
        let passedDown = 2 * t * (l - 1) * g * h * h
        return head + inputProjection + 2 * recurrence + passedDown + 2 * v * h
    }

    func measureMatrixProductPeak() -> Double {
        let n = 1024
        var random = SeededRandom(seed: 2)
        let a = (0..<(n * n)).map { _ in random.uniform(-1, 1) }
        let b = Tensor(shape: [n, n], values: (0..<(n * n)).map { _ in random.uniform(-1, 1) })
        var c = [Float](repeating: 0, count: n * n)
        let ms = medianMilliseconds(5) {
            let packed = PackedMatrix(b)
            a.withUnsafeBufferPointer { ap in
                c.withUnsafeMutableBufferPointer { cp in
                    multiply(StridedMatrix(base: ap.baseAddress!, rows: n, rowStride: n), packed,
                             into: cp.baseAddress!, ldc: n, accumulate: false)
                }
            }
        }
        return 2 * pow(Double(n), 3) / ms / 1e6
    }
}

/// Median wall time of `body` in milliseconds, after a few warm-up runs.
func medianMilliseconds(_ repetitions: Int, _ body: () -> Void) -> Double {
    for _ in 0..<3 { body() }
    return median((0..<max(repetitions, 1)).map { _ in wallMilliseconds(body) })
}

/// Wall time of one run of `body`, in milliseconds.
func wallMilliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
}

/// The middle value (the upper of the two middle ones for an even count).
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

/// Tells `bench --tutor --during-race`'s race to stop.
private final class RaceStop: Sendable {
    let stopped = Atomic<Bool>(false)
}
