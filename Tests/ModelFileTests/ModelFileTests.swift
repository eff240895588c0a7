import Foundation
import RNNCore
import Testing
@testable import ModelFile

/// The model file contract: round trips, PyTorch's own files, and every way
/// a file can break the contract.
@Suite struct ModelFileTests {
    // MARK: Round trips

    @Test(arguments: CellKind.allCases, [1, 2])
    func savedModelLoadsBackEqual(cell: CellKind, layers: Int) throws {
        let model = smallModel(cell: cell, layers: layers, lowercase: true)
        let loaded = try Model.load(data: model.encoded(), path: "x.safetensors")
        #expect(loaded.architecture == model.architecture)
        #expect(loaded.parameters == model.parameters)
        #expect(loaded.vocabulary == model.vocabulary && loaded.labels == model.vocabulary)
        #expect(loaded.task == .lm && loaded.lowercase && loaded.description == "a small test model")
        #expect(loaded.unknownToken == "<unk>" && loaded.unknownID == 0)
        #expect(loaded.encoded() == model.encoded())
    }

    @Test func classifierRoundTripsThroughADiskFile() throws {
        let model = smallClassifier()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("modelfile-\(UUID()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.save(to: path)
        let loaded = try Model.load(path: path)
        #expect(loaded.task == .classify && loaded.labels == ["negative", "positive"])
        #expect(loaded.parameters == model.parameters && loaded.description == nil && !loaded.lowercase)
    }

    @Test(arguments: [SafeTensorsDType.f16, .bf16])
    func halfPrecisionSavesRoundToNearestAndWidenBack(dtype: SafeTensorsDType) throws {
        let model = smallModel(cell: .gru)
        let loaded = try Model.load(data: model.encoded(as: dtype), path: "half.safetensors")
        for ((_, original), (_, widened)) in zip(model.parameters.named, loaded.parameters.named) {
            let expected = original.values.map {
                dtype == .f16 ? float(fromFloat16Bits: float16Bits($0)) : float(fromBFloat16Bits: bfloat16Bits($0))
            }
            #expect(widened.values == expected)
        }
    }

    @Test func halfPrecisionRefusesWeightsItCannotHold() throws {
        var model = smallModel()
        var parameters = model.parameters
        parameters.headBias.values[1] = 70_000
        model.parameters = parameters
        #expect(throws: ModelFileError.self) { try model.encoded(as: .f16) }
        #expect((try? model.encoded(as: .bf16)) != nil)
    }

    @Test func f16FileWithKnownBitPatternsWidensExactly() throws {
        // head.bias holds 1, -2, 2^-24 (smallest subnormal), 65504 and -0: the rest are zeros.
        let model = smallModel()
        var bytes = editedModelFile(model, as: .f16) { _, _ in }
        let header = Int(bytes[0]) | Int(bytes[1]) << 8
        let file = try SafeTensors.read(bytes)
        #expect(file.tensors.first?.name == "embedding.weight")
        // head.bias comes right after embedding.weight (15 halves) in name order.
        let biasStart = 8 + header + 15 * 2
        for (i, pattern) in [UInt16(0x3C00), 0xC000, 0x0001, 0x7BFF, 0x8000].enumerated() {
            bytes[biasStart + 2 * i] = UInt8(pattern & 0xFF)
            bytes[biasStart + 2 * i + 1] = UInt8(pattern >> 8)
        }
        let loaded = try Model.load(data: Data(bytes), path: "f16.safetensors")
        #expect(loaded.parameters.headBias.values.map(\.bitPattern) == [1, -2, 0x1p-24, 65504, -0.0].map { Float($0).bitPattern })
    }

    @Test func bf16FileWithKnownBitPatternsWidensExactly() throws {
        var bytes = editedModelFile(as: .bf16) { _, _ in }
        let header = Int(bytes[0]) | Int(bytes[1]) << 8
        let biasStart = 8 + header + 15 * 2
        for (i, pattern) in [UInt16(0x3F80), 0xC000, 0x4049, 0x0001, 0x7F7F].enumerated() {
            bytes[biasStart + 2 * i] = UInt8(pattern & 0xFF)
            bytes[biasStart + 2 * i + 1] = UInt8(pattern >> 8)
        }
        let loaded = try Model.load(data: Data(bytes), path: "bf16.safetensors")
        #expect(loaded.parameters.headBias.values == [1, -2, 3.140625, Float(bitPattern: 0x10000), Float(bitPattern: 0x7F7F_0000)])
    }

    @Test func unknownTokenIsOptionalAndExplicitOnesMustExist() throws {
        let noUnk = smallModel(vocabulary: ["a", "b", "c"])
        #expect(noUnk.unknownID == nil && noUnk.unknownToken == "<unk>")
        let reloaded = try Model.load(data: noUnk.encoded(), path: "p")
        #expect(reloaded.unknownID == nil && reloaded.metadata["unk"] == nil)

        let custom = smallModel(unk: "?", vocabulary: ["a", "?", "c"])
        #expect(custom.unknownID == 1)
        #expect(try Model.load(data: custom.encoded(), path: "p").unknownID == 1)
        let architecture = Architecture(cell: .rnn, inputSize: 2, hiddenSize: 2, outputSize: 3, vocabularySize: 3)
        #expect(throws: ModelFileError(path: "(new model)", problem: "metadata \"unk\" is \"<UNK>\", which is not in the vocabulary")) {
            try Model(network: RecurrentNetwork(architecture: architecture, seed: 1), task: .lm,
                      vocabulary: ["<unk>", "a", "b"], unknownToken: "<UNK>")
        }
    }

