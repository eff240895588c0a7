import Foundation
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
    private let loadID = UUID()

    public init(_ models: [Model], names: [String?] = []) {
        entries = models.map { ($0, $0.network.packedHead()) }
        self.names = models.indices.map { names.indices.contains($0) ? names[$0] : nil }
    }

    private init(entries: [Element], names: [String?]) {
        self.entries = entries
        self.names = names
    }

    /// These models and one more (a lesson's `model:`), as a new load.
    func adding(_ model: Model, name: String) -> LoadedModels {
        LoadedModels(entries: entries + [(model, model.network.packedHead())], names: names + [name])
    }

    /// The model loaded under `name`.
    func index(named name: String) -> Int? { names.firstIndex { $0 == name } }

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(index: Int) -> Element { entries[index] }

    public static func == (a: LoadedModels, b: LoadedModels) -> Bool { a.loadID == b.loadID }
}

/// The lesson's traces: derived from the models and the inputs below, so two values are
/// equal when the same inputs made them.
public struct LessonTraces: Equatable, Sendable {
    /// What the traces were computed from.
    public struct Inputs: Equatable, Sendable {
        public var sentence: String
        public var modelIndex: Int
        public var lossWord: Int?
        public var whhScale: Float
        public var overlay: Bool
    }
    public var inputs: Inputs? = nil
    /// The current cell's trace (nil when it could not be computed: `error` says why).
    public var current: SentenceTrace? = nil
    public var error: String? = nil
    /// One trace per loaded model, for the overlay (empty when not overlaid).
    public var overlay: [SentenceTrace] = []

    public static func == (a: LessonTraces, b: LessonTraces) -> Bool { a.inputs == b.inputs && a.error == b.error }
}
