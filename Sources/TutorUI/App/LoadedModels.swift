import Foundation
import Lab
import ModelFile
import RNNCore
import Trace

/// The models the tutor opened, each with its packed head (packed once: every trace reuses it).
/// Loaded once and never changed, so two values are equal when they come from the same load.
public struct LoadedModels: Equatable, Sendable, RandomAccessCollection {
    public typealias Element = (model: Model, head: PackedMatrix)
    private let entries: [Element]
    /// Each model file's hash (`LabModel.fileHash`), as lab task answers log it; empty when not given.
    private let hashes: [String]
    private let loadID = UUID()

    public init(_ models: [Model], hashes: [String] = []) {
        entries = models.map { ($0, $0.network.packedHead()) }
        self.hashes = hashes
    }

    /// The models as lab tasks run on them (the first of each cell, as the tutor's keys choose them).
    var lab: LabModels {
        LabModels(entries.indices.map { i in
            LabModel(model: entries[i].model, path: "", hash: hashes.indices.contains(i) ? hashes[i] : "unhashed")
        })
    }

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(index: Int) -> Element { entries[index] }

    public static func == (a: LoadedModels, b: LoadedModels) -> Bool { a.loadID == b.loadID }
}
