import ArgumentParser
import Foundation
import ModelFile
import Trace

/// `rnn-tutor agreement`: does each model make the verb agree with a subject a noun of the
/// other number stands between? (The README's figures come from this command.)
struct AgreementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement",
        abstract: "Subject-verb agreement across an intervening noun: each model's accuracy.",
        discussion: """
            Each line of the file is `words before the verb | verb that agrees | verb that does not` \
            (# starts a comment). A model counts as right when, after the words, it gives the agreeing \
            verb the higher probability. Chance is 50%.
            """)

    @Option(help: "A language model file (repeatable; default: the three shipped models).") var model: [String] = []
    @Option(help: "The sentences (default: data/agreement/sentences.txt of the shipped folder).") var file: String?
    @Flag(help: "List every item with each model's verdict.") var verbose = false

    func run() throws {
        let path = try file ?? ShippedFiles.dataFile("agreement/sentences.txt")
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw CommandFailure("\(path): cannot read it") }
        let items: [AgreementItem]
        do { items = try AgreementItem.parse(text) } catch { throw CommandFailure("\(path): \(error)") }
        guard !items.isEmpty else { throw CommandFailure("\(path): no items") }
        let paths = try model.isEmpty ? ShippedFiles.shippedModelPaths : model.map(ShippedFiles.modelPath)
        print("\(items.count) items from \(path); right = the agreeing verb is more probable (chance: 50%)")
        for modelPath in paths {
            let loaded: Model
            do { loaded = try Model.load(path: modelPath) } catch { throw CommandFailure("\(error)") }
            guard loaded.task == .lm else { throw CommandFailure("\(modelPath): agreement needs a language model (task lm)") }
            var results: [AgreementResult] = []
            for item in items {
                do { results.append(try item.score(loaded)) } catch { throw CommandFailure("\(path): \(error)") }
            }
            let right = results.filter(\.correct).count
            let name = URL(fileURLWithPath: modelPath).lastPathComponent
            print(String(format: "%@  %d of %d right (%.0f%%)", name.padding(toLength: 20, withPad: " ", startingAt: 0), right,
                         results.count, 100 * Double(right) / Double(results.count)))
            if verbose {
                for r in results {
                    print(String(format: "  %@ %+.2f  %@ [%@ / %@]", r.correct ? "right" : "WRONG", r.margin, r.item.prefix, r.item.right, r.item.wrong))
                }
            }
        }
    }
}
