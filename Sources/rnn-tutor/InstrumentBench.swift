import Foundation
import ModelFile
import RNNCore
import Trace

/// `bench --instruments`: the lab's new instruments on the shipped models (`--threads`: the Jacobian's σ_max run on the pool).
/// The Jacobian is timed on lesson 4's sentence (17 words): σ_max of every step's
/// Jacobian in every layer plus the bound, on top of a trace that is already there.
func benchInstruments(root: URL, repetitions: Int, threads: Int) throws {
    let sentence = "the young man who had been so kind to her sister at the ball was gone ."
    let names = ["rnn", "lstm", "gru", "lstm2"].filter {
        FileManager.default.fileExists(atPath: root.appendingPathComponent("models/\($0).safetensors").path)
    }
    let testPath = root.appendingPathComponent("data/corpus/test.txt").path
    let lines = try readLines(testPath)
    print("instrument benchmark (median of \(repetitions); \(threads) thread(s)): Jacobian on a 17-word sentence, unit search over \(lines.count) lines, writing 20 words")
    for name in names {
        let model: Model
        do { model = try Model.load(path: root.appendingPathComponent("models/\(name).safetensors").path) } catch {
            throw CommandFailure(error.message)
        }
        let trace = try SentenceTrace.compute(model: model, input: .text(sentence))
        let jacobian = medianMilliseconds(repetitions) { _ = trace.jacobian(network: model.network) }
        let cpuStart = threadCPUMilliseconds()
        for _ in 0..<repetitions { _ = trace.jacobian(network: model.network) }
        let jacobianCPU = (threadCPUMilliseconds() - cpuStart) / Double(repetitions)
        // The first search of a model builds its index: timed once, cold, as a learner meets it.
        let start = DispatchTime.now().uptimeNanoseconds, startCPU = threadCPUMilliseconds()
        let index = ActivationIndex(model: model, lines: lines, layer: model.architecture.layerCount - 1)
        let firstSearch = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        let firstSearchCPU = threadCPUMilliseconds() - startCPU
        let nextUnit = medianMilliseconds(repetitions) { _ = index.contexts(unit: 7, count: 10) }
        let writing = medianMilliseconds(max(repetitions / 5, 1)) {
            var writer = try! TextGenerator(model: model, prefix: "she was", settings: GenerationSettings(words: 20, temperature: 0.8, seed: 3))
            _ = writer.run()
        }
        print(String(format: "%@  Jacobian %.3f ms (mean CPU %.3f ms)   first unit search %.0f ms (%.0f ms of CPU), another unit %.2f ms   generate 20 words %.1f ms",
                     name.padding(toLength: 5, withPad: " ", startingAt: 0), jacobian, jacobianCPU, firstSearch, firstSearchCPU, nextUnit, writing))
    }
}

/// CPU time this thread has used: what a figure is worth on a machine shared with other work.
func threadCPUMilliseconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1e6
}
