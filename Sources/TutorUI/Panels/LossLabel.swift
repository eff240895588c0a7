import Trace

/// Says what the loss is about in words: which word it predicts, after which word.
public enum LossLabel {
    /// `loss: predicting "was" (after "ball")`; a classifier's loss names its class.
    public static func text(_ trace: SentenceTrace, classifier: Bool = false) -> String {
        let step = trace.loss.step
        let word = trace.tokens.indices.contains(step) ? trace.tokens[step] : "?"
        if classifier { return "loss: class \"\(trace.loss.target)\" at word \(step + 1) \"\(word)\"" }
        return "loss: predicting \"\(trace.loss.target)\" (after \"\(word)\", word \(step + 1))"
    }
}
