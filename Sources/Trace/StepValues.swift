/// One step's values (a unit's h, c, a gate, …), read in place from the trace's records:
/// a trace of T steps hands out views instead of copying some 8·T small arrays. Index 0 is the
/// first unit, as in an array; `Array(values)` makes a copy where one is wanted.
public struct StepValues: RandomAccessCollection, Sendable, CustomStringConvertible {
    let storage: [Float]
    let offset: Int
    public let count: Int

    /// `storage[offset ..< offset + count]`.
    public init(_ storage: [Float], offset: Int, count: Int) {
        precondition(offset >= 0 && count >= 0 && offset + count <= storage.count, "a step's values lie inside its record")
        self.storage = storage
        self.offset = offset
        self.count = count
    }

    /// Values held by themselves (a test's or a caller's own numbers).
    public init(_ values: [Float]) { self.init(values, offset: 0, count: values.count) }

    /// Values `from ..< from + count` of these, as a view of the same record.
    func block(_ from: Int, count: Int) -> StepValues {
        precondition(from >= 0 && from + count <= self.count, "a block lies inside its step's values")
        return StepValues(storage, offset: offset + from, count: count)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(i: Int) -> Float {
        precondition(i >= 0 && i < count, "index \(i) is outside the step's \(count) values")
        return storage[offset + i]
    }
    public var description: String { Array(self).description }
}

extension StepValues: Equatable {
    public static func == (a: StepValues, b: StepValues) -> Bool { a.elementsEqual(b) }
}
