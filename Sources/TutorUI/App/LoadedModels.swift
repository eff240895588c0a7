import Foundation
import ModelFile
import RNNCore
import Trace

/// The models the tutor opened, each with its packed head (packed once: every trace reuses it).
/// Loaded once and never changed, so two values are equal when they come from the same load.
public struct LoadedModels: Equatable, Sendable, RandomAccessCollection {
    public typealias Element = (model: Model, head: PackedMatrix)
    private let entries: [Element]
    private let loadID = UUID()

    public init(_ models: [Model]) { entries = models.map { ($0, $0.network.packedHead()) } }

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(index: Int) -> Element { entries[index] }

    public static func == (a: LoadedModels, b: LoadedModels) -> Bool { a.loadID == b.loadID }
}
