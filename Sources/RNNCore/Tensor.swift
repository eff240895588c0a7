/// A dense array of Float32 values with a shape, stored row-major (the last
/// index varies fastest), exactly as PyTorch and safetensors lay tensors out.
public struct Tensor: Equatable, Sendable {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "tensor shape \(shape) does not match \(values.count) values")
        self.shape = shape
        self.values = values
    }

    public init(zeros shape: [Int]) {
        self.init(shape: shape, values: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    public var count: Int { values.count }

    /// Element (row, column) of a matrix.
    public subscript(row: Int, column: Int) -> Float {
        get { values[row * shape[1] + column] }
        set { values[row * shape[1] + column] = newValue }
    }

    /// True when no element is NaN or infinite.
    public var isFinite: Bool { values.allSatisfy { $0.isFinite } }
}
