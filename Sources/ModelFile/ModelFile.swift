import Foundation
import RNNCore

// The model file contract (spec/model-and-trace.md, section 1): a safetensors
// file holding the state_dict of Embedding → RNN/LSTM/GRU → Linear, with the
// vocabulary and task in its `__metadata__`.

/// What the head's outputs mean.
public enum ModelTask: String, Sendable, CaseIterable {
    /// Next-token model: one output per vocabulary word.
    case lm
    /// One output per label.
    case classify
}

/// A model file that cannot be used (or saved), as one line naming the file and the problem.
public struct ModelFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var message: String { "\(escapingLineBreaks(path)): \(problem)" }
    public var description: String { message }
}

/// "1 row", "5 rows".
func counted(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
}

/// A reason without a path; `Model.load` adds the path.
struct ModelProblem: Error {
    let text: String
    init(_ text: String) { self.text = text }
}

/// A network together with what its inputs and outputs mean.
public struct Model: Sendable {
    public static let defaultUnknownToken = "<unk>"

    public private(set) var network: RecurrentNetwork
    public let task: ModelTask
    /// Index = token id.
    public let vocabulary: [String]
    /// Index = head output; for `lm` the vocabulary itself.
    public let labels: [String]
    /// The entry unknown words map to (it may be missing from the vocabulary
    /// when the file did not name one: then unknown words are an error).
    public let unknownToken: String
    public let unknownID: Int?
    /// Whether text is lowercased before lookup.
    public let lowercase: Bool
    /// How text is split into words.
    public let tokenizer: TokenizerRule
    /// The vocabulary entry that ends a sentence (PyTorch's example appends
    /// `<eos>` to every line), if the model has one. It is never added to traced text.
    public let endOfSentence: String?
    public let endOfSentenceID: Int?
    /// One line to show the user.
    public let description: String?

    /// Vocabulary ids by the word's exact Unicode scalars (UTF-8), as Python's
    /// dict would match them: Swift's String equality would also merge
    /// canonically equivalent spellings.
    let idsByWord: [WordBytes: Int]

    public var architecture: Architecture { network.architecture }
    public var cell: CellKind { network.architecture.cell }
    public var nonlinearity: Nonlinearity { network.architecture.nonlinearity }

    /// The weights; new weights must keep every shape (a trained copy, a scaled W_hh).
    public var parameters: Parameters {
        get { network.parameters }
        set {
            precondition(newValue.named.map(\.tensor.shape) == network.parameters.named.map(\.tensor.shape),
                         "new parameters must keep the model's shapes")
            network.parameters = newValue
        }
    }

    /// A model made in memory (to train, or to ship). `labels` is for `classify`
    /// only; `unknownToken` nil means "<unk>" if the vocabulary has it.
    public init(network: RecurrentNetwork, task: ModelTask, vocabulary: [String], labels: [String]? = nil,
                unknownToken: String? = nil, lowercase: Bool = false, tokenizer: TokenizerRule = .words,
                endOfSentence: String? = nil, description: String? = nil) throws(ModelFileError) {
        do {
            try self.init(validating: network, task: task, vocabulary: vocabulary, labels: labels,
                          unknownToken: unknownToken, lowercase: lowercase, tokenizer: tokenizer,
                          endOfSentence: endOfSentence, description: description)
        } catch {
            throw ModelFileError(path: "(new model)", problem: error.text)
        }
    }

