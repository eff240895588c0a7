import ArgumentParser
import Foundation
import ModelFile
import Trace

/// `rnn-tutor generate`: the network writes, word by word, from a prefix.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Let a language model continue a sentence, greedily or by sampling.",
        discussion: """
            Each word is drawn from the model's next-word probabilities: --temperature 0 takes the most likely \
            word; otherwise probabilities follow exp(logit / T) among the --top-k most likely words (0: every \
            word). <unk> is never written. Writing stops at the end of a sentence (., ! or ? with no quotation \
            left open, or the model's <eos>) or after --words words. The same seed and settings give the same \
            words on every run: SplitMix64 from the seed, one draw per word, inverse CDF over word ids in order.
            """)

    @Option(help: "A language model file (.safetensors).") var model: String
    @Option(help: "The words to continue from (at least one).") var prefix: String
    @Option(help: "Most words to write, 1–200.") var words = 20
    @Option(help: "0 is greedy; higher spreads the choice (finite, ≥ 0).") var temperature: Double = 1
    @Option(name: .customLong("top-k"), help: "Draw among the K most likely words; 0 means every word.") var topK = 0
    @Option(help: "Seed of the generator.") var seed: UInt64 = 1

    func run() throws {
        let settings = GenerationSettings(words: words, temperature: temperature, topK: topK, seed: seed)
        if let problem = settings.problem { throw CommandFailure(problem) }
        if Tokenizer.words(in: prefix, lowercase: false).isEmpty { throw CommandFailure(GenerationError.emptyPrefix.description) }
        let loaded: Model
        do { loaded = try Model.load(path: model) } catch { throw CommandFailure(error.message) }
        var writer: TextGenerator
        do { writer = try TextGenerator(model: loaded, prefix: prefix, settings: settings) } catch {
            throw CommandFailure(error.description)
        }
        let written = writer.run()
        print((writer.tokens.prefix(writer.prefixCount) + written).joined(separator: " "))
    }
}
