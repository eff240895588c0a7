import RNNCore
import Testing
@testable import ModelFile

/// Tokenization as spec section 3 states it, and as Python would do it.
@Suite struct TokenizerTests {
    @Test(arguments: [
        ("the mat.", ["the", "mat", "."]),
        ("\"Hi,\" she said (quietly): yes! no? a;b", ["\"", "Hi", ",", "\"", "she", "said", "(", "quietly", ")", ":", "yes", "!", "no", "?", "a", ";", "b"]),
        ("don't  stop...", ["don't", "stop", ".", ".", "."]),
        ("", []), ("   \t\n ", []), ("...", [".", ".", "."]),
        ("tab\tnew\nline\r\nnbsp\u{A0}ideo\u{3000}sep\u{1C}end\u{2028}x", ["tab", "new", "line", "nbsp", "ideo", "sep", "end", "x"]),
        ("zero\u{200B}width", ["zero\u{200B}width"]),  // not white space in Python either
        ("a-b c/d", ["a-b", "c/d"]),
    ])
    func wordsAreSplitAsTheSpecSays(text: String, words: [String]) {
        #expect(Tokenizer.words(in: text, lowercase: false) == words)
    }

    @Test func lowercasingFollowsPython() {
        #expect(Tokenizer.words(in: "The CAT Sat.", lowercase: true) == ["the", "cat", "sat", "."])
        // Python's str.lower(): final sigma, and İ's full mapping "i̇".
        #expect(Tokenizer.words(in: "ΟΔΟΣ ΣΑ Σ ΑΣ'", lowercase: true) == ["οδος", "σα", "σ", "ας'"])
        #expect(Tokenizer.words(in: "İ ẞ", lowercase: true) == ["i\u{307}", "ß"])
    }

    @Test func knownAndUnknownWords() throws {
        let model = smallModel()
        let tokens = try model.tokenize("the dog sat.")
        #expect(tokens == [
            Token(text: "the", id: 1, isKnown: true), Token(text: "dog", id: 0, isKnown: false),
            Token(text: "sat", id: 3, isKnown: true), Token(text: ".", id: 4, isKnown: true),
        ])
        // Not a lowercasing model: "The" is an unknown word.
        #expect(try model.tokenize("The").first == Token(text: "The", id: 0, isKnown: false))
        #expect(try model.tokenize("  ").isEmpty)
    }

    @Test func lowercasingModelLooksUpLowercasedText() throws {
        let model = smallModel(lowercase: true)
        #expect(try model.tokenize("THE Cat Dog") == [
            Token(text: "the", id: 1, isKnown: true), Token(text: "cat", id: 2, isKnown: true),
            Token(text: "dog", id: 0, isKnown: false),
        ])
    }

    @Test func unknownWordWithoutAnUnknownEntryIsAnError() throws {
        let model = smallModel(vocabulary: ["the", "cat", "sat"])
        #expect(try model.tokenize("the cat").map(\.id) == [0, 1])
        #expect(throws: TokenizerError(word: "dog", unknownToken: "<unk>")) { try model.tokenize("the dog") }
        let error = TokenizerError(word: "dog\nx", unknownToken: "<unk>")
        #expect(error.message == #""dog\nx" is not in the vocabulary, and the vocabulary has no "<unk>" entry for unknown words"#)
    }

    @Test func customUnknownEntry() throws {
        let model = smallModel(unk: "?", vocabulary: ["a", "b", "?", "c", "d"])
        #expect(try model.tokenize("zzz b").map(\.id) == [2, 1])
    }

    @Test func oddUnicodeNeverCrashes() throws {
        let model = smallModel(lowercase: true, vocabulary: ["<unk>", "é", "👩‍👩‍👧", "\u{301}", "x"])
        let odd = [
            "\u{301}", " \u{301}the", "e\u{301} \u{E9}", "👩‍👩‍👧 👩‍👩‍👧.", "\u{FEFF}\u{202E}abc", "a\u{0}b",
            "\u{10FFFF}\u{E000}", String(repeating: "\u{301}", count: 1000), "Σ\u{301}\u{301}.", ".\u{301}",
            "\u{1F1FA}\u{1F1F8}\"\u{1F1EC}", "\r\n\r\n", "ǅ ǈ ﬃ ß",
        ]
        for text in odd { _ = try model.tokenize(text) }
        #expect(try model.tokenize("\u{E9} e\u{301} 👩‍👩‍👧 \u{301}").map(\.id) == [1, 0, 2, 3])
        // A combining mark after "." stays apart from it, as in Python.
        #expect(Tokenizer.words(in: ".\u{301}", lowercase: false) == [".", "\u{301}"])
    }
}
