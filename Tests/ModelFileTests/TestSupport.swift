import Foundation
import RNNCore
import Testing
@testable import ModelFile

let badPath = "models/bad.safetensors"

/// A small language model over a five-word vocabulary.
func smallModel(cell: CellKind = .lstm, layers: Int = 1, hidden: Int = 4, seed: UInt64 = 1,
                lowercase: Bool = false, unk: String? = nil,
                vocabulary: [String] = ["<unk>", "the", "cat", "sat", "."]) -> Model {
    let architecture = Architecture(cell: cell, inputSize: 3, hiddenSize: hidden, layerCount: layers,
                                    outputSize: vocabulary.count, vocabularySize: vocabulary.count)
    let network = RecurrentNetwork(architecture: architecture, seed: seed)
    return try! Model(network: network, task: .lm, vocabulary: vocabulary, unknownToken: unk,
                      lowercase: lowercase, description: "a small test model")
}

/// A classifier with two labels.
func smallClassifier(cell: CellKind = .gru) -> Model {
    let architecture = Architecture(cell: cell, inputSize: 2, hiddenSize: 3, outputSize: 2, vocabularySize: 4)
    return try! Model(network: RecurrentNetwork(architecture: architecture, seed: 7), task: .classify,
                      vocabulary: ["<unk>", "good", "bad", "film"], labels: ["negative", "positive"])
}

/// A file made of an exact header text and data bytes.
func rawFile(header: String, data: [UInt8] = []) -> [UInt8] {
    let headerBytes = Array(header.utf8)
    return littleEndian(UInt64(headerBytes.count)) + headerBytes + data
}

func littleEndian(_ value: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
}

/// A model file with the small model's tensors, edited: `edit` may change the
/// tensor list and the metadata before they are written.
func editedModelFile(_ model: Model = smallModel(), as dtype: SafeTensorsDType = .f32,
                     _ edit: (inout [(name: String, tensor: Tensor)], inout [String: String]) -> Void) -> [UInt8] {
    var tensors = model.parameters.named
    var metadata = model.metadata
    edit(&tensors, &metadata)
    return SafeTensors.write(tensors, metadata: metadata, as: dtype)
}

/// Loading `bytes` must fail with one line that names the file and contains every fragment.
func expectRefused(_ bytes: [UInt8], _ fragments: String..., sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let model = try Model.load(data: Data(bytes), path: badPath)
        Issue.record("loaded a bad file as a \(model.cell) model", sourceLocation: sourceLocation)
    } catch {
        #expect(error.message.hasPrefix(badPath + ": "), sourceLocation: sourceLocation)
        #expect(!error.message.contains("\n"), sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
        }
    }
}

func fixtureURL(_ name: String) throws -> URL {
    try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"))
}
