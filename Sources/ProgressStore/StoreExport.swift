import Course
import Foundation
import GRDB
import Practice

// The review log as rows and as CSV (`rnn-tutor export`).

extension ProgressStore {
    /// One row of the review log, oldest first.
    public struct LogEntry: Equatable, Sendable {
        public var at: Date
        public var kind: String
        public var item: String
        public var lesson: String
        public var grade: Rating?
        public var answer: String?
        public var correct: Bool
        public var interval: NextInterval?
        public var durationMs: Int
    }

    public func reviewLog() throws -> [LogEntry] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM review_log ORDER BY at, id").map { row in
                let days: Int? = row["interval_days"], seconds: Double? = row["interval_seconds"]
                return LogEntry(at: Date(timeIntervalSince1970: row["at"]), kind: row["kind"], item: row["item"],
                                lesson: row["lesson"], grade: (row["grade"] as Int?).flatMap(Rating.init(rawValue:)),
                                answer: row["answer"], correct: row["correct"],
                                interval: days.map(NextInterval.days) ?? seconds.map(NextInterval.step),
                                durationMs: row["duration_ms"])
            }
        }
    }

    /// The review log as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote
    /// or line break quoted, quotes doubled), with a header line. Times are ISO 8601 UTC.
    public func exportCSV() throws -> String {
        let header = ["time", "kind", "item", "lesson", "grade", "answer", "correct", "interval_days", "interval_seconds",
                      "duration_ms"]
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var lines = [header.map(Self.csvField).joined(separator: ",")]
        for entry in try reviewLog() {
            var days = "", seconds = ""
            switch entry.interval {
            case .days(let d)?: days = String(d)
            case .step(let s)?: seconds = String(Int(s.rounded()))
            case nil: break
            }
            let fields = [formatter.string(from: entry.at), entry.kind, entry.item, entry.lesson,
                          entry.grade.map { String($0.rawValue) } ?? "", entry.answer ?? "", entry.correct ? "1" : "0",
                          days, seconds, String(entry.durationMs)]
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
