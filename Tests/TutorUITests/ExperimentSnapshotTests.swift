import Course
import Foundation
import ModelFile
import RNNCore
import Testing
@testable import TutorUI

/// The experiment screens fed fixed snapshots, computed here on the test's own thread
/// with a fixed seed: no worker, no sleeping, one expected outcome.
@Suite struct ExperimentSnapshotTests {
    /// A race run to `steps` with `settings`, as the worker would have sent it at the end.
    static func finished(_ settings: AddingRace.Settings, evaluate: Bool) -> ExperimentSnapshot {
        var race = AddingRace(settings)
        while !race.isFinished { race.advance() }
        if evaluate { race.evaluate() }
        return ExperimentSnapshot(race: race, running: false)
    }

    @Test func theExplorerSaysTheGradientVanishesWhenWhhIsScaledDown() throws {
        var s = try UpdateAndViewTests.fixtureState(width: 120, height: 40)
        _ = update(&s, .key(.character("v")))
        _ = update(&s, .key(.character("1")))
        for _ in 0..<3 { _ = update(&s, .key(.character("-"))) }
        s.experiment?.settings.length = 20
        s.experiment?.settings.hidden = 8
        let settings = try #require(s.experiment?.settings)
        #expect(settings.whhScale == 0.25 && settings.cells == [.rnn])
        _ = update(&s, .key(.character("s")))   // asks for one step; the snapshot below is that step
        var race = AddingRace(settings)
        race.advance()
        _ = update(&s, .experiment(ExperimentSnapshot(race: race, running: false)))
        // The screen's lines joined again, so a verdict wrapped over two lines reads as one.
        let text = view(s).text.replacingOccurrences(of: "\n ", with: " ")
        // W_hh × 0.25 shrinks every step back by far more than 10: twenty steps leave sixteen orders of magnitude.
        #expect(text.contains("Step 1: at t = 0 the gradient is about 10^-16 of its size at the loss: it vanishes, "
                              + "shrinking at every step back through time."))
        #expect(!text.contains("explodes") && !text.contains("holds") && !text.contains("overflowed"))
    }

    @Test func theFinishedRaceShowsEveryCellInItsOwnColour() throws {
        var s = try UpdateAndViewTests.fixtureState(width: 140, height: 45)
        _ = update(&s, .key(.character("x")))
        var settings = try #require(s.experiment?.settings)
        settings.length = 10
        settings.hidden = 4
        settings.steps = 5
        s.experiment?.settings = settings
        _ = update(&s, .key(.enter))
        _ = update(&s, .experiment(Self.finished(settings, evaluate: true)))
        #expect(s.status.hasPrefix("done:") && s.experiment?.isRunning == false)
        let grid = view(s)
        for cell in [CellKind.rnn, .lstm, .gru] {
            let row = try #require((0..<grid.height).first { grid.line($0).hasPrefix(" " + cell.displayName) })
            #expect(grid.line(row).contains("5/5") && grid.line(row).contains("held-out"))
            #expect(grid[1, row].style.foreground == CellPalette.color(cell), "\(cell)")
        }
        #expect(grid.text.contains("RNN red, LSTM green, GRU blue"))
    }

    /// The overlay colours each cell by its type, whatever order the models were loaded in.
    @Test func theOverlayColoursFollowTheCellNotTheLoadOrder() throws {
        let folder = UpdateAndViewTests.fixtures
        let models = try ["gru", "lstm", "rnn"].map { try Model.load(path: folder.appendingPathComponent("models/\($0).safetensors").path) }
        let course = try CoursePack.load(directory: folder.appendingPathComponent("lessons").path)
        var s = TutorState(course: course, models: models, width: 140, height: 45, ascii: false, color: true)
        s.selectedLesson = try #require(s.course.lessons.firstIndex { $0.lab.cell == .all })
        _ = update(&s, .key(.enter))
        #expect(s.lessonSession!.overlay && s.lessonSession!.overlayTraces.count == 3)
        let grid = view(s)
        let text = grid.text
        #expect(text.contains("RNN red") && text.contains("LSTM green") && text.contains("GRU blue"))
        // Each cell's bars are drawn in its colour: every overlay colour is on the screen.
        let colours = Set(grid.cells.filter { BlockGlyphs.rising.dropFirst().contains($0.text) }.map(\.style.foreground))
        #expect(colours.isSuperset(of: [.red, .green, .blue]))
    }
}
