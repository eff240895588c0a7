import Foundation
import ModelFile
import RNNCore
import Testing
@testable import Trace

/// The three models in `models/` must have learned English word order, not
/// just word frequency: after each context, the right next word is rarer in
/// the training text than the wrong one, so only a model that uses the
/// context can rank it first.
@Suite struct ShippedModelTests {
    static let modelDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("models")

    /// (context, right word, wrong but far more frequent word), chosen from the
    /// training text by a fixed rule before the models were judged: every
    /// three-word sequence whose first two words occur at least 80 times, whose
    /// most common third word follows them at least 60% of the time and is
    /// rarer overall than "the", and after which "the" never follows
    /// (quotation marks left out).
    static let pairs: [(String, String, String)] = [
        ("i do", "not", "the"),
        ("the act", "of", "the"),
        ("as well", "as", "the"),
        ("i dare", "say", "the"),
        ("as soon", "as", "the"),
        ("it must", "be", "the"),
        ("the quality", "of", "the"),
        ("a state", "of", "the"),
        ("the end", "of", "the"),
        ("i assure", "you", "the"),
        ("in order", "to", "the"),
        ("upon my", "word", "the"),
        ("in spite", "of", "the"),
        ("as far", "as", "the"),
        ("the pleasure", "of", "the"),
    ]

    @Test(arguments: CellKind.allCases)
    func shippedModelLoadsWithTheSharedVocabulary(cell: CellKind) throws {
        let model = try Model.load(path: Self.modelDirectory.appendingPathComponent("\(cell.rawValue).safetensors").path)
        #expect(model.cell == cell && model.task == .lm && model.lowercase)
        #expect(model.vocabulary.count == 5000 && model.vocabulary.first == "<unk>")
        #expect(model.architecture.inputSize == 64 && model.architecture.hiddenSize == 128)
        let data = try Data(contentsOf: Self.modelDirectory.appendingPathComponent("\(cell.rawValue).safetensors"))
        #expect(data.count <= 4_000_000)
        let lstm = try Model.load(path: Self.modelDirectory.appendingPathComponent("lstm.safetensors").path)
        #expect(model.vocabulary == lstm.vocabulary)
    }

    @Test(arguments: CellKind.allCases)
    func shippedModelPrefersTheRightWordInContext(cell: CellKind) throws {
        let model = try Model.load(path: Self.modelDirectory.appendingPathComponent("\(cell.rawValue).safetensors").path)
        for (context, right, wrong) in Self.pairs {
            let trace = try SentenceTrace.compute(model: model, input: .text(context))
            let last = trace.forward.probabilities(step: trace.ids.count - 1)
            let rightID = try #require(model.id(of: right)), wrongID = try #require(model.id(of: wrong))
            #expect(last[rightID] > last[wrongID],
                    "\(cell): after \"\(context)\" p(\(right)) = \(last[rightID]) should beat p(\(wrong)) = \(last[wrongID])")
        }
    }
}
