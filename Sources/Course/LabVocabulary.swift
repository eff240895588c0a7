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

    /// The models' tokenizer rule: each of . , ; : ! ? ( ) " is set apart by
    /// spaces, the text is split on white space, and lowercased if the model does.
    public static func words(in sentence: String, lowercase: Bool) -> [String] {
        var spaced = ""
        for character in sentence {
            if separateCharacters.contains(character) {
                spaced += " \(character) "
            } else {
                spaced.append(character)
            }
        }
        return spaced.split(whereSeparator: \.isWhitespace).map { lowercase ? $0.lowercased() : String($0) }
    }

    static let separateCharacters: Set<Character> = [".", ",", ";", ":", "!", "?", "(", ")", "\""]
}
