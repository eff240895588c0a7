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
        let count = shape.reduce(1, *)
        // A large tensor (a gradient's embedding) is cleared on the worker pool.
        self.init(shape: shape, values: count < 1 << 16 ? [Float](repeating: 0, count: count) : arrayWritten(count: count) { out in
            inPieces(count) { range in (out! + range.lowerBound).initialize(repeating: 0, count: range.count) }
        })
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
