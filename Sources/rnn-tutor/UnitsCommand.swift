import ArgumentParser
import Foundation
import ModelFile
import RNNCore
import Trace

/// `rnn-tutor units`: find the unit that follows a marked span, and where else it fires.
struct UnitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "units",
        abstract: "Rank hidden units by how selectively they follow a span of a sentence, and search a text for where one fires.",
        discussion: """
            Score of a unit: (mean over the span − mean outside it) / its standard deviation over the sentence; \
            units are listed strongest first, with the sign (negative: lower inside the span). Steps are 0-based \
            and B is excluded: --span 3:6 marks steps 3, 4 and 5. The search runs every line of the text through \
            the model and lists the lines where the unit (by default the best-ranked one) peaks highest, or \
            lowest for a negative score, with its value at every word.
            """)

    @Option(help: "A model file (.safetensors).") var model: String
    @Option(help: "The sentence.") var text: String
    @Option(help: "The marked steps A:B (0-based, B excluded).") var span: String
    @Option(help: "Text to search, one sentence per line (default: the shipped data/corpus/test.txt).") var search: String?
    @Option(help: "The layer to rank (0-based; default: the top one).") var layer: Int?
    @Option(help: "The unit to search for (default: the best-ranked one).") var unit: Int?
    @Option(help: "Units to list.") var top = 10
    @Option(help: "Contexts to list.") var contexts = 10
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let bounds = span.split(separator: ":", omittingEmptySubsequences: false)
        guard bounds.count == 2, let a = Int(bounds[0].trimmingCharacters(in: .whitespaces)),
              let b = Int(bounds[1].trimmingCharacters(in: .whitespaces)) else {
            throw CommandFailure("--span \"\(span)\" is not A:B (two step numbers, e.g. 3:6)")
        }
        guard top >= 1, contexts >= 1 else { throw CommandFailure("--top and --contexts must be at least 1") }
        let loaded: Model
        do { loaded = try Model.load(path: model) } catch { throw CommandFailure(error.message) }
        let trace: SentenceTrace
        do { trace = try SentenceTrace.compute(model: loaded, input: .text(text)) } catch { throw CommandFailure(error.description) }
        let layerIndex = layer ?? trace.layers - 1
        guard a <= b else { throw CommandFailure(UnitSearchError.badSpan(lower: a, upper: b, steps: trace.steps.count).description) }
        let ranking: [UnitScore]
        do { ranking = try UnitFinder.rank(trace, layer: layerIndex, span: a..<b) } catch { throw CommandFailure(error.description) }
        if let unit, unit < 0 || unit >= trace.hiddenSize {
            throw CommandFailure(UnitSearchError.unitOutOfRange(unit, units: trace.hiddenSize).description)
        }
        let chosen = unit.map { u in ranking.first { $0.unit == u }! } ?? ranking[0]

        let searchPath = try search ?? ShippedFiles.heldOutText()
        guard let data = FileManager.default.contents(atPath: searchPath) else {
            throw CommandFailure(UnitSearchError.unreadable(searchPath).description)
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = ActivationIndex(model: loaded, lines: lines, layer: layerIndex)
        guard !index.lines.isEmpty else { throw CommandFailure(UnitSearchError.nothingToSearch(searchPath).description) }
        let found = index.contexts(unit: chosen.unit, highest: chosen.score >= 0, count: contexts)

        if json {
            print(Self.json(trace: trace, layer: layerIndex, span: a..<b, ranking: Array(ranking.prefix(top)),
                            chosen: chosen, searchPath: searchPath, contexts: found))
            return
        }
        let marked = trace.tokens.enumerated().map { (t, word) in
            t == a ? "[" + word + (t == b - 1 ? "]" : "") : t == b - 1 ? word + "]" : word
        }
        print("\(trace.cell.displayName), layer \(layerIndex) of \(trace.layers), span \(a):\(b): \(marked.joined(separator: " "))")
        print(" unit   score   inside  outside      std")
        for s in ranking.prefix(top) {
            print(String(format: "%5d  %+6.2f  %+7.3f  %+7.3f  %7.3f", s.unit, s.score, s.meanInside, s.meanOutside, s.standardDeviation))
        }
        print("")
        print("unit \(chosen.unit) in \(searchPath), where it is \(chosen.score >= 0 ? "highest" : "lowest") (\(index.lines.count) lines):")
        for context in found {
            let words = zip(context.tokens, context.values).enumerated().map { (t, pair) in
                let text = "\(pair.0)(\(String(format: "%+.2f", pair.1)))"
                return t == context.peak ? "*" + text + "*" : text
            }
            print(String(format: "%5d  %+.3f  ", context.line + 1, context.peakValue) + words.joined(separator: " "))
        }
    }

    static func json(trace: SentenceTrace, layer: Int, span: Range<Int>, ranking: [UnitScore], chosen: UnitScore,
                     searchPath: String, contexts: [UnitContext]) -> String {
        func string(_ s: String) -> String {
            let data = try! JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])
            return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
        }
        func number(_ x: Float) -> String { x.isFinite ? x.description : "\"\(x)\"" }
        var out = "{\"cell\": \(string(trace.cell.rawValue)), \"layer\": \(layer), \"layers\": \(trace.layers),\n"
        out += " \"tokens\": [\(trace.tokens.map(string).joined(separator: ", "))], \"span\": [\(span.lowerBound), \(span.upperBound)],\n"
        out += " \"units\": [\n" + ranking.map {
            "  {\"unit\": \($0.unit), \"score\": \(number($0.score)), \"mean_inside\": \(number($0.meanInside)), \"mean_outside\": \(number($0.meanOutside)), \"std\": \(number($0.standardDeviation))}"
        }.joined(separator: ",\n") + "\n ],\n"
        out += " \"search\": {\"file\": \(string(searchPath)), \"unit\": \(chosen.unit), \"highest\": \(chosen.score >= 0), \"contexts\": [\n"
        out += contexts.map { c in
            "  {\"line\": \(c.line + 1), \"peak\": \(c.peak), \"tokens\": [\(c.tokens.map(string).joined(separator: ", "))], \"values\": [\(c.values.map(number).joined(separator: ", "))]}"
        }.joined(separator: ",\n")
        out += "\n ]}}"
        return out
    }
}
