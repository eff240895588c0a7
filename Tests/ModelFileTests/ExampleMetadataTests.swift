import Foundation
import RNNCore
import Testing
@testable import ModelFile

/// The metadata a model from PyTorch's word-language-model example needs:
/// `nonlinearity`, `tokenizer` and `eos` (models/FORMAT.md). A file without
/// them means what it always meant.
@Suite struct ExampleMetadataTests {
    /// A plain RNN with the example's conventions: case kept, words split on spaces, <eos>.
    func exampleModel(nonlinearity: Nonlinearity = .relu) -> Model {
        let vocabulary = ["The", "cat", "sat.", "<eos>", "<unk>"]
        let architecture = Architecture(cell: .rnn, inputSize: 3, hiddenSize: 4, layerCount: 2, outputSize: 5,
                                        vocabularySize: 5, nonlinearity: nonlinearity)
        return try! Model(network: RecurrentNetwork(architecture: architecture, seed: 3), task: .lm,
                          vocabulary: vocabulary, tokenizer: .whitespace, endOfSentence: "<eos>")
    }

    @Test func extensionsRoundTrip() throws {
        let model = exampleModel()
        let loaded = try Model.load(data: model.encoded(), path: "example.safetensors")
        #expect(loaded.nonlinearity == .relu && loaded.architecture == model.architecture)
        #expect(loaded.tokenizer == .whitespace && loaded.endOfSentence == "<eos>" && loaded.endOfSentenceID == 3)
        #expect(model.metadata["nonlinearity"] == "relu" && model.metadata["tokenizer"] == "whitespace")
        #expect(model.metadata["eos"] == "<eos>")
    }

    @Test func aFileWithoutThemMeansWhatItAlwaysMeant() throws {
        let model = smallModel(cell: .rnn)
        #expect(model.metadata["nonlinearity"] == nil && model.metadata["tokenizer"] == nil && model.metadata["eos"] == nil)
        let loaded = try Model.load(data: model.encoded(), path: "plain.safetensors")
        #expect(loaded.nonlinearity == .tanh && loaded.tokenizer == .words && loaded.endOfSentenceID == nil)
        #expect(try loaded.tokenize("the cat.").map(\.text) == ["the", "cat", "."])
    }

    @Test func whitespaceTokenizerKeepsPunctuationAndCase() throws {
        let tokens = try exampleModel().tokenize("The  cat\tsat. dog")
        #expect(tokens.map(\.text) == ["The", "cat", "sat.", "dog"])
        #expect(tokens.map(\.id) == [0, 1, 2, 4])
        #expect(!tokens.contains { $0.text == "<eos>" })   // never added to the text
        #expect(Tokenizer.words(in: "a,b (c)", lowercase: false, rule: .whitespace) == ["a,b", "(c)"])
    }

    @Test func tanhIsTheDefaultAndCanBeWrittenOut() throws {
        let bytes = editedModelFile(smallModel(cell: .rnn)) { _, metadata in metadata["nonlinearity"] = "tanh" }
        #expect(try Model.load(data: Data(bytes), path: "tanh.safetensors").nonlinearity == .tanh)
    }

    @Test func badValuesAreRefusedInOneLine() {
        expectRefused(editedModelFile(smallModel(cell: .rnn)) { _, m in m["nonlinearity"] = "sigmoid" },
                      "metadata \"nonlinearity\" is \"sigmoid\"", "\"tanh\" or \"relu\"")
        expectRefused(editedModelFile(smallModel(cell: .lstm)) { _, m in m["nonlinearity"] = "relu" },
                      "\"nonlinearity\" is for cell \"rnn\" only")
        expectRefused(editedModelFile(smallModel(cell: .gru)) { _, m in m["tokenizer"] = "bpe" },
                      "metadata \"tokenizer\" is \"bpe\"", "\"words\" or \"whitespace\"")
        expectRefused(editedModelFile(smallModel(cell: .gru)) { _, m in m["eos"] = "<eos>" },
                      "metadata \"eos\" is \"<eos>\", which is not in the vocabulary")
    }
}