    private init(validating network: RecurrentNetwork, task: ModelTask, vocabulary: [String], labels: [String]?,
                 unknownToken: String?, lowercase: Bool, tokenizer: TokenizerRule, endOfSentence: String?,
                 description: String?) throws(ModelProblem) {
        let a = network.architecture
        guard let v = a.vocabularySize else { throw ModelProblem("the network has no embedding.weight") }
        let idsByWord = try Self.distinctIDs(vocabulary, key: "vocab", expectedCount: v,
                                             countSource: "embedding.weight has \(counted(v, "row"))")

        let outputLabels: [String]
        switch task {
        case .lm:
            guard labels == nil else {
                throw ModelProblem("metadata \"labels\" is for task \"classify\" only; an \"lm\" model's labels are its vocabulary")
            }
            guard a.outputSize == v else {
                throw ModelProblem("task \"lm\" needs one head output per vocabulary word: head.weight has \(counted(a.outputSize, "row")), embedding.weight has \(v)")
            }
            outputLabels = vocabulary
        case .classify:
            guard let labels else { throw ModelProblem("metadata has no \"labels\", which task \"classify\" needs") }
            _ = try Self.distinctIDs(labels, key: "labels", expectedCount: a.outputSize,
                                   countSource: "head.weight has \(counted(a.outputSize, "row"))")
            outputLabels = labels
        }

        let unknownID: Int?
        if let unknownToken {
            guard let id = idsByWord[WordBytes(unknownToken)] else {
                throw ModelProblem("metadata \"unk\" is \(quoted(unknownToken)), which is not in the vocabulary")
            }
            unknownID = id
        } else {
            unknownID = idsByWord[WordBytes(Self.defaultUnknownToken)]
        }
        var endOfSentenceID: Int? = nil
        if let endOfSentence {
            guard let id = idsByWord[WordBytes(endOfSentence)] else {
                throw ModelProblem("metadata \"eos\" is \(quoted(endOfSentence)), which is not in the vocabulary")
            }
            endOfSentenceID = id
        }
        // It is printed on the terminal: no line breaks, no escape sequences.
        if let description, description.unicodeScalars.contains(where: { [.control, .lineSeparator, .paragraphSeparator].contains($0.properties.generalCategory) }) {
            throw ModelProblem("metadata \"description\" must be one line of text, without control characters")
        }

        self.network = network
        self.task = task
        self.vocabulary = vocabulary
        self.labels = outputLabels
        self.unknownToken = unknownToken ?? Self.defaultUnknownToken
        self.unknownID = unknownID
        self.lowercase = lowercase
        self.tokenizer = tokenizer
        self.endOfSentence = endOfSentence
        self.endOfSentenceID = endOfSentenceID
        self.description = description
        self.idsByWord = idsByWord
    }

    /// `count` strings, no two the same (compared scalar by scalar, as Python would).
    /// Each string's index, by its exact bytes; a string listed twice is an error.
    private static func distinctIDs(_ strings: [String], key: String, expectedCount: Int,
                                    countSource: String) throws(ModelProblem) -> [WordBytes: Int] {
        guard strings.count == expectedCount else {
            throw ModelProblem("metadata \"\(key)\" has \(counted(strings.count, "entry", "entries")), but \(countSource)")
        }
        var ids: [WordBytes: Int] = [:]
        ids.reserveCapacity(strings.count)
        for (i, s) in strings.enumerated() {
            if let earlier = ids.updateValue(i, forKey: WordBytes(s)) {
                throw ModelProblem("metadata \"\(key)\" lists \(quoted(s)) twice (at \(earlier) and \(i))")
            }
        }
        return ids
    }
}

// MARK: - Reading

