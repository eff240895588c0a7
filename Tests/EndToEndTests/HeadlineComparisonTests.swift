import Foundation
import Testing

/// Issue 11's "done when", checked on the real binary in tmux at 200×60: in lesson 4 the
/// plain RNN's bar at the first word sits at least six decades below the LSTM's and the
/// GRU's, + and − leave the axis alone, and the status line agrees with the bars (lesson 5's
/// belt is checked on the drawn grid in GradientComparisonTests).
@Suite(.serialized, .enabled(if: TmuxSession.available, "tmux is not installed; .ci/run installs it"))
struct HeadlineComparisonTests {
    /// The gradient panel as read off the screen.
    struct GradientPlot {
        var high: Int, low: Int
        /// Per plot row (top first), the characters of the plot area.
        var rows: [[Character]]
        var axisLabels: String
        var valueLine: String

        static let levels: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

        init?(_ screen: String) {
            // The panels' column: what follows the divider (the lesson text beside it may hold characters
            // whose terminal width differs from one, so columns are counted from the divider).
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map { line -> [Character] in
                let characters = Array(line)
                guard let divider = characters.lastIndex(where: { $0 == "│" || $0 == "|" }) else { return characters }
                return Array(characters[(divider + 1)...])
            }
            guard let title = lines.firstIndex(where: { String($0).contains("Gradient ‖∂L/∂h") }),
                  let x = String(lines[title]).range(of: "Gradient").map({ String(lines[title])[..<$0.lowerBound].count })
            else { return nil }
            valueLine = String(lines[title + 2])
            func label(_ row: Int) -> String {
                guard lines.indices.contains(row), lines[row].count >= x + 5 else { return "" }
                return String(lines[row][x..<(x + 5)]).trimmingCharacters(in: .whitespaces)
            }
            let top = title + 3
            guard let bottom = (top..<lines.count).first(where: { $0 > top && label($0).hasPrefix("1e") }) else { return nil }
            func decade(_ text: String) -> Int? { text == "1" ? 0 : Int(text.dropFirst(2)) }
            guard let high = decade(label(top)), let low = decade(label(bottom)) else { return nil }
            self.high = high
            self.low = low
            axisLabels = label(top) + " … " + label(bottom)
            rows = (top...bottom).map { row in lines[row].count > x + 6 ? Array(lines[row][(x + 6)...]) : [] }
        }

        /// Height of the bar in a plot column, in decades above the bottom of the axis.
        func decades(column: Int) -> Double {
            var eighths = 0
            for (depth, row) in rows.reversed().enumerated() {
                guard row.indices.contains(column), let level = Self.levels.firstIndex(of: row[column]), level > 0 else { break }
                eighths = depth * 8 + level
                if level < 8 { break }
            }
            return Double(eighths) / Double(rows.count * 8) * Double(high - low)
        }

        /// The row (from the bottom, 0-based) of the ◆ mark in a column, and the top row of the bar.
        func cellMark(column: Int) -> Int? {
            rows.reversed().enumerated().first { $0.element.indices.contains(column) && $0.element[column] == "◆" }?.offset
        }
        func barTop(column: Int) -> Int {
            rows.reversed().enumerated().last { $0.element.indices.contains(column) && Self.levels.dropFirst().contains($0.element[column]) }?.offset ?? -1
        }
    }

    /// Polls until the gradient panel can be read and `ready` holds.
    func plot(_ session: TmuxSession, until ready: (String) -> Bool = { _ in true }) async throws -> (GradientPlot, String) {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let screen = await session.screen()
            if ready(screen), let plot = GradientPlot(screen) { return (plot, screen) }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TmuxSession.Failure(what: "no gradient panel; the screen was:\n\(await session.screen())")
    }

    @Test func lessonFourShowsTheRNNsGradientVanishOnAFixedAxis() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("rnn-tutor-headline-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        try await TmuxSession.with(width: 200, height: 60, command: "\(BinaryRunner.executable) --data-dir \(data)",
                                   directory: BinaryRunner.packageRoot.path) { session in
            try await session.waitFor("Choose a lesson", seconds: 60)
            await session.send("Down", "Down", "Down", "Enter")
            try await session.waitFor("Sentence (RNN, word 1 of 68)", seconds: 120)
            var atFirstWord: [String: Double] = [:]
            var axis: String? = nil
            for (key, cell) in [("1", "RNN"), ("2", "LSTM"), ("3", "GRU")] {
                await session.send(key)
                try await session.waitFor("Sentence (\(cell), word 1", seconds: 60)
                await session.send("b")
                let (plot, screen) = try await self.plot(session) { $0.contains("sweep done") }
                atFirstWord[cell] = plot.decades(column: 0)
                #expect(axis == nil || axis == plot.axisLabels, "the axis moved on toggling to \(cell)")
                axis = plot.axisLabels
                #expect(plot.valueLine.contains("word 1 \"it\""))
                // The status line's power of ten is what the bars show between word 1 and the loss (word 63).
                let status = screen.split(separator: "\n").last.map(String.init) ?? ""
                #expect(status.contains("loss: predicting \"was\" (after \"ball\""), "\(status)")
                let stated = try #require(status.components(separatedBy: "10^").dropFirst().first?.prefix { $0 == "-" || $0.isNumber })
                let shown = plot.decades(column: 0) - plot.decades(column: 62)   // at 200 columns every word has one column, no gaps
                #expect(abs(Double(Int(stated)!) - shown) <= 1.5, "\(cell): status says 10^\(stated), bars show \(shown) decades")
            }
            let rnn = try #require(atFirstWord["RNN"]), lstm = try #require(atFirstWord["LSTM"]), gru = try #require(atFirstWord["GRU"])
            #expect(lstm - rnn >= 6 && gru - rnn >= 6, "RNN \(rnn), LSTM \(lstm), GRU \(gru) decades above the axis bottom")
            // + and − move the bars, not the axis; the previous bars stay as a ghost.
            await session.send("1")
            try await session.waitFor("Sentence (RNN", seconds: 60)
            for (key, scale) in [("+", "1.25"), ("-", "1.00"), ("-", "0.75"), ("-", "0.50")] {
                await session.send(key)
                let (plot, screen) = try await self.plot(session) { $0.contains("W_hh × \(scale)") }
                #expect(plot.axisLabels == axis, "after \(key): \(plot.axisLabels) instead of \(axis ?? "")")
                #expect(screen.contains("dim: before the last key"))
            }
            await session.send("q", "q")
            #expect(try await session.waitForExit().status == 0)
        }
    }
}
