/// The three recurrent cells, with PyTorch's gate order.
public enum CellKind: String, CaseIterable, Sendable, Codable {
    case rnn, lstm, gru

    /// How many blocks of H rows the weight matrices stack (PyTorch's G).
    public var gateCount: Int {
        switch self {
        case .rnn: 1
        case .lstm: 4
        case .gru: 3
        }
    }

    /// Names of the recorded blocks, in row order. The plain RNN has no gates;
    /// its record is the pre-activation `a` that goes into tanh.
    public var gateNames: [String] {
        switch self {
        case .rnn: Self.rnnNames
        case .lstm: Self.lstmNames
        case .gru: Self.gruNames
        }
    }
    // Made once: a trace names its gates at every step.
    private static let rnnNames = ["a"], lstmNames = ["i", "f", "g", "o"], gruNames = ["r", "z", "n"]

    public var displayName: String {
        switch self {
        case .rnn: "RNN"
        case .lstm: "LSTM"
        case .gru: "GRU"
        }
    }
}

/// What the plain RNN applies to its pre-activation (PyTorch's `nonlinearity`).
/// The gated cells always use tanh and the sigmoid.
public enum Nonlinearity: String, CaseIterable, Sendable, Codable {
    case tanh, relu
}

/// The sizes that fix every tensor shape of a network.
public struct Architecture: Equatable, Sendable {
    public var cell: CellKind
    /// E: the size of each step's input vector (the embedding width for a language model).
    public var inputSize: Int
    /// H: units per layer.
    public var hiddenSize: Int
    /// L: stacked layers; layer k > 0 reads layer k−1's hidden states.
    public var layerCount: Int
    /// C: head outputs (the vocabulary for a language model, classes, or regression values).
    public var outputSize: Int
    /// V when the inputs are token ids looked up in an embedding; nil when inputs are raw vectors.
    public var vocabularySize: Int?
    /// tanh, or relu for a plain RNN trained with `nonlinearity="relu"`.
    public var nonlinearity: Nonlinearity

    public init(cell: CellKind, inputSize: Int, hiddenSize: Int, layerCount: Int = 1,
                outputSize: Int, vocabularySize: Int? = nil, nonlinearity: Nonlinearity = .tanh) {
        precondition(inputSize > 0 && hiddenSize > 0 && layerCount > 0 && outputSize > 0)
        precondition(cell == .rnn || nonlinearity == .tanh, "only the plain RNN can use relu")
        self.cell = cell
        self.nonlinearity = nonlinearity
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.layerCount = layerCount
        self.outputSize = outputSize
        self.vocabularySize = vocabularySize
    }

    /// G·H: rows of each layer's weight matrices.
    public var gateRows: Int { cell.gateCount * hiddenSize }

    /// Input width of layer k.
    public func layerInputSize(_ k: Int) -> Int { k == 0 ? inputSize : hiddenSize }

    /// Every parameter tensor with its PyTorch `state_dict` name and shape, in PyTorch's order.
    public var parameterShapes: [(name: String, shape: [Int])] {
        var shapes: [(String, [Int])] = []
        if let v = vocabularySize { shapes.append(("embedding.weight", [v, inputSize])) }
        for k in 0..<layerCount {
            shapes.append(("rnn.weight_ih_l\(k)", [gateRows, layerInputSize(k)]))
            shapes.append(("rnn.weight_hh_l\(k)", [gateRows, hiddenSize]))
            shapes.append(("rnn.bias_ih_l\(k)", [gateRows]))
            shapes.append(("rnn.bias_hh_l\(k)", [gateRows]))
        }
        shapes.append(("head.weight", [outputSize, hiddenSize]))
        shapes.append(("head.bias", [outputSize]))
        return shapes
    }

    public var parameterCount: Int {
        parameterShapes.reduce(0) { $0 + $1.shape.reduce(1, *) }
    }
}
