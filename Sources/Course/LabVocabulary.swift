import ModelFile

/// The words the shipped models know, for warning about a lab sentence that
/// would step through unknown words. Course does not read model files: the
/// caller (`rnn-tutor lessons check`) loads one and passes its vocabulary in.
public struct LabVocabulary: Sendable {
    public var words: Set<String>
    /// Whether the model lowercases its input before looking words up.
    public var lowercase: Bool

    public init(words: some Sequence<String>, lowercase: Bool) {
        self.words = Set(words)
        self.lowercase = lowercase
    }

    /// The words of `sentence` the models would look up but not find, each once, in order.
    public func unknownWords(in sentence: String) -> [String] {
        var seen: Set<String> = []
        return Self.words(in: sentence, lowercase: lowercase).filter { !words.contains($0) && seen.insert($0).inserted }
    }

    /// The models' own tokenizer rule (ModelFile's `Tokenizer`), so that a
    /// warning here means the same word is unknown in the tutor.
    public static func words(in sentence: String, lowercase: Bool) -> [String] {
        Tokenizer.words(in: sentence, lowercase: lowercase)
    }
}
