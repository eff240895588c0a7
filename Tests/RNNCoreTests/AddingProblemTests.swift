import Testing
@testable import RNNCore

@Suite struct AddingProblemTests {
    @Test func batchesMarkOneStepInEachHalfAndSumThem() {
        let problem = AddingProblem(length: 9)
        var random = SeededRandom(seed: 1)
        let batch = problem.batch(size: 50, using: &random)
        #expect(batch.inputs.shape == [9, 50, 2])
        for b in 0..<50 {
            let markers = (0..<9).filter { batch.inputs.values[($0 * 50 + b) * 2 + 1] == 1 }
            #expect(markers == [batch.marks[b].0, batch.marks[b].1])
            #expect(markers[0] < 4 && markers[1] >= 4)
            let sum = markers.reduce(Float(0)) { $0 + batch.inputs.values[($1 * 50 + b) * 2] }
            #expect(abs(sum - batch.targets[b]) < 1e-6)
            #expect((0..<9).allSatisfy { (0...1).contains(batch.inputs.values[($0 * 50 + b) * 2]) })
        }
    }

    /// Answering 1 every time scores the variance of a sum of two uniforms, 1/6.
    @Test func theBaselineIsAboutOneSixth() {
        var random = SeededRandom(seed: 2)
        let batch = AddingProblem(length: 20).batch(size: 20000, using: &random)
        let error = batch.targets.reduce(0.0) { $0 + Double(($1 - 1) * ($1 - 1)) } / 20000
        #expect(abs(error - Double(AddingProblem.baselineError)) < 0.005)
    }

    @Test func anLSTMLearnsAShortAddingProblem() {
        let problem = AddingProblem(length: 8)
        var learner = AddingProblemLearner(cell: .lstm, hiddenSize: 16, seed: 3, learningRate: 0.01)
        var random = SeededRandom(seed: 4), heldOutRandom = SeededRandom(seed: 5)
        let heldOut = problem.batch(size: 200, using: &heldOutRandom)
        let before = learner.evaluate(heldOut, problem: problem)
        for _ in 0..<400 { _ = learner.train(on: problem.batch(size: 32, using: &random), problem: problem) }
        let after = learner.evaluate(heldOut, problem: problem)
        #expect(after < before / 4 && after < AddingProblem.baselineError / 4, "before \(before), after \(after)")
    }

    /// A W_hh scale far above 1 without clipping explodes: the report says so (a huge or
    /// non-finite gradient norm) and the step is not applied, so the weights stay finite.
    @Test func anExplodingRunIsReportedNotApplied() {
        let problem = AddingProblem(length: 30)
        var learner = AddingProblemLearner(cell: .rnn, hiddenSize: 16, seed: 6, learningRate: 0.5, clipNorm: nil, whhScale: 3)
        var random = SeededRandom(seed: 7)
        var largest: Float = 0
        for _ in 0..<20 {
            let report = learner.train(on: problem.batch(size: 8, using: &random), problem: problem)
            largest = report.gradientNorm.isFinite ? max(largest, report.gradientNorm) : .infinity
            #expect(report.gradientProfile.count == 30 && report.firstStepGradient == report.gradientProfile[0])
            #expect((0...1).contains(report.saturation))
        }
        #expect(largest > 10, "the gradient norm never grew: \(largest)")
        let parameters = learner.network.parameters
        #expect(parameters.named.allSatisfy { $0.tensor.values.allSatisfy(\.isFinite) })
        #expect(learner.evaluate(problem.batch(size: 8, using: &random), problem: problem).isFinite)
    }

    @Test func aRaceTrainsEveryCellOnTheSameBatches() {
        var settings = AddingRace.Settings()
        settings.length = 6
        settings.steps = 30
        settings.hidden = 4
        settings.cells = [.rnn, .lstm]
        var race = AddingRace(settings)
        settings.cells = [.lstm]
        var alone = AddingRace(settings)
        while !race.isFinished { race.advance() }
        while !alone.isFinished { alone.advance() }
        race.advance()   // a finished race stays finished
        #expect(race.step == 30 && race.standings.map(\.cell) == [.rnn, .lstm])
        for standing in race.standings {
            #expect(standing.lossCurve.count == 30 && standing.firstStepCurve.count == 30 && standing.normCurve.count == 30)
            #expect(standing.profile.count == 6 && standing.heldOutError == nil)
        }
        // The LSTM saw the same batches whether it raced or ran alone.
        #expect(race.standings[1].lossCurve == alone.standings[0].lossCurve)
        race.evaluate()
        #expect(race.standings.allSatisfy { $0.heldOutError.map(\.isFinite) == true })
        #expect(AddingRace.learned(0.01) && !AddingRace.learned(0.1))
    }
}
