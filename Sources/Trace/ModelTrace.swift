import ModelFile
import RNNCore

/// What a trace steps through: words to tokenize, or token ids as they are.
public enum TraceInput: Sendable, Equatable {
    case text(String)
    case ids([Int])
}

extension OutputLabels {
    public init(_ model: Model) {
        self.init(task: model.task == .lm ? .languageModel : .classifier, labels: model.labels, lowercase: model.lowercase)
    }
}

extension SentenceTrace {
    /// Tokenizes (or looks up) the input and traces it through a loaded model.
    public static func compute(model: Model, packedHead: PackedMatrix? = nil, input: TraceInput, lossStep: Int? = nil,
                               target: String? = nil, whhScale: Float = 1) throws(TraceError) -> SentenceTrace {
        let (tokens, ids) = try words(of: input, for: model)
        var trace = try compute(network: model.network, packedHead: packedHead, outputs: OutputLabels(model),
                                tokens: tokens, ids: ids, lossStep: lossStep, target: target, whhScale: whhScale)
        if model.task == .lm { trace.endOfSentenceID = model.endOfSentenceID }
        return trace
    }

    /// The input's display tokens and ids under the model's tokenizer and vocabulary.
    public static func words(of input: TraceInput, for model: Model) throws(TraceError) -> (tokens: [String], ids: [Int]) {
        switch input {
        case .text(let text):
            let found: [Token]
            do { found = try model.tokenize(text) } catch { throw .tokenizer(error.message) }
            return (found.map(\.text), found.map(\.id))
        case .ids(let given):
            if let bad = given.first(where: { $0 < 0 || $0 >= model.vocabulary.count }) {
                throw .idOutOfRange(bad, vocabulary: model.vocabulary.count)
            }
            return (given.map { model.vocabulary[$0] }, given)
        }
    }
}

extension TraceSession {
    /// A session on a loaded model's tokenization of the input.
    public init(model: Model, weights: PackedWeights? = nil, input: TraceInput, lossStep: Int? = nil,
                target: String? = nil, whhScale: Float = 1, headSteps: [Int] = []) throws(TraceError) {
        let (tokens, ids) = try SentenceTrace.words(of: input, for: model)
        try self.init(network: model.network, weights: weights, outputs: OutputLabels(model), tokens: tokens, ids: ids,
                      lossStep: lossStep, target: target, whhScale: whhScale, headSteps: headSteps)
    }
}
