// Tokenization (spec section 3): each of . , ; : ! ? ( ) " is set apart by
// spaces, the text is split on white space, lowercased if the model says so,
// and looked up. It works on Unicode scalars, as Python's str does, so that
// a model trained in Python tokenizes the same here.

/// One word of the input as the model sees it.
public struct Token: Equatable, Sendable {
    /// The word as looked up (lowercased on a lowercasing model); an unknown
    /// word keeps its own text while its id is the unknown entry's.
    public var text: String
    public var id: Int
    public var isKnown: Bool

    public init(text: String, id: Int, isKnown: Bool) {
        self.text = text
        self.id = id
        self.isKnown = isKnown
    }
}

/// A word not in the vocabulary, on a model without an unknown entry.
public struct TokenizerError: Error, Equatable, Sendable, CustomStringConvertible {
    public let word: String
    public let unknownToken: String
    public var message: String {
        "\(quoted(word)) is not in the vocabulary, and the vocabulary has no \(quoted(unknownToken)) entry for unknown words"
    }
    public var description: String { message }
}

/// How a model splits text into words (metadata `tokenizer`).
public enum TokenizerRule: String, CaseIterable, Sendable {
    /// The spec's rule: `. , ; : ! ? ( ) "` set apart, then split on white space.
    case words
    /// Split on white space only, as PyTorch's word-language-model example
    /// does (`line.split()`): punctuation stays attached to its word.
    case whitespace
}

public enum Tokenizer {
    /// Characters that are always tokens of their own.
    public static let separateCharacters: Set<Unicode.Scalar> = [".", ",", ";", ":", "!", "?", "(", ")", "\""]

    /// The words of `text`, in order. Training data goes through the same steps.
    public static func words(in text: String, lowercase: Bool, rule: TokenizerRule = .words) -> [String] {
        wordRanges(in: text, rule: rule).map { lowercase ? pythonLowercased(String(text[$0])) : String(text[$0]) }
    }

    /// Where each word of `text` stands, in order: the split `words(in:)` makes,
    /// for showing words in place (the sentence editor marks unknown ones).
    public static func wordRanges(in text: String, rule: TokenizerRule = .words) -> [Range<String.Index>] {
        let apart = rule == .words ? separateCharacters : []
        var ranges: [Range<String.Index>] = []
        var start: String.Index? = nil
        let scalars = text.unicodeScalars
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index], next = scalars.index(after: index)
            if isPythonWhitespace(scalar) || apart.contains(scalar) {
                if let begun = start { ranges.append(begun..<index); start = nil }
                if !isPythonWhitespace(scalar) { ranges.append(index..<next) }
            } else if start == nil {
                start = index
            }
            index = next
        }
        if let begun = start { ranges.append(begun..<scalars.endIndex) }
        return ranges
    }

    /// What Python's `str.split()` splits on: Unicode White_Space plus the
    /// four information separators U+001C…U+001F.
    static func isPythonWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            true
        default:
            false
        }
    }

    /// Python's `str.lower()`: each scalar's full lowercase mapping, except that
    /// a capital sigma ending a word becomes the final form ς (Swift's
    /// `lowercased()` always gives σ).
    static func pythonLowercased(_ word: String) -> String {
        let scalars = Array(word.unicodeScalars)
        var result = String.UnicodeScalarView()
        for (i, scalar) in scalars.enumerated() {
            if scalar == "\u{03A3}" && isFinalSigma(at: i, in: scalars) {
                result.append("\u{03C2}")
            } else {
                result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(result)
    }

    /// Unicode's Final_Sigma condition, as CPython tests it: a cased letter
    /// before (skipping case-ignorable ones), and no cased letter after.
    private static func isFinalSigma(at index: Int, in scalars: [Unicode.Scalar]) -> Bool {
        let before = scalars[..<index].last { !$0.properties.isCaseIgnorable }
        guard let before, before.properties.isCased else { return false }
        let after = scalars[(index + 1)...].first { !$0.properties.isCaseIgnorable }
        return !(after?.properties.isCased ?? false)
    }
}

extension Model {
    /// The id of a vocabulary entry, matched exactly (no lowercasing).
    public func id(of word: String) -> Int? { idsByWord[WordBytes(word)] }

    /// The tokens of `text`; unknown words map to the unknown entry. May be
    /// empty (the caller decides whether that is an error).
    public func tokenize(_ text: String) throws(TokenizerError) -> [Token] {
        var tokens: [Token] = []
        for word in Tokenizer.words(in: text, lowercase: lowercase, rule: tokenizer) {
            if let id = id(of: word) {
                tokens.append(Token(text: word, id: id, isKnown: true))
            } else if let unknownID {
                tokens.append(Token(text: word, id: unknownID, isKnown: false))
            } else {
                throw TokenizerError(word: word, unknownToken: unknownToken)
            }
        }
        return tokens
    }
}
