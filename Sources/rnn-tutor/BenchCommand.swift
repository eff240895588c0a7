import ArgumentParser
import Foundation
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

    @Option(help: "Steps in the sentence.") var steps = 64
    @Option(help: "Embedding width E.") var embedding = 64
    @Option(help: "Hidden units H.") var hidden = 128
    @Option(help: "Vocabulary V.") var vocabulary = 5000
    @Option(help: "Timed repetitions (the median is reported).") var repetitions = 50
    @Flag(help: "Time the tutor instead: start-up to the first frame, and a key press to the redrawn frame at 200×60.")
    var tutor = false
    @Flag(help: "Time training steps instead (batch 32 × 35 steps, Adam, dropout 0.2, clipping), as bench/torch_train.py does.")
    var training = false
    @Flag(help: "Time the instruments instead: the Jacobian panel, the unit search and writing, on the shipped models.")
    var instruments = false
    @Option(help: "One core's reachable FP32 peak in GFLOP/s, e.g. from ../shared/bench/torch_trace.py; default: measured here with this engine's own matrix product.")
    var peak: Double?

    func run() throws {
        #if DEBUG
        print("note: this is a debug build; run `swift run -c release rnn-tutor bench` for real figures")
        #endif
        if training { return benchTraining() }
        if tutor { return try benchTutor() }
        if instruments { return try benchInstruments(root: TutorCommand.shippedFolder(), repetitions: repetitions) }
        let peakGFLOPs = peak ?? measureMatrixProductPeak()
        print("engine trace benchmark: T = \(steps), E = \(embedding), H = \(hidden), V = \(vocabulary), 1 layer, 1 thread")
        print("peak used for the ratio: \(String(format: "%.1f", peakGFLOPs)) GFLOP/s\(peak == nil ? " (this engine's 1024³ matrix product)" : "")")
        for cell in CellKind.allCases {
            let arch = Architecture(cell: cell, inputSize: embedding, hiddenSize: hidden, outputSize: vocabulary,
                                    vocabularySize: vocabulary)
            let network = RecurrentNetwork(architecture: arch, seed: 0)
            let head = network.packedHead()
            var random = SeededRandom(seed: 1)
            let ids = (0..<steps).map { _ in Int(random.next() % UInt64(vocabulary)) }
            let labels = OutputLabels(task: .languageModel, labels: (0..<vocabulary).map { "w\($0)" }, lowercase: false)
            let milliseconds = medianMilliseconds(repetitions) {
                _ = try? SentenceTrace.compute(network: network, packedHead: head, outputs: labels,
                                               tokens: ids.map { "w\($0)" }, ids: ids)
            }
            let headMilliseconds = medianMilliseconds(repetitions) {
                let top = [Float](repeating: 0.5, count: steps * hidden)
                var logits = [Float](repeating: 0, count: steps * vocabulary)
                top.withUnsafeBufferPointer { a in
                    logits.withUnsafeMutableBufferPointer { c in
                        multiply(StridedMatrix(base: a.baseAddress!, rows: steps, rowStride: hidden), head,
                                 into: c.baseAddress!, ldc: vocabulary, accumulate: true)
                    }
                }
            }
            let flops = traceFLOPs(cell)
            let gflops = flops / milliseconds / 1e6
            print(String(format: "%-4@  %7.3f ms   %6.1f MFLOP   %6.1f GFLOP/s   %4.0f%% of peak   (head product alone %.3f ms)",
                         cell.rawValue as NSString, milliseconds, flops / 1e6, gflops, 100 * gflops / peakGFLOPs, headMilliseconds))
        }
    }

    /// Training throughput on the shipped configuration: every step is a forward
    /// pass, BPTT with parameter gradients, clipping and an Adam update.
    func benchTraining() {
        let (batch, length) = (32, 35)
        print("engine training benchmark: batch \(batch) × \(length) steps, E = \(embedding), H = \(hidden), V = \(vocabulary), Adam, dropout 0.2, 1 thread")
        for cell in CellKind.allCases {
            let arch = Architecture(cell: cell, inputSize: embedding, hiddenSize: hidden, outputSize: vocabulary,
                                    vocabularySize: vocabulary)
            var random = SeededRandom(seed: 3)
            let sentences = (0..<batch).map { _ in (0...length).map { _ in Int(random.next() % UInt64(vocabulary)) } }
            var settings = TrainingSettings()
            settings.batchSize = batch
            settings.bpttLength = length
            var trainer = LanguageModelTrainer(architecture: arch, settings: settings, training: sentences, validation: [])
            let milliseconds = medianMilliseconds(max(repetitions / 5, 5)) { _ = trainer.train(on: sentences) }
            print(String(format: "%-4@  %8.1f ms per step   %8.0f tokens/s", cell.rawValue as NSString, milliseconds,
                         Double(batch * length) / milliseconds * 1000))
        }
    }

    /// What a learner waits for: loading the shipped models and lessons up to the
    /// first frame, then update + view for the keys that recompute or redraw
    /// (drawing the grid to the terminal is left out: ncurses sends only changes).
    func benchTutor() throws {
        let root = TutorCommand.shippedFolder()
        let start = DispatchTime.now().uptimeNanoseconds
        let (course, models) = try TutorCommand.load(
            lessons: root.appendingPathComponent("lessons").path,
            models: ["rnn", "lstm", "gru"].map { root.appendingPathComponent("models/\($0).safetensors").path })
        // The progress store as the tutor opens it (a fresh folder: the first start's migration included).
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-tutor-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: data) }
        let (store, _) = ProgressStore.open(directory: data)
        var state = TutorState(course: course, models: models, width: 200, height: 60, ascii: false, color: true,
                               progress: (try? store.snapshot(course: course, now: Date())) ?? ProgressSnapshot())
        state.book = store
        update(&state, .started)
        _ = view(state)
        let startup = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        // Where the start-up goes, each part alone.
        func time(_ body: () throws -> Void) rethrows -> Double {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
        }
        let lessonsTime = try time { _ = try CoursePack.load(directory: root.appendingPathComponent("lessons").path) }
        let modelTime = try time { _ = try Model.load(path: root.appendingPathComponent("models/lstm.safetensors").path) }
        let stateTime = time { _ = TutorState(course: course, models: models, width: 200, height: 60, ascii: false, color: true) }
        let frameTime = time { _ = view(state) }
        let storeTime = time { _ = ProgressStore.open(directory: data) }
        print(String(format: "  parts: lessons %.1f ms, one model %.1f ms, packing the heads %.1f ms, progress store %.1f ms, first frame %.1f ms",
                     lessonsTime, modelTime, stateTime, storeTime, frameTime))
        print("tutor benchmark at 200×60 (update + view, median of \(repetitions))")
        print("start-up to the first frame".padding(toLength: 30, withPad: " ", startingAt: 0) + String(format: "%6.2f ms", startup))
        update(&state, .key(.enter))
        let keys: [(String, [Message])] = [
            ("step a word (→ ←)", [.key(.right), .key(.left)]),
            ("toggle the cell (c)", [.key(.character("c"))]),
            ("move the loss step ([ ])", [.key(.character("[")), .key(.character("]"))]),
            ("sweep frame (b, tick)", [.key(.character("b")), .tick, .tick, .tick]),
        ]
        for (name, messages) in keys {
            let ms = medianMilliseconds(repetitions) {
                for message in messages {
                    update(&state, message)
                    _ = view(state)
                }
            } / Double(messages.count)
            print(name.padding(toLength: 30, withPad: " ", startingAt: 0) + String(format: "%6.2f ms per key", ms))
        }
    }

    /// Multiply-adds counted as 2 FLOPs: the head at every step, the input and
    /// recurrent products forward, the recurrent product backward, and one head
    /// row backward. Softmax and the gates are not counted.
    func traceFLOPs(_ cell: CellKind) -> Double {
        let (t, e, h, v, g) = (Double(steps), Double(embedding), Double(hidden), Double(vocabulary), Double(cell.gateCount))
        let head = 2 * t * h * v
        let inputProjection = 2 * t * e * g * h
        let recurrence = 2 * (t - 1) * g * h * h
        return head + inputProjection + 2 * recurrence + 2 * v * h
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
    var times: [Double] = []
    for _ in 0..<max(repetitions, 1) {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    times.sort()
    return times[times.count / 2]
}
