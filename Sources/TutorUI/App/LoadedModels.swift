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
    /// Each model's name (its file's, without `.safetensors`), where known.
    public let names: [String?]
    /// Each model file's hash (`LabModel.fileHash`), as lab task answers log it; empty when not given.
    private let hashes: [FileHash]
    private let loadID = UUID()

    public init(_ models: [Model], names: [String?] = [], hashes: [FileHash] = []) {
        entries = models.map { ($0, $0.network.packedHead()) }
        self.names = models.indices.map { names.indices.contains($0) ? names[$0] : nil }
        self.hashes = hashes
    }

    private init(entries: [Element], names: [String?], hashes: [FileHash]) {
        self.entries = entries
        self.names = names
        self.hashes = hashes
    }

    /// These models and one more (a lesson's `model:`), as a new load.
    func adding(_ model: Model, name: String) -> LoadedModels {
        LoadedModels(entries: entries + [(model, model.network.packedHead())], names: names + [name], hashes: hashes)
    }

    /// The models as lab tasks run on them (the first of each cell, as the tutor's keys choose them).
    var lab: LabModels {
        LabModels(entries.indices.map { i in
            LabModel(model: entries[i].model, path: "", fileHash: hashes.indices.contains(i) ? hashes[i] : FileHash(known: "unhashed"))
        })
    }

    /// The models the overlay draws: one per cell (`current` for its own cell), so a second
    /// LSTM loaded for a lesson does not crowd the comparison of the three cells.
    func overlaid(around current: Int) -> [Int] {
        var byCell: [CellKind: Int] = [:]
        for i in indices where byCell[self[i].model.cell] == nil { byCell[self[i].model.cell] = i }
        if indices.contains(current) { byCell[self[current].model.cell] = current }
        return byCell.values.sorted()
    }

    /// The model loaded under `name`.
    func index(named name: String) -> Int? { names.firstIndex { $0 == name } }

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(index: Int) -> Element { entries[index] }

    public static func == (a: LoadedModels, b: LoadedModels) -> Bool { a.loadID == b.loadID }
}
