import Foundation
import ModelFile
import Synchronization
import Trace

/// Searches the held-out text for a unit's most active contexts on a thread of its own,
/// so a first search of a model (every line through its layers, a few hundred
/// milliseconds) never holds up a key. Searches are cached per model, layer and unit
/// (`UnitSearchCache`); the runtime polls for the answer on the timer beats.
public final class UnitSearchWorker: Sendable {
    private let cache = UnitSearchCache()
    private let text: @Sendable () throws -> [String]
    private let latest = Mutex<UnitSearchAnswer?>(nil)
    private let lineCounts = Mutex<[Int: Int]>([:])

    /// `text`: the lines to search, read on the first search only.
    public init(text: @escaping @Sendable () throws -> [String]) {
        self.text = text
    }

    /// Starts a search; its answer replaces any earlier one not yet polled.
    public func start(_ request: UnitSearchRequest, model: Model) {
        let thread = Thread { [self] in
            let answer = search(request, model: model)
            latest.withLock { $0 = answer }
        }
        thread.start()
    }

    /// The search done on the calling thread (what `start` runs; tests call it directly).
    public func search(_ request: UnitSearchRequest, model: Model) -> UnitSearchAnswer {
        let key = UnitSearchCache.Key(model: "model \(request.model)", text: "held-out", layer: request.layer)
        do {
            var count: Int? = nil
            let contexts = try cache.contexts(model: model, key: key, lines: {
                let lines = try text()
                count = lines.count
                return lines
            }, unit: request.unit, highest: request.highest, count: 8)
            if let count { lineCounts.withLock { $0[request.model] = count } }
            return UnitSearchAnswer(request: request, contexts: contexts, lines: lineCounts.withLock { $0[request.model] ?? 0 })
        } catch {
            return UnitSearchAnswer(request: request, contexts: [], lines: 0, problem: "the held-out text cannot be read: \(error)")
        }
    }

    /// The latest answer, once.
    public func poll() -> UnitSearchAnswer? { latest.withLock { answer in defer { answer = nil }; return answer } }
}
