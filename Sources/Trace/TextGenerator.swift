import Foundation
import ModelFile
import RNNCore

/// How the network writes: how many words at most, and how each is chosen.
public struct GenerationSettings: Sendable, Equatable {
    /// Words to write at most, 1…200.
    public var words: Int
    /// 0 = greedy (the most likely word); otherwise probabilities ∝ exp(logit / T).
    public var temperature: Double
    /// Draw only among the K most likely words; 0 = every word.
    public var topK: Int
    public var seed: UInt64

    public static let wordRange = 1...200

    public init(words: Int = 20, temperature: Double = 1, topK: Int = 0, seed: UInt64 = 1) {
        self.words = words
        self.temperature = temperature
        self.topK = topK
        self.seed = seed
    }

    /// The first thing wrong with these settings, as one line, or nil.
    public var problem: String? {
        if !Self.wordRange.contains(words) { return "--words must be between 1 and 200, not \(words)" }
        if !(temperature.isFinite && temperature >= 0) { return "--temperature must be a finite number ≥ 0 (0 is greedy), not \(temperature)" }
        if topK < 0 { return "--top-k must be ≥ 0 (0 means every word), not \(topK)" }
        return nil
    }
}

public enum GenerationError: Error, Equatable, CustomStringConvertible {
    case emptyPrefix
    case notALanguageModel
    case badSettings(String)
    case tokenizer(String)

    public var description: String {
        switch self {
        case .emptyPrefix: "--prefix has no words: the model needs at least one word to continue from"
        case .notALanguageModel: "this model is a classifier (task \"classify\"); only a language model (task \"lm\") can write"
        case .badSettings(let line): line
        case .tokenizer(let message): message
        }
    }
}

/// The network writing, one word per `step()`: a value the tutor can step on
/// a timer and trace after each word (`ids` is the sentence so far).
///
/// The generator, documented so that a run can be reproduced anywhere:
/// SplitMix64 (`SeededRandom`) seeded with the seed; for each sampled word one
/// draw u = (next() >> 11) / 2⁵³ in [0, 1). The candidates are every word but
/// the unknown-word entry (it is not a word), cut to the K largest logits when
/// top-k is set (ties: lower id first); each gets weight exp((logit − max) / T),
/// computed in Double; the word is the first id, in id order, whose running
/// sum of weights exceeds u · (sum of all weights): the inverse CDF. With
/// T = 0 the largest logit wins (ties: lower id) and no draw is made. The
/// logits come from the same Float32 forward pass as `trace`, so the words are
/// the same for the same build, seed and settings on every run.
///
/// Writing stops after `settings.words` words, or at the end of a sentence:
/// the model's `<eos>` or `</s>` entry when it has one (not written), or else
/// a sentence mark `.`, `!` or `?` that leaves no quotation open (quotes are
/// counted over the prefix and the written words; a `.` after mr, mrs, ms, dr
/// or st belongs to the title), or the `"` that closes a
/// quotation right after such a mark: every line the shipped models learned
/// from ends that way.
public struct TextGenerator: Sendable {
    public enum Stop: Sendable, Equatable { case endOfSentence, wordLimit }

    public let settings: GenerationSettings
    /// The prefix's tokens as looked up, then the written words.
    public private(set) var tokens: [String]
    public private(set) var ids: [Int]
    public let prefixCount: Int
    public private(set) var stop: Stop?
    /// The probabilities (after temperature and top-k) of the last word chosen; for panels.
    public private(set) var lastChoiceProbability: Double?

    private let network: RecurrentNetwork
    private let packedHead: PackedMatrix
    private let vocabulary: [String]
    private let excluded: Int?
    private let endToken: Int?
    private var state: RecurrentState
    private var logits: [Float]
    private var random: SeededRandom

    public var written: ArraySlice<String> { tokens[prefixCount...] }
    public var isFinished: Bool { stop != nil }

