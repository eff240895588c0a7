import ArgumentParser
import Foundation
import ModelFile
import Trace

/// `rnn-tutor trace`: what the live panels show, for scripts and notebooks
/// (section 3 of model-and-trace.md).
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Step a sentence through a model and export every state, gate, prediction and gradient norm.",
        discussion: """
            Steps are numbered from 0. The loss is the cross-entropy at --loss-step (default: the last step) \
            against --target, or else the next word (language model) or the model's own top prediction.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, csv
    }

    @Option(help: "A model file (.safetensors), or a shipped model's name (rnn, lstm, gru).") var model: String
    @Option(help: "The words to step through.") var text: String?
    @Option(help: "Token ids instead of text, e.g. 3,17,5.") var ids: String?
    @Option(name: .customLong("loss-step"), help: "The step whose loss is back-propagated (0-based).") var lossStep: Int?
    @Option(help: "The label the loss aims at.") var target: String?
    @Option(help: "Output format.") var format: Format = .json
    @Option(name: .customLong("whh-scale"), help: "Multiply every W_hh by this (finite, ≥ 0).") var whhScale: Float = 1
    @Flag(help: "Add the one-step Jacobians' largest singular values and the gradient bound (README: The Jacobian).") var jacobian = false

    func validate() throws {
        if (text == nil) == (ids == nil) { throw ValidationError("give exactly one of --text and --ids") }
    }

    @OptionGroup var threadCount: ThreadsOption

    func run() throws {
        threadCount.apply()
        let input: TraceInput
        if let text {
            input = .text(text)
        } else {
            input = .ids(try Self.parseIDs(ids ?? ""))
        }
        let loaded: Model
        let path = try ShippedFiles.modelPath(model)
        do { loaded = try Model.load(path: path) } catch { throw CommandFailure(error.message) }
        let trace: SentenceTrace
        do {
            trace = try SentenceTrace.compute(model: loaded, input: input, lossStep: lossStep, target: target, whhScale: whhScale)
        } catch {
            throw CommandFailure((error.option.map { "\($0): " } ?? "") + error.description)
        }
        let bound = jacobian ? trace.jacobian(network: loaded.network) : nil
        FileHandle.standardOutput.write(Data((format == .json ? trace.json(jacobian: bound) : trace.csv(jacobian: bound)).utf8))
    }

    static func parseIDs(_ list: String) throws -> [Int] {
        let parts = list.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if parts == [""] { return [] }
        return try parts.map { part in
            guard let id = Int(part) else { throw CommandFailure("--ids: \"\(part)\" is not a token id (expected e.g. 3,17,5)") }
            return id
        }
    }
}
