import Foundation
import ModelFile
import RNNCore
import Trace

/// The network writing (`w`): from the sentence up to the cursor's word the model
/// continues word by word, one word every few beats, and every new word is traced as it
/// appears, so the panels follow the writing. The generator is `TextGenerator`, the one
/// `rnn-tutor generate` uses: the same settings and seed write the same words.
public struct WriterSession: Equatable, Sendable {
    /// The temperatures `t` and `T` step through (0: greedy, always the most likely word).
    public static let temperatures: [Double] = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2]
    /// The top-k choices `k` and `K` step through (0: every word).
    public static let topKs = [1, 3, 5, 10, 40, 0]

    public var temperature: Double = 1
    public var topK = 0
    public var seed: UInt64 = 1
    public var words = 20
    /// The words written from (the sentence up to the cursor's word).
    public var prefix: String
    /// What the lab showed before writing, put back by Esc.
    public var original: (sentence: String, lossWord: Int?, cursorWord: Int)
    /// The gradient axis of the original sentence, put back with it (probing it again costs six traces).
    var originalAxis: LogScale? = nil
    /// The words written so far.
    public private(set) var written: [String] = []
    /// Why writing stopped (nil: still writing, or stopped by the learner: `stoppedByKey`).
    public private(set) var stop: TextGenerator.Stop? = nil
    public private(set) var stoppedByKey = false
    /// The probability the last written word was drawn with (after temperature and top-k).
    public private(set) var lastProbability: Double? = nil
    /// What went wrong when writing could not start (a classifier, an empty prefix).
    public private(set) var problem: String? = nil
    var generator: TextGenerator? = nil
    var ticks = 0

    /// Beats (40 ms each) per written word: about four words a second, slow enough to read.
    static let pace = 6

    public var isWriting: Bool { generator != nil }
    var settings: GenerationSettings { GenerationSettings(words: words, temperature: temperature, topK: topK, seed: seed) }

    init(prefix: String, original: (sentence: String, lossWord: Int?, cursorWord: Int)) {
        self.prefix = prefix
        self.original = original
    }

    /// Starts (or starts again) from the prefix with the current settings.
    mutating func start(model: Model, packedHead: PackedMatrix) {
        written = []
        stop = nil
        stoppedByKey = false
        lastProbability = nil
        ticks = 0
        do {
            generator = try TextGenerator(model: model, prefix: prefix, settings: settings, packedHead: packedHead)
            problem = nil
        } catch {
            generator = nil
            problem = error.description
        }
    }

    /// One beat: every `pace` beats the next word. Returns the sentence so far when a word
    /// was written (or writing ended), else nil.
    mutating func beat() -> String? {
        guard var generator else { return nil }
        ticks += 1
        guard ticks % Self.pace == 0 else { return nil }
        if let word = generator.step() {
            written.append(word)
            lastProbability = generator.lastChoiceProbability
        }
        if generator.isFinished {
            stop = generator.stop
            self.generator = nil
        } else {
            self.generator = generator
        }
        return generator.tokens.joined(separator: " ")
    }

    mutating func stopWriting() {
        guard generator != nil else { return }
        generator = nil
        stoppedByKey = true
    }

    /// The settings as the panel and the status line say them.
    public var settingsLine: String {
        let how = temperature == 0 ? "greedy (temperature 0)" : "temperature " + String(format: "%.2f", temperature)
        let k = topK == 0 ? "top-k all" : "top-k \(topK)"
        return "\(how) · \(k) · seed \(seed) · up to \(words) words"
    }

    /// Where writing stands, in words.
    public var progressLine: String {
        if let problem { return "cannot write: \(problem)" }
        let count = counted(written.count, "word")
        let chance = lastProbability.map { " · the last word had a \(Numbers.chance(Float($0))) chance" } ?? ""
        if isWriting { return "writing… \(count) so far" + chance }
        if stoppedByKey { return "stopped (Space) after \(count)" + chance }
        switch stop {
        case .endOfSentence: return "the sentence ended after \(count)" + chance
        case .wordLimit: return "stopped at the \(words)-word limit" + chance
        case nil: return count
        }
    }

    public static func == (a: WriterSession, b: WriterSession) -> Bool {
        a.temperature == b.temperature && a.topK == b.topK && a.seed == b.seed && a.words == b.words && a.prefix == b.prefix
            && a.original.sentence == b.original.sentence && a.original.lossWord == b.original.lossWord
            && a.original.cursorWord == b.original.cursorWord && a.originalAxis == b.originalAxis
            && a.written == b.written && a.stop == b.stop
            && a.stoppedByKey == b.stoppedByKey && a.problem == b.problem && a.isWriting == b.isWriting && a.ticks == b.ticks
    }
}