    public init(model: Model, prefix: String, settings: GenerationSettings,
                packedHead: PackedMatrix? = nil) throws(GenerationError) {
        guard model.task == .lm else { throw .notALanguageModel }
        if let problem = settings.problem { throw .badSettings(problem) }
        let found: [Token]
        do { found = try model.tokenize(prefix) } catch { throw .tokenizer(error.message) }
        guard !found.isEmpty else { throw .emptyPrefix }
        self.settings = settings
        tokens = found.map(\.text)
        ids = found.map(\.id)
        prefixCount = found.count
        network = model.network
        self.packedHead = packedHead ?? model.network.packedHead()
        vocabulary = model.vocabulary
        excluded = model.unknownID
        endToken = model.vocabulary.firstIndex(of: "<eos>") ?? model.vocabulary.firstIndex(of: "</s>")
        random = SeededRandom(seed: settings.seed)
        let pass = network.forward(.tokens([ids]), packedHead: self.packedHead)
        state = pass.finalState
        logits = Array(pass.outputRow(found.count - 1))
    }

    /// Writes the next word and returns it; nil once writing has stopped.
    public mutating func step() -> String? {
        guard stop == nil else { return nil }
        let choice = Self.choose(logits: logits, temperature: settings.temperature, topK: settings.topK,
                                 excluding: excluded, random: &random)
        lastChoiceProbability = choice.probability
        if choice.id == endToken {
            stop = .endOfSentence
            return nil
        }
        let word = vocabulary[choice.id]
        tokens.append(word)
        ids.append(choice.id)
        if endsSentence(after: word) {
            stop = .endOfSentence
        } else if ids.count - prefixCount >= settings.words {
            stop = .wordLimit
        } else {
            let pass = network.forward(.tokens([[choice.id]]), packedHead: packedHead, initialState: state)
            state = pass.finalState
            logits = pass.outputs
        }
        return word
    }

    /// Writes until it stops; the written words.
    public mutating func run() -> [String] {
        while step() != nil {}
        return Array(written)
    }

    /// Words whose "." belongs to them ("mr . darcy"): in the training text a "." follows
    /// mr, mrs and dr thousands of times in mid-sentence.
    static let titles: Set<String> = ["mr", "mrs", "ms", "dr", "st", "Mr", "Mrs", "Ms", "Dr", "St"]

    private func endsSentence(after word: String) -> Bool {
        guard endToken == nil else { return false }
        let quotationOpen = !tokens.lazy.filter { $0 == "\"" }.count.isMultiple(of: 2)
        if word == ".", tokens.count >= 2, Self.titles.contains(tokens[tokens.count - 2]) { return false }
        if ["." , "!", "?"].contains(word) { return !quotationOpen }
        if word == "\"" && !quotationOpen && tokens.count >= 2 {
            return [".", "!", "?"].contains(tokens[tokens.count - 2])
        }
        return false
    }

    /// One word from one step's logits, by the rule in the type's comment.
    /// Pure apart from the draw: the tutor can show the candidates it weighed.
    public static func choose(logits: [Float], temperature: Double, topK: Int, excluding: Int?,
                              random: inout SeededRandom) -> (id: Int, probability: Double) {
        var candidates = Array(logits.indices.filter { $0 != excluding && !logits[$0].isNaN })
        if candidates.isEmpty { candidates = Array(logits.indices) }   // a one-word vocabulary of <unk>: say it
        if temperature == 0 || (topK == 1) {
            let best = candidates.max { logits[$0] < logits[$1] || (logits[$0] == logits[$1] && $0 > $1) }!
            return (best, 1)
        }
        if topK > 0 && topK < candidates.count {
            let ranked = candidates.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
            candidates = ranked.prefix(topK).sorted()
        }
        let largest = candidates.map { Double(logits[$0]) }.max()!
        let weights = candidates.map { ((Double(logits[$0]) - largest) / temperature).exponentialOrZero }
        let total = weights.reduce(0, +)
        let u = Double(random.next() >> 11) / Double(UInt64(1) << 53)
        let threshold = u * total
        var running = 0.0
        for (index, weight) in weights.enumerated() {
            running += weight
            if running > threshold { return (candidates[index], weight / total) }
        }
        // Rounding can leave the last candidates' sum a hair under the threshold.
        let last = weights.lastIndex { $0 > 0 } ?? weights.count - 1
        return (candidates[last], weights[last] / total)
    }
}

private extension Double {
    var exponentialOrZero: Double { self < -745 ? 0 : exp(self) }
}
