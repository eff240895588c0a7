import Course
import Foundation

/// What `lessons check` learns by running every task of a pack against the models.
public struct TaskCheckReport: Sendable {
    /// Errors (a task that cannot run) and warnings (a near tie, an unknown word the task does not read).
    public var problems: [CourseProblem] = []
    public var run = 0
    /// Tasks not run because no model at all was found.
    public var notRun = 0

    /// `27 tasks run on rnn, lstm, gru` or why they were not.
    public var summary: String {
        notRun > 0
            ? "\(notRun) task\(notRun == 1 ? "" : "s") not run: no models found (give --model FILE)"
            : "\(run) task\(run == 1 ? "" : "s") run on the models"
    }
}

extension TaskRun {
    /// Runs every task of `pack` against `models`. Tasks are never run at tutor start-up: this is for authors.
    public static func check(_ pack: CoursePack, models: LabModels) -> TaskCheckReport {
        var report = TaskCheckReport()
        guard !models.isEmpty else {
            report.notRun = pack.tasks.count
            return report
        }
        for task in pack.tasks {
            let preset = pack.lesson(id: task.lessonID)?.lab.sentence
            do {
                let run = try TaskRun.run(task, models: models, preset: preset)
                report.run += 1
                if run.closeness.isNearTie {
                    report.problems.append(CourseProblem(
                        file: task.file, line: task.line,
                        message: "task \(task.id) is a near tie (\(run.closeness.note)); the learner could not tell by looking",
                        severity: .warning))
                }
                for (cell, words) in run.unknownWords where !words.isEmpty {
                    report.problems.append(CourseProblem(
                        file: task.file, line: task.line,
                        message: "the \(cell.rawValue.uppercased()) model does not know \(words.map { "\"\($0)\"" }.joined(separator: ", ")) in task \(task.id)'s sentence",
                        severity: .warning))
                }
            } catch {
                report.problems.append(CourseProblem(file: task.file, line: error.line, message: "task \(task.id)\(error.kind == .missingModel ? " " : ": ")\(error.message)"))
            }
        }
        return report
    }

    /// The words each traced model reads as `<unk>`, by cell.
    public var unknownWords: [(cell: LabTask.Cell, words: [String])] {
        var seen: Set<LabTask.Cell> = []
        return traces.keys.sorted { ($0.cell.rawValue, $0.moment.rawValue) < ($1.cell.rawValue, $1.moment.rawValue) }.compactMap { key in
            guard seen.insert(key.cell).inserted, let trace = traces[key] else { return nil }
            let unknown = zip(trace.tokens, trace.ids).filter { $0.1 == unknownIDs[key.cell] }.map(\.0)
            return (key.cell, unknown)
        }
    }
}
