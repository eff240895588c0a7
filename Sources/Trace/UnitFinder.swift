import Foundation
import ModelFile
import RNNCore
import Synchronization

/// How selectively one hidden unit follows a marked span of a sentence.
public struct UnitScore: Sendable, Equatable {
    public var unit: Int
    /// (mean over the span − mean outside it) / the unit's standard deviation over the sentence (0 for a constant unit).
    public var score: Float
    public var meanInside: Float
    public var meanOutside: Float
    public var standardDeviation: Float
}

public enum UnitSearchError: Error, Equatable, CustomStringConvertible {
    case badSpan(lower: Int, upper: Int, steps: Int)
    case unitOutOfRange(Int, units: Int)
    case layerOutOfRange(Int, layers: Int)
    case unreadable(String)
    case nothingToSearch(String)

    public var description: String {
        switch self {
        case .badSpan(let a, let b, let steps):
            "--span \(a):\(b) does not fit the \(steps) steps: give A:B with 0 ≤ A < B ≤ \(steps) (0-based, B excluded) and at least one step outside it"
        case .unitOutOfRange(let u, let units): "--unit \(u) is outside 0…\(units - 1)"
        case .layerOutOfRange(let k, let layers): "--layer \(k) is outside 0…\(layers - 1)"
        case .unreadable(let path): "\(path): cannot read the file"
        case .nothingToSearch(let path): "\(path): no line of the file has a word to search"
        }
    }
}

/// Find the unit: rank units by a span, then search a text for where a unit is most active.
public enum UnitFinder {
    /// Every unit of `layer` ranked by |score|, strongest first (ties: lower unit first).
    /// A positive score means the unit is higher inside the span, a negative one lower.
    public static func rank(_ trace: SentenceTrace, layer: Int, span: Range<Int>) throws(UnitSearchError) -> [UnitScore] {
        let steps = trace.steps.count, h = trace.hiddenSize
        guard layer >= 0 && layer < trace.layers else { throw .layerOutOfRange(layer, layers: trace.layers) }
        guard span.lowerBound >= 0, span.upperBound <= steps, !span.isEmpty, span.count < steps else {
            throw .badSpan(lower: span.lowerBound, upper: span.upperBound, steps: steps)
        }
        let hidden = trace.forward.layers[layer].hidden
        let scores = (0..<h).map { u -> UnitScore in
            var inside = 0.0, outside = 0.0, sum = 0.0, squares = 0.0
            for t in 0..<steps {
                let x = Double(hidden[t * h + u])
                if span.contains(t) { inside += x } else { outside += x }
                sum += x
                squares += x * x
            }
            let mean = sum / Double(steps)
            let sd = max(squares / Double(steps) - mean * mean, 0).squareRoot()
            let meanInside = inside / Double(span.count), meanOutside = outside / Double(steps - span.count)
            let score = sd > 1e-12 ? (meanInside - meanOutside) / sd : 0
            return UnitScore(unit: u, score: Float(score), meanInside: Float(meanInside), meanOutside: Float(meanOutside),
                             standardDeviation: Float(sd))
        }
        return scores.sorted { abs($0.score) > abs($1.score) || (abs($0.score) == abs($1.score) && $0.unit < $1.unit) }
    }
}

/// One place in the searched text where a unit is most active: the whole
/// line, the unit's value at every word, and the word where it peaks.
public struct UnitContext: Sendable, Equatable {
    /// 0-based line of the searched file.
    public var line: Int
    public var tokens: [String]
    public var values: [Float]
    public var peak: Int
    public var peakValue: Float { values[peak] }
}

/// Every unit's value at every word of a text, for one model and layer:
/// computed once (the layers only, sentences of equal length in one batch),
/// then any unit's contexts are a scan.
public struct ActivationIndex: Sendable {
    public let hiddenSize: Int
    /// Per searched line: its line number, tokens and offset (in words) into `values`.
    public let lines: [(number: Int, tokens: [String], offset: Int)]
    /// [words, H], line after line.
    let values: [Float]