    // MARK: Files written by PyTorch (scripts/make_torch_model_fixtures.py)

    struct ExpectedTensor: Decodable { let shape: [Int]; let values: [Double] }

    func expectTensorsMatchPyTorch(_ model: Model, _ name: String) throws {
        let json = try Data(contentsOf: fixtureURL("expected.json"))
        let expected = try #require(try JSONDecoder().decode([String: [String: ExpectedTensor]].self, from: json)[name])
        let named = model.parameters.named
        #expect(Set(named.map(\.name)) == Set(expected.keys))
        for (tensorName, tensor) in named {
            let reference = try #require(expected[tensorName])
            #expect(tensor.shape == reference.shape, "\(tensorName)")
            #expect(tensor.values == reference.values.map { Float($0) }, "\(tensorName)")
        }
    }

    @Test func pytorchTwoLayerLSTMInF32Opens() throws {
        let model = try Model.load(path: fixtureURL("lstm_f32_2layer.safetensors").path)
        #expect(model.architecture == Architecture(cell: .lstm, inputSize: 3, hiddenSize: 4, layerCount: 2,
                                                   outputSize: 7, vocabularySize: 7))
        #expect(model.task == .lm && model.lowercase && model.description == "A two-layer LSTM from PyTorch")
        #expect(model.vocabulary == ["<unk>", "the", "cat", "sat", "on", "mat", "."] && model.unknownID == 0)
        try expectTensorsMatchPyTorch(model, "lstm_f32_2layer")
    }

    @Test func pytorchGRUInF16Opens() throws {
        let model = try Model.load(path: fixtureURL("gru_f16.safetensors").path)
        #expect(model.architecture == Architecture(cell: .gru, inputSize: 3, hiddenSize: 3, outputSize: 6, vocabularySize: 6))
        #expect(model.vocabulary == ["<UNK>", "café", "naïve", "ΟΔΟΣ", "a", "b"])
        #expect(model.unknownToken == "<UNK>" && model.unknownID == 0 && !model.lowercase)
        try expectTensorsMatchPyTorch(model, "gru_f16")
    }

    @Test func pytorchRNNClassifierInBF16Opens() throws {
        let model = try Model.load(path: fixtureURL("rnn_bf16_classify.safetensors").path)
        #expect(model.architecture == Architecture(cell: .rnn, inputSize: 2, hiddenSize: 3, outputSize: 2, vocabularySize: 5))
        #expect(model.task == .classify && model.labels == ["negative", "positive"])
        try expectTensorsMatchPyTorch(model, "rnn_bf16_classify")
    }

    @Test func missingFileIsNamed() {
        #expect {
            _ = try Model.load(path: "/nonexistent/model.safetensors")
        } throws: { error in
            (error as? ModelFileError)?.message == "/nonexistent/model.safetensors: no such file"
        }
    }

    // MARK: Tensors that break the contract

    @Test func missingTensor() {
        expectRefused(editedModelFile { tensors, _ in tensors.removeAll { $0.name == "head.bias" } },
                      "missing tensor \"head.bias\"")
        expectRefused(editedModelFile { tensors, _ in tensors.removeAll { $0.name == "rnn.bias_ih_l0" } },
                      "missing tensor \"rnn.bias_ih_l0\"", "bias=False")
        expectRefused(editedModelFile { tensors, _ in tensors.removeAll { $0.name == "embedding.weight" } },
                      "missing tensor \"embedding.weight\"")
    }

    @Test func layersMustBeNumberedWithoutGaps() {
        let twoLayers = smallModel(layers: 2)
        let bytes = editedModelFile(twoLayers) { tensors, _ in
            for i in tensors.indices where tensors[i].name.hasSuffix("_l1") {
                tensors[i].name = String(tensors[i].name.dropLast()) + "2"
            }
        }
        expectRefused(bytes, "missing tensor \"rnn.weight_ih_l1\"")
        expectRefused(editedModelFile(twoLayers) { tensors, _ in
            tensors = tensors.map { ($0.name.replacingOccurrences(of: "_l1", with: "_l999999"), $0.tensor) }
        }, "missing tensor \"rnn.weight_ih_l1\"")
        expectRefused(editedModelFile(twoLayers) { tensors, _ in
            tensors = tensors.map { ($0.name.replacingOccurrences(of: "_l1", with: "_l01"), $0.tensor) }
        }, "unexpected tensor \"rnn.", "_l01\"")
    }

    @Test(arguments: [
        ("rnn.weight_ih_l0_reverse", "bidirectional"), ("rnn.weight_hr_l0", "proj_size"),
        ("decoder.weight", "only the tensors of"), ("rnn.weight_ih_lx", "only the tensors of"),
    ])
    func unexpectedTensorIsNamed(name: String, hint: String) {
        let bytes = editedModelFile { tensors, _ in tensors.append((name, Tensor(shape: [16, 3], values: .init(repeating: 0, count: 48)))) }
        expectRefused(bytes, "unexpected tensor \"\(name)\"", hint)
    }

    @Test func wrongShapeIsNamedWithTheExpectedOne() {
        expectRefused(editedModelFile { tensors, _ in
            let i = tensors.firstIndex { $0.name == "rnn.weight_ih_l0" }!
            tensors[i].tensor = Tensor(zeros: [16, 5])
        }, "tensor \"rnn.weight_ih_l0\" has shape [16, 5], expected [16, 3]")
        expectRefused(editedModelFile { tensors, _ in
            let i = tensors.firstIndex { $0.name == "head.bias" }!
            tensors[i].tensor = Tensor(zeros: [5, 1])
        }, "tensor \"head.bias\" has shape [5, 1], expected [5]")
        expectRefused(editedModelFile { tensors, _ in
            let i = tensors.firstIndex { $0.name == "embedding.weight" }!
            tensors[i].tensor = Tensor(zeros: [0, 3])
        }, "tensor \"embedding.weight\" has shape [0, 3]", "at least 1")
        expectRefused(editedModelFile { tensors, _ in
            let i = tensors.firstIndex { $0.name == "rnn.weight_hh_l0" }!
            tensors[i].tensor = Tensor(zeros: [16])
        }, "tensor \"rnn.weight_hh_l0\" has shape [16]")
    }

    @Test func cellThatDisagreesWithTheShapes() {
        // A GRU's tensors (G = 3) under the name of an LSTM (G = 4), H = 16.
        let gru = smallModel(cell: .gru, hidden: 16)
        expectRefused(editedModelFile(gru) { _, metadata in metadata["cell"] = "lstm" },
                      "cell \"lstm\" disagrees", "\"rnn.weight_hh_l0\" has shape [48, 16], expected [64, 16]", "fit cell \"gru\"")
        expectRefused(editedModelFile(smallModel(cell: .lstm)) { _, metadata in metadata["cell"] = "rnn" },
                      "cell \"rnn\" disagrees", "fit cell \"lstm\"")
    }

    @Test func nonFiniteWeightsNameTheTensor() {
        for (bad, shown) in [(Float.nan, "nan"), (.infinity, "inf"), (-.infinity, "-inf")] {
            expectRefused(editedModelFile { tensors, _ in
                let i = tensors.firstIndex { $0.name == "rnn.weight_hh_l0" }!
                tensors[i].tensor.values[5] = bad
            }, "tensor \"rnn.weight_hh_l0\" has a non-finite value (\(shown)) at index 5")
        }
        // An F16 file reaches infinity through its bit pattern 0x7C00.
        var bytes = editedModelFile(as: .f16) { _, _ in }
        bytes[bytes.count - 1] = 0x7C
        bytes[bytes.count - 2] = 0x00
        expectRefused(bytes, "non-finite value (inf)")
    }

    // MARK: Metadata that breaks the table

    @Test(arguments: [
        ("cell", nil, "metadata has no \"cell\" (expected \"rnn\", \"lstm\" or \"gru\")"),
        ("cell", "LSTM", "metadata \"cell\" is \"LSTM\"; expected \"rnn\", \"lstm\" or \"gru\""),
        ("task", nil, "metadata has no \"task\""),
        ("task", "translate", "metadata \"task\" is \"translate\"; expected \"lm\" or \"classify\""),
        ("vocab", nil, "metadata has no \"vocab\""),
        ("vocab", "the cat", "metadata \"vocab\" is not valid JSON"),
        ("vocab", "{\"a\":1}", "metadata \"vocab\" is an object, not a JSON array of strings"),
        ("vocab", "[\"a\",1,\"b\",\"c\",\"d\"]", "metadata \"vocab\" holds a number, not only strings"),
        ("vocab", "[\"a\",\"b\"]", "metadata \"vocab\" has 2 entries, but embedding.weight has 5 rows"),
        ("vocab", "[\"a\",\"b\",\"c\",\"b\",\"d\"]", "metadata \"vocab\" lists \"b\" twice (at 1 and 3)"),
        ("labels", "[\"a\",\"b\",\"c\",\"d\",\"e\"]", "\"labels\" is for task \"classify\" only"),
        ("unk", "<UNK>", "metadata \"unk\" is \"<UNK>\", which is not in the vocabulary"),
        ("lowercase", "yes", "metadata \"lowercase\" is \"yes\"; expected \"true\" or \"false\""),
        ("lowercase", "True", "metadata \"lowercase\" is \"True\""),
        ("description", "two\nlines", "metadata \"description\" must be one line"),
        ("description", "bell\u{7}", "without control characters"),
    ] as [(String, String?, String)])
    func badMetadataValue(key: String, value: String?, problem: String) {
        expectRefused(editedModelFile { _, metadata in metadata[key] = value }, problem)
    }

    @Test func classifierMetadata() {
        let classifier = smallClassifier()
        expectRefused(editedModelFile(classifier) { _, metadata in metadata["labels"] = nil },
                      "metadata has no \"labels\", which task \"classify\" needs")
        expectRefused(editedModelFile(classifier) { _, metadata in metadata["labels"] = "[\"yes\"]" },
                      "metadata \"labels\" has 1 entry, but head.weight has 2 rows")
        expectRefused(editedModelFile(classifier) { _, metadata in metadata["labels"] = "[\"yes\",\"yes\"]" },
                      "metadata \"labels\" lists \"yes\" twice")
        expectRefused(editedModelFile(classifier) { _, metadata in metadata["labels"] = "yes,no" },
                      "metadata \"labels\" is not valid JSON")
    }

    @Test func languageModelNeedsOneOutputPerWord() {
        expectRefused(editedModelFile(smallClassifier()) { _, metadata in metadata["task"] = "lm"; metadata["labels"] = nil },
                      "task \"lm\" needs one head output per vocabulary word", "head.weight has 2 rows, embedding.weight has 4")
    }

    @Test func vocabularyEntriesAreComparedScalarByScalar() throws {
        // "é" precomposed and decomposed are distinct entries, as in Python.
        let model = smallModel(vocabulary: ["<unk>", "\u{E9}", "e\u{301}", "x", "y"])
        #expect(model.id(of: "\u{E9}") == 1 && model.id(of: "e\u{301}") == 2)
        #expect(try Model.load(data: model.encoded(), path: "p").vocabulary == model.vocabulary)
    }

    @Test func extraMetadataKeysAreIgnored() throws {
        let bytes = editedModelFile { _, metadata in metadata["format"] = "pt"; metadata["author"] = "me" }
        #expect(try Model.load(data: Data(bytes), path: "p").task == .lm)
    }
}
