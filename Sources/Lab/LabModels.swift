import Course
import Foundation
import ModelFile
import Synchronization

/// A model tasks run against, with the hash that goes into the learner's answers,
/// so that an answer in the review log says which weights it was checked against.
public struct LabModel: Sendable {
    public var model: Model
    public var path: String
    public var fileHash: FileHash
    /// `fnv1a64:` and 16 hex digits: FNV-1a (64-bit) of the file's bytes.
    public var hash: String { fileHash.value }

    public init(model: Model, path: String, fileHash: FileHash) {
        self.model = model
        self.path = path
        self.fileHash = fileHash
    }

    public init(model: Model, path: String, hash: String) {
        self.init(model: model, path: path, fileHash: FileHash(known: hash))
    }

    /// Reads a model file; its bytes are hashed when an answer first asks for the hash.
    public static func load(path: String) throws(ModelFileError) -> LabModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelFileError(path: path, problem: "cannot read this file")
        }
        return LabModel(model: try Model.load(data: data, path: path), path: path, fileHash: FileHash(of: data))
    }

    /// The task cell this model can stand for.
    public var cell: LabTask.Cell? { LabTask.Cell(rawValue: model.cell.rawValue) }

    public static func fileHash(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        data.withUnsafeBytes { bytes in
            for byte in bytes {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01b3
            }
        }
        return "fnv1a64:" + String(hash, radix: 16).leftPadded(to: 16)
    }
}

/// A model file's hash, worked out the first time it is asked for: only a lab task's answer
/// needs it, and hashing megabytes of weights byte by byte was a tenth of the tutor's start-up.
/// The bytes are the ones the model was read from, so the hash names the weights in use.
public final class FileHash: Sendable {
    private enum State { case pending(Data), known(String) }
    private let state: Mutex<State>

    public init(of data: Data) { state = Mutex(.pending(data)) }
    public init(known hash: String) { state = Mutex(.known(hash)) }

    public var value: String {
        state.withLock { state in
            switch state {
            case .known(let hash): return hash
            case .pending(let data):
                let hash = LabModel.fileHash(data)
                state = .known(hash)   // the bytes are let go once hashed
                return hash
            }
        }
    }
}

/// The models a set of tasks runs against: at most one per cell.
public struct LabModels: Sendable {
    public private(set) var byCell: [LabTask.Cell: LabModel] = [:]

    /// The first model of each cell is kept; later ones of the same cell are returned as left out.
    public init(_ models: [LabModel]) {
        for model in models {
            guard let cell = model.cell, byCell[cell] == nil else { continue }
            byCell[cell] = model
        }
    }

    public subscript(cell: LabTask.Cell) -> LabModel? { byCell[cell] }
    public var isEmpty: Bool { byCell.isEmpty }
}

extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
