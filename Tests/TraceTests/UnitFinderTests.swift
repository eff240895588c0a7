import Foundation
import ModelFile
import RNNCore
import Testing
@testable import Trace

@Suite struct UnitFinderTests {
    static let lstm = { try! Model.load(path: ShippedModelTests.modelDirectory.appendingPathComponent("lstm.safetensors").path) }()

    /// The score of each unit, recomputed here from the trace's own h_t.
    @Test func scoresAreTheDefinition() throws {
        let trace = try SentenceTrace.compute(model: Self.lstm, input: .text("he said \" i am quite sure of it \" and left ."))
        let span = 3..<9
        let ranking = try UnitFinder.rank(trace, layer: 0, span: span)
        #expect(ranking.count == 128)
        #expect(zip(ranking, ranking.dropFirst()).allSatisfy { abs($0.score) >= abs($1.score) })
        for entry in ranking.prefix(5) + ranking.suffix(2) {
            let values = trace.steps.map { Double($0.hidden[entry.unit]) }
            let inside = span.map { values[$0] }.reduce(0, +) / Double(span.count)
            let outsideSteps = values.indices.filter { !span.contains($0) }
            let outside = outsideSteps.map { values[$0] }.reduce(0, +) / Double(outsideSteps.count)
            let mean = values.reduce(0, +) / Double(values.count)
            let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
            #expect(abs(Double(entry.score) - (inside - outside) / sd) < 1e-4)
        }
    }

    @Test func spansOutOfRangeAreRefused() throws {
        let trace = try SentenceTrace.compute(model: Self.lstm, input: .text("the cat sat ."))
        for span in [0..<4, 2..<2, 3..<5, -1..<2] as [Range<Int>] {
            #expect(throws: UnitSearchError.self) { try UnitFinder.rank(trace, layer: 0, span: span) }
        }
        #expect(throws: UnitSearchError.self) { try UnitFinder.rank(trace, layer: 1, span: 0..<1) }
    }

    /// The batched search gives every line the same values as tracing that line alone.
    @Test func searchedValuesAreEachLinesOwnTrace() throws {
        let lines = ["the cat sat on the mat .", "", "she said \" yes \" .", "a dog ran home .", "i am sure of it ."]
        let index = ActivationIndex(model: Self.lstm, lines: lines, layer: 0)
        #expect(index.lines.map(\.number) == [0, 2, 3, 4])
        let unit = 17
        let found = index.contexts(unit: unit, count: 10)
        #expect(found.count == 4)
        for context in found {
            let trace = try SentenceTrace.compute(model: Self.lstm, input: .text(lines[context.line]))
            for (t, value) in context.values.enumerated() { #expect(abs(value - trace.steps[t].hidden[unit]) < 1e-5) }
            #expect(context.values.max() == context.peakValue)
        }
        #expect(zip(found, found.dropFirst()).allSatisfy { $0.peakValue >= $1.peakValue })
        let lowest = index.contexts(unit: unit, highest: false, count: 1)[0]
        #expect(lowest.values.min() == lowest.peakValue)
    }

    /// The index is built once per key; each unit's contexts once.
    @Test func cacheReturnsTheSameContextsAndReadsTheTextOnce() throws {
        let cache = UnitSearchCache()
        var reads = 0
        let key = UnitSearchCache.Key(model: "lstm", text: "lines", layer: 0)
        let lines = ["the cat sat on the mat .", "a dog ran home ."]
        let first = cache.contexts(model: Self.lstm, key: key, lines: { reads += 1; return lines }, unit: 3, highest: true)
        let second = cache.contexts(model: Self.lstm, key: key, lines: { reads += 1; return lines }, unit: 3, highest: true)
        let other = cache.contexts(model: Self.lstm, key: key, lines: { reads += 1; return lines }, unit: 4, highest: false)
        #expect(first == second && reads == 1 && other.count == 2)
    }
}
