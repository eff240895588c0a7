import Course
import Foundation
import Lab
import Testing
import Trace
@testable import TutorUI

/// A task whose measure is an instrument's brings that instrument to the front while it runs, and
/// Esc gives the learner's own panel choice back.
@Suite struct InstrumentTaskTests {
    /// The fixture's W_hh task, asked about σ_max instead (the measure decides the panel, not the action).
    static func sigmaTask(_ s: TutorState) throws -> LabTask {
        var task = try #require(s.course.task(id: "gradient-task-quarter-whh"))
        task.question = .yesNo(LabTask.Measure(kind: .sigmaMax, cell: .rnn, step: 3), .atMost(1))
        return task
    }

    static func openGradientLesson() throws -> TutorState {
        var s = try TaskScreenTests.state()
        s.selectedLesson = try #require(s.course.lessons.firstIndex { $0.id == "gradient" })
        _ = s.press(.open)
        return s
    }

    @Test func aSigmaMaxTaskShowsTheJacobianPanelAndEscPutsItBack() throws {
        var s = try Self.openGradientLesson()
        #expect(s.lessonSession?.instruments.showsJacobian == false)
        openTask(&s, [try Self.sigmaTask(s)], at: 0)
        #expect(s.lessonSession?.task?.frontPanel == .jacobian)
        #expect(s.lessonSession?.instruments.showsJacobian == true && s.lessonSession?.instruments.jacobian != nil)
        #expect(view(s).text.contains("σ_max per word"), "the Jacobian panel is drawn while the learner predicts")
        _ = s.press(.answer)
        TaskScreenTests.watch(&s)
        #expect(s.lessonSession?.task?.verdict != nil && s.lessonSession?.instruments.showsJacobian == true)
        #expect(view(s).text.contains("σ_max per word"), "and while the verdict is read")

        _ = s.press(.back)
        #expect(s.lessonSession?.task == nil && s.lessonSession?.instruments.showsJacobian == false)
        #expect(!view(s).text.contains("σ_max per word"), "the learner's own panels are back")
    }

    @Test func aTaskWithoutAnInstrumentLeavesTheLearnersJacobianPanelWaiting() throws {
        var s = try Self.openGradientLesson()
        _ = s.press(.jacobianPanel)
        #expect(s.lessonSession?.instruments.showsJacobian == true)
        _ = s.press(.openTask)
        #expect(s.lessonSession?.task?.task.id == "gradient-task-quarter-whh" && s.lessonSession?.task?.frontPanel == nil)
        #expect(s.lessonSession?.instruments.showsJacobian == false, "the gradient task shows the gradient panel as usual")
        _ = s.press(.back)
        #expect(s.lessonSession?.task == nil && s.lessonSession?.instruments.showsJacobian == true)
    }

    @Test func aSlopeTaskPutsTheSlopePanelAboveTheHiddenState() throws {
        var s = try Self.openGradientLesson()
        var task = try Self.sigmaTask(s)
        task.question = .yesNo(LabTask.Measure(kind: .slopeSaturated, cell: .rnn, step: 3), .atLeast(0.5))
        openTask(&s, [task], at: 0)
        #expect(s.lessonSession?.task?.frontPanel == .slopes && s.lessonSession?.instruments.showsJacobian == false)
        let text = view(s).text
        let slope = try #require(text.range(of: "slope s = 1 − hₜ²"), "the RNN's slope panel is drawn")
        let hidden = try #require(text.range(of: "Hidden state hₜ"))
        #expect(slope.lowerBound < hidden.lowerBound, "the slopes come first")
    }

    @Test func aUnitScoreTaskOpensFindTheUnitOnItsSpanWithTheVerdict() throws {
        var s = try Self.openGradientLesson()
        var task = try Self.sigmaTask(s)
        // The span's second-best unit, so the panel has to choose it rather than show its first row.
        let trace = try #require(s.lessonSession?.trace)
        let second = try UnitFinder.rank(trace, layer: trace.layers - 1, span: 2..<5)[1]
        task.setup.whhScale = 1
        task.action = .step(to: 4)
        task.question = .yesNo(LabTask.Measure(kind: .unitScore, cell: .rnn, from: 2, to: 4, unit: second.unit), .atLeast(0))
        openTask(&s, [task], at: 0)
        #expect(s.lessonSession?.instruments.finder == nil, "the ranking would tell the answer before the commit")
        _ = s.press(.answer)
        TaskScreenTests.watch(&s)
        let finder = try #require(s.lessonSession?.instruments.finder)
        #expect(finder.spanStart == 2 && finder.spanEnd == 4 && s.keymapMode == .task)
        #expect(finder.chosen == second)
        #expect(view(s).text.contains("Esc, then u in your lab"), "Enter moves on in a task, so the panel offers the search in the lab")
        let run = try #require(s.lessonSession?.task?.run.run)
        #expect(run.values == [Double(second.score)], "the panel's score is the measured one")
        _ = s.press(.back)
        #expect(s.lessonSession?.task == nil && s.lessonSession?.instruments.finder == nil)
    }
}
