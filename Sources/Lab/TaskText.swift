import Course
import Foundation
import ModelFile

/// A task's setup, action, answer format and measured numbers in words: the plain modes print
/// them, and the tutor's task screen shows the same lines.
public enum TaskText {
    public static func setup(_ task: LabTask, sentence: String) -> String {
        let s = task.setup
        let words = Tokenizer.words(in: sentence, lowercase: false)
        var parts = ["\(s.cells.map { $0.rawValue.uppercased() }.joined(separator: ", ")) on “\(sentence)”"]
        if let k = s.lossStep { parts.append("loss on word \(k + 1) (\(word(words, k)))") }
        if s.whhScale != 1 { parts.append("W_hh × \(plain(s.whhScale))") }
        if let c = s.cursor { parts.append("cursor on word \(c + 1) (\(word(words, c)))") }
        return parts.joined(separator: "; ")
    }

    public static func action(_ task: LabTask) -> String {
        switch task.action {
        case .step(let to): "the cursor moves to word \(to + 1)"
        case .sweep: "the backward sweep runs from the loss step"
        case .toggle(let cell): "the panels switch to the \(cell.rawValue.uppercased())"
        case .scale(let to): "W_hh is scaled from \(plain(task.setup.whhScale)) to \(plain(to))"
        }
    }

    public static func format(_ question: LabTask.Question) -> String {
        switch question {
        case .powerOfTen: "A power of ten, as its exponent (e.g. -3 for 0.001):"
        case .yesNo: "Yes or no (y/n):"
        case .choose(_, let options): "One option, 1 to \(options.count):"
        }
    }

    /// Every measured number, with before and after for a scale change.
    public static func measured(_ run: TaskRun) -> String {
        var text = run.measuredText
        if case .powerOfTen = run.task.question, run.values[0] > 0 { text += String(format: " (log10 %.2f)", log10(run.values[0])) }
        if let before = run.valuesBefore?.first, let after = run.valuesAfter?.first {
            let kind = run.task.question.measures[0].kind
            text += "; before \(Lab.format(before, kind)), after \(Lab.format(after, kind))"
        }
        return text
    }

    public static func word(_ words: [String], _ step: Int) -> String { words.indices.contains(step) ? "“\(words[step])”" : "?" }

    public static func plain(_ x: Float) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
}