extension Model {
    public static func load(path: String) throws(ModelFileError) -> Model {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file"
            throw ModelFileError(path: path, problem: reason)
        }
        return try load(data: data, path: path)
    }

    /// Reads a model from the bytes of a file; `path` only names it in messages.
    public static func load(data: Data, path: String) throws(ModelFileError) -> Model {
        do throws(ModelProblem) {
            let file: SafeTensorsFile
            do {
                file = try SafeTensors.read(data)
            } catch {
                throw ModelProblem(error.message)
            }
            return try Model(file)
        } catch {
            throw ModelFileError(path: path, problem: error.text)
        }
    }

    private init(_ file: SafeTensorsFile) throws(ModelProblem) {
        let metadata = file.metadata
        let cell = try Self.readChoice(metadata, "cell", CellKind.self)
        let task = try Self.readChoice(metadata, "task", ModelTask.self)
        var nonlinearity = Nonlinearity.tanh
        if metadata["nonlinearity"] != nil {
            guard cell == .rnn else {
                throw ModelProblem("metadata \"nonlinearity\" is for cell \"rnn\" only (an \(cell.displayName) always uses tanh and the sigmoid)")
            }
            nonlinearity = try Self.readChoice(metadata, "nonlinearity", Nonlinearity.self)
        }
        let tokenizer = metadata["tokenizer"] == nil ? .words : try Self.readChoice(metadata, "tokenizer", TokenizerRule.self)
        var architecture = try Self.inferArchitecture(file.tensors, cell: cell)
        architecture.nonlinearity = nonlinearity

        var tensors: [String: Tensor] = [:]
        for stored in file.tensors { tensors[stored.name] = stored.tensor }
        // Every name and shape was checked above, so the file's tensors are the parameters as they are.
        let parameters = Parameters(
            embedding: tensors["embedding.weight"],
            layers: (0..<architecture.layerCount).map { k in
                LayerParameters(weightIH: tensors["rnn.weight_ih_l\(k)"]!, weightHH: tensors["rnn.weight_hh_l\(k)"]!,
                                biasIH: tensors["rnn.bias_ih_l\(k)"]!, biasHH: tensors["rnn.bias_hh_l\(k)"]!)
            },
            headWeight: tensors["head.weight"]!, headBias: tensors["head.bias"]!)
        for (name, tensor) in parameters.named where !allFinite(tensor.values) {
            if let i = tensor.values.firstIndex(where: { !$0.isFinite }) {
                throw ModelProblem("tensor \(quoted(name)) has a non-finite value (\(tensor.values[i])) at index \(i)")
            }
        }

        let lowercase: Bool
        switch metadata["lowercase"] {
        case nil, "false": lowercase = false
        case "true": lowercase = true
        case let other?: throw ModelProblem("metadata \"lowercase\" is \(quoted(other)); expected \"true\" or \"false\"")
        }
        try self.init(validating: RecurrentNetwork(architecture: architecture, parameters: parameters), task: task,
                      vocabulary: try Self.readStringList(metadata, "vocab"),
                      labels: metadata["labels"] == nil ? nil : try Self.readStringList(metadata, "labels"),
                      unknownToken: metadata["unk"], lowercase: lowercase, tokenizer: tokenizer,
                      endOfSentence: metadata["eos"], description: metadata["description"])
    }

    private static func readChoice<Choice: RawRepresentable & CaseIterable>(
        _ metadata: [String: String], _ key: String, _: Choice.Type
    ) throws(ModelProblem) -> Choice where Choice.RawValue == String {
        let choices = Choice.allCases.map { "\"\($0.rawValue)\"" }
        let expected = choices.dropLast().joined(separator: ", ") + " or " + (choices.last ?? "")
        guard let text = metadata[key] else { throw ModelProblem("metadata has no \"\(key)\" (expected \(expected))") }
        guard let choice = Choice(rawValue: text) else {
            throw ModelProblem("metadata \"\(key)\" is \(quoted(text)); expected \(expected)")
        }
        return choice
    }

    private static func readStringList(_ metadata: [String: String], _ key: String) throws(ModelProblem) -> [String] {
        guard let text = metadata[key] else { throw ModelProblem("metadata has no \"\(key)\"") }
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw ModelProblem("metadata \"\(key)\" is not valid JSON: \(error.message)")
        }
        guard case .array(let elements) = value else {
            throw ModelProblem("metadata \"\(key)\" is \(value.kindName), not a JSON array of strings")
        }
        var strings: [String] = []
        for element in elements {
            guard case .string(let s) = element else {
                throw ModelProblem("metadata \"\(key)\" holds \(element.kindName), not only strings")
            }
            strings.append(s)
        }
        return strings
    }

    /// The sizes follow from the tensors: V, E from the embedding, H from
    /// W_hh's columns, L from the layer numbers, C from the head. Every shape
    /// is then checked against what those sizes (and the cell) demand.
    private static func inferArchitecture(_ stored: [StoredTensor], cell: CellKind) throws(ModelProblem) -> Architecture {
        var shapes: [String: [Int]] = [:]
        var layerCount = 0
        for tensor in stored {
            if let k = layerNumber(tensor.name) {
                layerCount = max(layerCount, k + 1)
            } else if !["embedding.weight", "head.weight", "head.bias"].contains(tensor.name) {
                throw ModelProblem("unexpected tensor \(quoted(tensor.name))\(hint(unexpected: tensor.name))")
            }
            shapes[tensor.name] = tensor.tensor.shape
        }
        func require(_ name: String) throws(ModelProblem) {
            guard shapes[name] == nil else { return }
            let hint = name.contains("bias") ? " (PyTorch's bias=False drops it; the tutor needs the biases)" : ""
            throw ModelProblem("missing tensor \(quoted(name))\(hint)")
        }
        try require("embedding.weight")
        // Layer by layer, stopping at the first gap: a huge layer number costs nothing.
        for k in 0..<max(layerCount, 1) {
            for part in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"] { try require("rnn.\(part)_l\(k)") }
        }
        try require("head.weight")
        try require("head.bias")

        // The sizes come from matrices with no zero dimension, so each size is at
        // most the file's length and products of them cannot overflow.
        func matrixShape(_ name: String) throws(ModelProblem) -> (rows: Int, columns: Int) {
            guard let shape = shapes[name], shape.count == 2, shape[0] >= 1, shape[1] >= 1 else {
                throw ModelProblem("tensor \(quoted(name)) has shape \(shapes[name] ?? []), expected two sizes of at least 1")
            }
            return (shape[0], shape[1])
        }
        let embedding = try matrixShape("embedding.weight")
        let recurrent = try matrixShape("rnn.weight_hh_l0")
        let head = try matrixShape("head.weight")
        let hidden = recurrent.columns
        if recurrent.rows != cell.gateCount * hidden {
            if let fitting = CellKind.allCases.first(where: { $0.gateCount * hidden == recurrent.rows }) {
                throw ModelProblem("metadata cell \"\(cell.rawValue)\" disagrees with the tensor shapes: \"rnn.weight_hh_l0\" has shape [\(recurrent.rows), \(hidden)], expected [\(cell.gateCount * hidden), \(hidden)] (its \(recurrent.rows) rows fit cell \"\(fitting.rawValue)\")")
            }
        }
        let architecture = Architecture(cell: cell, inputSize: embedding.columns, hiddenSize: hidden,
                                        layerCount: layerCount, outputSize: head.rows,
                                        vocabularySize: embedding.rows)
        for (name, expected) in architecture.parameterShapes where shapes[name] != expected {
            throw ModelProblem("tensor \(quoted(name)) has shape \(shapes[name] ?? []), expected \(expected)")
        }
        return architecture
    }

    /// k for `rnn.{weight,bias}_{ih,hh}_l{k}` (k written plainly, as PyTorch does), else nil.
    private static func layerNumber(_ name: String) -> Int? {
        for prefix in ["rnn.weight_ih_l", "rnn.weight_hh_l", "rnn.bias_ih_l", "rnn.bias_hh_l"] where name.hasPrefix(prefix) {
            let digits = name.utf8.dropFirst(prefix.utf8.count)
            guard (1...6).contains(digits.count), digits.allSatisfy({ (48...57).contains($0) }),
                  digits.count == 1 || digits.first != UInt8(ascii: "0") else { return nil }
            return Int(String(decoding: digits, as: UTF8.self))
        }
        return nil
    }

    private static func hint(unexpected name: String) -> String {
        if name.hasSuffix("_reverse") { return " (a bidirectional RNN; the tutor runs one direction only)" }
        if name.contains("weight_hr") { return " (an LSTM with proj_size; the tutor has no projection)" }
        return " (only the tensors of Embedding → RNN/LSTM/GRU → Linear may appear)"
    }
}

