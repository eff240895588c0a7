import Foundation
import ModelFile
import Testing

/// scripts/train_torch.py must build the vocabulary `rnn-tutor train` builds from the same
/// text, or a model trained at scale would read words differently in the tutor. The fixture
/// (Fixtures/vocabulary) holds awkward text (CRLF and rarer line ends, attached punctuation,
/// apostrophes, a final sigma, canonically equivalent spellings, ties at the size cut-off)
/// and the vocabularies train_torch.py printed for it.
@Suite struct TrainTorchVocabularyTests {
    static let folder = BinaryRunner.packageRoot.appendingPathComponent("Tests/EndToEndTests/Fixtures/vocabulary")

    @Test(arguments: [("lowercase", "--lowercase"), ("cased", "--no-lowercase")])
    func trainBuildsTheSameVocabularyAsTrainTorch(key: String, flag: String) async throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent("train_torch_vocabulary.json"))
        let fixture = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let expected = try #require(fixture[key] as? [String])
        let size = try #require(fixture["vocabulary_size"] as? Int)
        let text = Self.folder.appendingPathComponent("text.txt").path
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("vocabulary-\(UUID()).safetensors").path
        defer {
            try? FileManager.default.removeItem(atPath: output)
            try? FileManager.default.removeItem(atPath: output + ".ckpt")
        }
        let outcome = try await BinaryRunner.run(
            ["train", "--cell", "rnn", "--train", text, "--valid", text, "--output", output, flag,
             "--vocabulary-size", String(size), "--embedding", "2", "--hidden", "2", "--epochs", "1"], seconds: 120)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let model = try Model.load(path: output)
        #expect(model.vocabulary == expected)
        #expect(model.lowercase == (key == "lowercase") && model.unknownToken == "<unk>")
    }
}
