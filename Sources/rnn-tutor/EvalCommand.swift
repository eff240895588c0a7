import ArgumentParser
import Foundation
import ModelFile
import RNNCore

/// `rnn-tutor eval`: how well a language model predicts a text, beside the unigram baseline.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Perplexity of a language model on a text, beside a unigram baseline.",
        discussion: """
            Counting: per token; each line is a separate sequence read from a fresh (zero) state; every token \
            after the first of a line is predicted once; unknown words count as the <unk> entry. The unigram \
            baseline scores the same tokens by word frequency alone (add-one smoothed), counted in \
            --baseline-from, or else in the evaluated text itself.
            """)

    @Option(help: "A language model file, or a shipped model's name (rnn, lstm, gru).") var model: String
    @Option(name: .customLong("text-file"), help: "The text to score, one sentence per line.") var textFile: String
    @Option(name: .customLong("baseline-from"), help: "Text whose word counts give the unigram baseline (e.g. the training text).")
    var baselineFrom: String?

    @OptionGroup var threadCount: ThreadsOption

    func run() throws {
        threadCount.apply()
        let loaded: Model
        do { loaded = try Model.load(path: try ShippedFiles.modelPath(model)) } catch let error as ModelFileError {
            throw CommandFailure(error.message)
        }
        guard loaded.task == .lm else { throw CommandFailure("\(model): perplexity needs a language model (task lm), not a classifier") }
        func ids(_ lines: [String]) throws -> [[Int]] {
            try lines.map { line in
                do { return try loaded.tokenize(line).map(\.id) } catch { throw CommandFailure("\(error)") }
            }
        }
        let sentences = try ids(try readLines(textFile))
        let result = perplexity(of: loaded.network, on: sentences)
        guard result.tokens > 0 else { throw CommandFailure("\(textFile): no line has two or more tokens to score") }
        var counts = [Int](repeating: 0, count: loaded.vocabulary.count)
        for s in try baselineFrom.map({ try ids(try readLines($0)) }) ?? sentences { for id in s { counts[id] += 1 } }
        let unigram = unigramPerplexity(trainingCounts: counts, on: sentences)
        let unknown = loaded.unknownID.map { u in sentences.reduce(0) { $0 + $1.dropFirst().filter { $0 == u }.count } } ?? 0
        let a = loaded.architecture
        print("model      \(model): \(a.cell.rawValue), \(a.layerCount) layer(s), E = \(a.inputSize), H = \(a.hiddenSize), \(loaded.vocabulary.count) words, \(a.parameterCount) parameters")
        print("text       \(textFile): \(sentences.count) lines, \(result.tokens) predicted tokens (\(String(format: "%.1f", 100 * Double(unknown) / Double(result.tokens)))% <unk>)")
        print("perplexity \(String(format: "%.2f", result.perplexity))   (\(String(format: "%.4f", result.meanLoss)) nats per token)")
        print("unigram    \(String(format: "%.2f", unigram))   (counts from \(baselineFrom ?? "the evaluated text itself"))")
        print("ratio      \(String(format: "%.3f", result.perplexity / unigram)) of the unigram perplexity")
    }
}