// MARK: - Writing

extension Model {
    /// The file's bytes, weights as F32. Non-finite weights are written as they
    /// are (such a file will not load); `save` and `encoded(as:)` refuse them.
    public func encoded() -> Data {
        Data(SafeTensors.write(parameters.named, metadata: metadata, as: .f32))
    }

    /// The file's bytes, weights as `dtype`. Refuses weights that would not load
    /// back: non-finite ones, or ones beyond F16's range.
    public func encoded(as dtype: SafeTensorsDType, path: String = "(new model)") throws(ModelFileError) -> Data {
        for (name, tensor) in parameters.named {
            for (i, value) in tensor.values.enumerated() where !storedValue(value, as: dtype).isFinite {
                throw ModelFileError(path: path, problem: "tensor \(quoted(name)) has value \(value) at index \(i), which \(dtype.rawValue) cannot store as a finite number")
            }
        }
        return Data(SafeTensors.write(parameters.named, metadata: metadata, as: dtype))
    }

    /// Writes the file (replacing it atomically).
    public func save(to path: String, as dtype: SafeTensorsDType = .f32) throws(ModelFileError) {
        let data = try encoded(as: dtype, path: path)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ModelFileError(path: path, problem: "cannot write the file")
        }
    }

    /// The `__metadata__` this model is saved with.
    var metadata: [String: String] {
        var metadata = [
            "cell": cell.rawValue,
            "task": task.rawValue,
            "vocab": jsonArray(vocabulary),
            "lowercase": lowercase ? "true" : "false",
        ]
        if task == .classify { metadata["labels"] = jsonArray(labels) }
        if unknownID != nil { metadata["unk"] = unknownToken }
        // Written only when they differ from what a file without them means.
        if nonlinearity != .tanh { metadata["nonlinearity"] = nonlinearity.rawValue }
        if tokenizer != .words { metadata["tokenizer"] = tokenizer.rawValue }
        if let endOfSentence { metadata["eos"] = endOfSentence }
        if let description { metadata["description"] = description }
        return metadata
    }

    private func storedValue(_ value: Float, as dtype: SafeTensorsDType) -> Float {
        switch dtype {
        case .f32: value
        case .f16: float(fromFloat16Bits: float16Bits(value))
        case .bf16: float(fromBFloat16Bits: bfloat16Bits(value))
        }
    }
}

/// Whether every value is finite, in one pass the compiler vectorises (an exponent of all
/// ones, infinity or NaN, carries into the top bit); a model's megabytes are checked on every load.
func allFinite(_ values: [Float]) -> Bool {
    values.withUnsafeBufferPointer { buffer in
        var carries: UInt32 = 0
        for value in buffer { carries |= ((value.bitPattern & 0x7F80_0000) &+ 0x0080_0000) & 0x8000_0000 }
        return carries == 0
    }
}

/// A word as its exact UTF-8 bytes, as Python's dict would match it (Swift's String equality
/// would also merge canonically equivalent spellings), hashed in one call rather than byte by byte.
struct WordBytes: Hashable {
    let bytes: [UInt8]
    init(_ word: String) { bytes = Array(word.utf8) }
    func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
}
