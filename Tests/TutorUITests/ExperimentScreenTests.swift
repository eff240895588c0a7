import Foundation
import RNNCore
import Testing
@testable import TutorUI

/// The race and the explorer, with a real worker thread training real networks
/// (small ones, so a debug build finishes in seconds), driven as the runtime drives them.
@Suite struct ExperimentScreenTests {
    func state() throws -> TutorDriver {
        TutorDriver(try UpdateAndViewTests.state(width: 140, height: 45), worker: ExperimentWorker(publishEvery: .milliseconds(5)))
    }

    /// Ticks until the run stops (a minute at most), as the UI loop does.
    func runToTheEnd(_ s: inout TutorDriver) async throws {
        let deadline = Date().addingTimeInterval(60)
        while s.experiment?.isRunning == true && Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
            advance(&s, .tick)
        }
        #expect(s.experiment?.isRunning == false, "the run did not finish")
    }

    @Test func theRaceRunsOffTheUIThreadAndEndsWithResults() async throws {
        var s = try state()
        advance(&s, .key(.character("x")))
        #expect(s.screen.kind == .experiment && s.experiment?.kind == .race)
        #expect(view(s).text.contains("[50]"))
        advance(&s, .key(.left))
        advance(&s, .key(.left))
        #expect(s.experiment?.settings.length == 10)
        advance(&s, .key(.character("+")))
        advance(&s, .key(.character("n")))
        #expect(s.experiment?.settings.steps == 4000 && s.experiment?.settings.seed == 2 && s.experiment?.settings.whhScale == 1)
        #expect(view(s).text.contains("steps: 4000") && view(s).text.contains("seed: 2"))
        s.experiment?.settings.steps = 60
        s.experiment?.settings.hidden = 8
        advance(&s, .key(.enter))
        #expect(s.experiment?.isRunning == true && s.status.contains("Esc stops"))
        // The screen answers keys while the worker trains: help opens and closes.
        advance(&s, .key(.character("?")))
        #expect(view(s).text.contains("Keys (any key closes)"))
        advance(&s, .key(.character("?")))
        try await runToTheEnd(&s)
        let race = try #require(s.experiment?.snapshot?.race)
        #expect(race.step == 60 && race.standings.map(\.cell) == [.rnn, .lstm, .gru])
        #expect(race.standings.allSatisfy { $0.heldOutError != nil && $0.lossCurve.count == 60 })
        let text = view(s).text
        #expect(text.contains("held-out") && text.contains("60/60") && text.contains("Training loss"))
        #expect(s.status.hasPrefix("done:"))
        advance(&s, .key(.character("q")))
        #expect(s.screen.kind == .course && s.experiment == nil)
    }

    @Test func escStopsARunningRaceAndKeepsWhatItShowed() async throws {
        var s = try state()
        advance(&s, .key(.character("x")))
        s.experiment?.settings.steps = 1_000_000
        advance(&s, .key(.enter))
        let deadline = Date().addingTimeInterval(30)
        while (s.experiment?.snapshot?.race.step ?? 0) < 2 && Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
            advance(&s, .tick)
        }
        advance(&s, .key(.escape))
        #expect(s.experiment?.isRunning == false && s.experiment?.stopped == true)
        #expect(s.status.hasPrefix("stopped at step"))
        let stoppedAt = s.experiment?.snapshot?.race.step ?? 0
        try await Task.sleep(for: .milliseconds(200))
        advance(&s, .tick)
        #expect((s.experiment?.snapshot?.race.step ?? 0) == stoppedAt, "the worker went on after Esc")
        advance(&s, .key(.escape))
        #expect(s.screen.kind == .course)
    }

    /// Enter in the explorer goes on with the run shown; after the end it starts the next seed,
    /// with the finished run's loss curve kept as a ghost.
    @Test func theExplorersEnterContinuesAndLeavesAGhost() async throws {
        var s = try state()
        advance(&s, .key(.character("v")))
        s.experiment?.settings.steps = 6   // a short run, so the test is quick
        s.experiment?.settings.length = 10
        advance(&s, .key(.character("s")))
        try await runToTheEnd(&s)
        #expect(s.experiment?.snapshot?.race.step == 1)
        advance(&s, .key(.enter))
        try await runToTheEnd(&s)
        #expect(s.experiment?.snapshot?.race.step == 6 && s.experiment?.ghost == nil, "Enter went on from step 1")
        let seed = try #require(s.experiment?.settings.seed)
        advance(&s, .key(.enter))
        try await runToTheEnd(&s)
        #expect(s.experiment?.settings.seed == seed + 1 && s.experiment?.ghost?.lossCurve.isEmpty == false)
        #expect(view(s).text.contains("dim: previous run (RNN)"))
    }

    @Test func theExplorerStepsAndSaysWhatTheGradientDoes() async throws {
        var s = try state()
        // v opens the explorer from any lesson, with the lesson's clipping (lesson 1: off).
        advance(&s, .key(.enter))
        advance(&s, .key(.character("v")))
        #expect(s.screen.kind == .experiment && s.experiment?.kind == .explorer && s.experiment?.settings.clipNorm == nil)
        #expect(view(s).text.contains("two of them marked"))
        advance(&s, .key(.character("1")))
        for _ in 0..<12 { advance(&s, .key(.character("+"))) }
        #expect(s.experiment?.settings.whhScale == 4)
        advance(&s, .key(.character("s")))
        try await runToTheEnd(&s)
        #expect(s.experiment?.snapshot?.race.step == 1)
        advance(&s, .key(.character("s")))
        try await runToTheEnd(&s)
        #expect(s.experiment?.snapshot?.race.step == 2)
        let text = view(s).text
        // Which verdict a real run reaches is ExperimentSnapshotTests' business (fixed snapshots, one expected answer).
        #expect(text.contains("Step 2:") && text.contains("‖∂L/∂hₜ‖ at each step t"))
        advance(&s, .key(.character("c")))
        #expect(s.experiment?.settings.clipNorm == 1 && s.experiment?.snapshot == nil)
        advance(&s, .key(.character("q")))
        #expect(s.screen.kind == .lesson)
    }

    @Test func theVerdictNamesVanishingSaturationExplosionAndOverflow() {
        var settings = AddingRace.Settings()
        settings.whhScale = 1
        var standing = AddingRace.Standing(cell: .rnn)
        standing.lastLoss = 0.2
        standing.normCurve = [1]
        standing.profile = [1e-9, 1e-5, 1]
        #expect(ExplorerScreen.verdict(standing, settings: settings, step: 5).contains("10^-9 of its size at the loss: it vanishes"))
        settings.whhScale = 4
        standing.saturation = 0.8
        let saturated = ExplorerScreen.verdict(standing, settings: settings, step: 5)
        #expect(saturated.contains("although W_hh is scaled up") && saturated.contains("80% of the hidden values"))
        standing.profile = [1e6, 1e3, 1]
        settings.clipNorm = nil
        #expect(ExplorerScreen.verdict(standing, settings: settings, step: 5).contains("it explodes"))
        standing.profile = [0.5, 0.8, 1]
        #expect(ExplorerScreen.verdict(standing, settings: settings, step: 5).contains("it holds"))
        standing.lastLoss = .nan
        #expect(ExplorerScreen.verdict(standing, settings: settings, step: 5).contains("overflowed"))
    }
}
