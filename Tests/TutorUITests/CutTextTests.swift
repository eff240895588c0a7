import Foundation
import RNNCore
import Testing
@testable import TutorUI

/// Text cut to a width says so with "…", between words where it can; and what a small
/// screen leaves out is named, not silently dropped.
@Suite struct CutTextTests {
    @Test func fittedTextEndsInAnEllipsisBetweenWords() {
        #expect(TextLayout.fitted("a column per unit; right: each row over the words", 45) == "a column per unit; right: each row over the…")
        #expect(TextLayout.fitted("a column per unit; right: each row", 20) == "a column per unit…")
        #expect(TextLayout.fitted("abcdefghijklmnopqrstuvwxyz", 10) == "abcdefghi…")   // one long word is cut where it must be
        #expect(TextLayout.fitted("short", 10) == "short")
    }

    /// Lesson 4's passage at 60×20 (panels in view): the loss word is far to the right.
    func passage() throws -> TutorState {
        var s = try UpdateAndViewTests.state(width: 60, height: 20)
        s.selectedLesson = try #require(s.course.lessons.firstIndex { $0.id == "vanishing-exploding" })
        _ = s.press(.open)
        _ = s.press(.switchFocus)
        _ = s.press(.chooseLSTM)
        return s
    }

    @Test func aSmallLessonScreenKeepsTheLossCaretAndNamesWhatItLeavesOut() throws {
        let s = try passage()
        let grid = view(s)
        let sentenceRow = try #require((0..<grid.height).first { grid.line($0).hasPrefix("it was a cold") })
        // The loss word is out of view to the right: its caret stands under the "…" that stands for it.
        #expect(grid.line(sentenceRow).hasSuffix("…"))
        #expect(grid[grid.width - 1, sentenceRow + 1].text == "^")
        #expect(grid.text.contains("gates: not shown (a taller window shows it)"))
        // The status line, too long for 60 columns, ends in "…".
        #expect(grid.line(grid.height - 1).trimmingCharacters(in: .whitespaces).hasSuffix("…"))
    }

    @Test func aSmallRaceScreenKeepsItsKnobsAndVerdicts() throws {
        var s = try UpdateAndViewTests.fixtureState(width: 60, height: 20)
        _ = s.press(.race)
        #expect(view(s).text.contains("Enter starts"))
        var settings = try #require(s.experiment?.settings)
        settings.length = 10
        settings.hidden = 4
        settings.steps = 5
        s.experiment?.settings = settings
        _ = s.press(.train)
        _ = update(&s, .experiment(ExperimentSnapshotTests.finished(settings, evaluate: true)))
        let grid = view(s)
        for cell in [CellKind.rnn, .lstm, .gru] {
            let row = try #require((0..<grid.height).first { grid.line($0).hasPrefix(" " + cell.displayName + " ") })
            #expect(grid.line(row).contains("learned"), "\(cell)")
        }
    }
}