    public init(model: Model, lines text: [String], layer: Int, whhScale: Float = 1) {
        let h = model.architecture.hiddenSize
        var tokenized: [(number: Int, tokens: [Token])] = []
        for (number, line) in text.enumerated() {
            guard let tokens = try? model.tokenize(line), !tokens.isEmpty else { continue }
            tokenized.append((number, tokens))
        }
        var offsets: [Int] = [], total = 0
        for entry in tokenized { offsets.append(total); total += entry.tokens.count }
        var values = [Float](repeating: 0, count: total * h)
        // Lines of the same length go through together, as one batch.
        let byLength = Dictionary(grouping: tokenized.indices) { tokenized[$0].tokens.count }
        for length in byLength.keys.sorted() {
            let members = byLength[length]!
            let records = model.network.layerRecords(tokens: members.map { tokenized[$0].tokens.map(\.id) }, whhScale: whhScale)
            let hidden = records[layer].hidden, batch = members.count
            for (b, index) in members.enumerated() {
                for t in 0..<length {
                    let from = (t * batch + b) * h, to = (offsets[index] + t) * h
                    for u in 0..<h { values[to + u] = hidden[from + u] }
                }
            }
        }
        hiddenSize = h
        lines = tokenized.enumerated().map { (i, entry) in (entry.number, entry.tokens.map(\.text), offsets[i]) }
        self.values = values
    }

    /// The `count` lines where `unit` reaches its highest value (or, with
    /// `highest` false, its lowest), one context per line, strongest first
    /// (ties: earlier line first).
    public func contexts(unit: Int, highest: Bool = true, count: Int = 10) -> [UnitContext] {
        let h = hiddenSize, sign: Float = highest ? 1 : -1
        var peaks: [(index: Int, step: Int, value: Float)] = []
        peaks.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            var best = 0, bestValue = -Float.infinity
            for t in 0..<line.tokens.count {
                let v = sign * values[(line.offset + t) * h + unit]
                if v > bestValue { bestValue = v; best = t }
            }
            peaks.append((index, best, bestValue))
        }
        let chosen = peaks.sorted { $0.value > $1.value || ($0.value == $1.value && $0.index < $1.index) }.prefix(count)
        return chosen.map { peak in
            let line = lines[peak.index]
            return UnitContext(line: line.number, tokens: line.tokens,
                               values: (0..<line.tokens.count).map { values[(line.offset + $0) * h + unit] },
                               peak: peak.step)
        }
    }
}

/// Searches kept per model, layer and unit, safe to use from a worker thread:
/// the activation index of a model and layer is built once, then each unit's
/// contexts once.
public final class UnitSearchCache: Sendable {
    public struct Key: Hashable, Sendable {
        /// Names the model (its path) and the searched text (its path).
        public var model: String
        public var text: String
        public var layer: Int
        public init(model: String, text: String, layer: Int) {
            self.model = model
            self.text = text
            self.layer = layer
        }
    }

    private struct UnitKey: Hashable { var index: Key; var unit: Int; var highest: Bool; var count: Int }
    private let indexes = Mutex<[Key: ActivationIndex]>([:])
    private let found = Mutex<[UnitKey: [UnitContext]]>([:])

    public init() {}

    /// The contexts of one unit, computed on first use. `lines` is read only when the index is not built yet.
    public func contexts(model: Model, key: Key, lines: () throws -> [String], unit: Int, highest: Bool,
                         count: Int = 10) rethrows -> [UnitContext] {
        let unitKey = UnitKey(index: key, unit: unit, highest: highest, count: count)
        if let known = found.withLock({ $0[unitKey] }) { return known }
        let index: ActivationIndex
        if let built = indexes.withLock({ $0[key] }) {
            index = built
        } else {
            index = ActivationIndex(model: model, lines: try lines(), layer: key.layer)
            indexes.withLock { $0[key] = index }
        }
        let result = index.contexts(unit: unit, highest: highest, count: count)
        found.withLock { $0[unitKey] = result }
        return result
    }
}
