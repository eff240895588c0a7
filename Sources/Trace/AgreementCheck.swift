import Foundation
import ModelFile
import RNNCore

/// Does a language model carry a subject's number past a noun of the other number?
/// Each item gives the words before a verb and the verb that agrees and the one that
/// does not ("the letters from her sister" | were | was); the model is right when it
/// finds the agreeing verb more probable than the other at that step.
public struct AgreementItem: Equatable, Sendable {
    public var prefix: String
    public var right: String
    public var wrong: String
    public var line: Int

    public init(prefix: String, right: String, wrong: String, line: Int = 0) {
        self.prefix = prefix
        self.right = right
        self.wrong = wrong
        self.line = line
    }

    /// Reads `prefix | right | wrong` lines; `#` starts a comment line, blank lines are skipped.
    /// Throws the first bad line's number and what is wrong with it.
    public static func parse(_ text: String) throws(AgreementError) -> [AgreementItem] {
        var items: [AgreementItem] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
                throw .badLine(index + 1, "expected `words before the verb | right verb | wrong verb`")
            }
            items.append(AgreementItem(prefix: parts[0], right: parts[1], wrong: parts[2], line: index + 1))
        }
        return items
    }
}

public enum AgreementError: Error, Equatable, CustomStringConvertible {
    case badLine(Int, String)
    case unknownVerb(Int, String)

    public var description: String {
        switch self {
        case .badLine(let line, let why): "line \(line): \(why)"
        case .unknownVerb(let line, let verb): "line \(line): the verb \"\(verb)\" is not in the model's vocabulary"
        }
    }
}

public struct AgreementResult: Sendable {
    public var item: AgreementItem
    /// log p(right) − log p(wrong) at the step after the prefix (positive: right).
    public var margin: Float
    public var correct: Bool { margin > 0 }
}

extension AgreementItem {
    /// Scores the item with a language model: the difference of the two verbs' logits after the prefix.
    public func score(_ model: Model) throws -> AgreementResult {
        guard let right = model.vocabulary.firstIndex(of: model.lowercase ? self.right.lowercased() : self.right) else {
            throw AgreementError.unknownVerb(line, self.right)
        }
        guard let wrong = model.vocabulary.firstIndex(of: model.lowercase ? self.wrong.lowercased() : self.wrong) else {
            throw AgreementError.unknownVerb(line, self.wrong)
        }
        let ids = try model.tokenize(prefix).map(\.id)
        guard !ids.isEmpty else { throw AgreementError.badLine(line, "no words before the verb") }
        let forward = model.network.forward(.tokens([ids]))
        let logits = forward.outputRow(ids.count - 1)
        // Softmax shares its normaliser within a step: the log-probability difference is the logit difference.
        return AgreementResult(item: self, margin: logits[logits.startIndex + right] - logits[logits.startIndex + wrong])
    }
}
