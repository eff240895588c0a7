import Course
import Foundation
import Lab
import ModelFile
import RNNCore
import Testing
import Trace

/// The instruments' task measures (sigma-max, jacobian-bound, bound-gap, slope-saturated, slope-mean,
/// unit-score) on the hand-set models of TaskTests, against a forward pass written out here: with W_ih
/// the identity, W_hh = w·I and no bias, h_t = tanh(e_t + w·h_(t−1)), so the one-step Jacobian is
/// diag(1 − h_t²)·w and its σ_max is w·max_u(1 − h_t,u²).
@Suite struct InstrumentMeasureTests {
    static let sentence = "a b a c a d a"

    /// h_t of the hand-set RNN, unit by unit, computed without the engine.
    static func hidden(_ sentence: String, whh: Float) -> [[Double]] {
        let ids = sentence.split(separator: " ").map { TaskTests.vocabulary.firstIndex(of: String($0))! }
        var h = [0.0, 0.0], rows: [[Double]] = []
        for id in ids {
            let x = [Double(id) * Double(Float(0.05)), Double(Float(0.05))]
            h = (0..<2).map { tanh(x[$0] + Double(whh) * h[$0]) }
            rows.append(h)
        }
        return rows
    }

    static func value(_ kind: LabTask.Measure.Kind, step: Int? = nil, unit: Int? = nil, from: Int? = nil, to: Int? = nil,
                      whh: Float, lossStep: Int = 5) throws -> Double {
        let lab = try TaskTests.model(.rnn, whh: whh)
        let trace = try SentenceTrace.compute(model: lab.model, input: .text(sentence), lossStep: lossStep)
        return try LabTask.Measure(kind: kind, cell: .rnn, step: step, from: from, to: to, unit: unit).value(in: trace, model: lab.model)
    }

    @Test(arguments: [Float(0.5), 3])
    func sigmaMaxAndTheBoundFollowTheSlopes(whh: Float) throws {
        let h = Self.hidden(Self.sentence, whh: whh)
        let sigma = h.map { row in Double(whh) * row.map { 1 - $0 * $0 }.max()! }
        for t in 0..<h.count {
            let measured = try Self.value(.sigmaMax, step: t, whh: whh)
            #expect(abs(measured - sigma[t]) <= 1e-4 + 1e-3 * sigma[t], "σ_max at \(t): \(measured) vs \(sigma[t])")
        }
        for t in 0...5 {
            let product = sigma[(t + 1)..<6].reduce(1, *)   // the empty product at the loss step is 1
            let bound = try Self.value(.jacobianBound, step: t, whh: whh)
            #expect(abs(bound - product) <= 1e-4 + 1e-3 * product, "bound at \(t): \(bound) vs \(product)")
        }
        // The gap is the ceiling over the share the backward pass delivers, which the gradient ratio measures.
        for t in 0..<5 {
            let ratio = try Self.value(.gradientRatio, from: 5, to: t, whh: whh)
            let gap = try Self.value(.boundGap, step: t, whh: whh)
            let expected = try Self.value(.jacobianBound, step: t, whh: whh) / ratio
            #expect(abs(gap - expected) <= 1e-3 * expected && gap >= 1 - 1e-4, "gap at \(t): \(gap) vs \(expected)")
        }
    }

    @Test func theSlopesSaturateAsWhhGrows() throws {
        for whh: Float in [0.5, 3] {
            let h = Self.hidden(Self.sentence, whh: whh)
            for t in [1, 4, 6] {
                let slopes = h[t].map { 1 - $0 * $0 }
                let mean = try Self.value(.slopeMean, step: t, whh: whh)
                let share = try Self.value(.slopeSaturated, step: t, whh: whh)
                #expect(abs(mean - slopes.reduce(0, +) / 2) < 1e-5)
                #expect(share == Double(slopes.filter { $0 < 0.1 }.count) / 2)
            }
        }
        // Small weights leave both units on the slope; large ones drive them into tanh's flat ends.
        #expect(try Self.value(.slopeSaturated, step: 6, whh: 0.5) == 0)
        #expect(try Self.value(.slopeSaturated, step: 6, whh: 3) == 1)
    }

    @Test func theUnitScoreIsFindTheUnitsSignedSelectivity() throws {
        let h = Self.hidden(Self.sentence, whh: 0.5)
        for unit in 0..<2 {
            let x = h.map { $0[unit] }
            let inside = x[2...4], outside = x[..<2] + x[5...]
            let mean = x.reduce(0, +) / Double(x.count)
            let sd = (x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(x.count)).squareRoot()
            let expected = (inside.reduce(0, +) / 3 - outside.reduce(0, +) / Double(outside.count)) / sd
            let score = try Self.value(.unitScore, unit: unit, from: 2, to: 4, whh: 0.5)
            #expect(abs(score - expected) <= 1e-3 * max(1, abs(expected)), "unit \(unit): \(score) vs \(expected)")
        }
        #expect(throws: TaskRunError.self) { try Self.value(.unitScore, unit: 2, from: 2, to: 4, whh: 0.5) }
    }

    @Test func theNewMeasuresParseWithTheirRules() throws {
        func problems(_ measure: String, cells: String = "[rnn]") -> [String] {
            let tasks = """
                lesson: toy
                tasks:
                  - id: toy-new
                    depth: basic
                    prompt: A question.
                    setup: {cells: \(cells), sentence: "a b c d", loss_step: 2}
                    action: {sweep: true}
                    ask: yes-no
                    measure: \(measure)
                    condition: {at_least: 1}
                    explanation: Measured {value}.
                """
            return TaskTests.ownErrors(TaskTests.pack(tasks: tasks))
        }
        #expect(problems("{measure: sigma-max, step: 1}").isEmpty)
        #expect(problems("{measure: unit-score, unit: 1, from: 1, to: 2}").isEmpty)
        #expect(problems("{measure: slope-mean, step: 1}", cells: "[lstm]").contains { $0.contains("tanh slope") })
        #expect(problems("{measure: jacobian-bound, step: 3}").contains { $0.contains("after the loss step") })
        #expect(problems("{measure: unit-score, unit: 1, from: 2, to: 1}").contains { $0.contains("cannot come before") })
        #expect(problems("{measure: unit-score, unit: 1, from: 0, to: 3}").contains { $0.contains("whole sentence") })
        #expect(problems("{measure: sigma-max, step: 1, unit: 2}").contains { $0.contains("does not belong") })
    }
}
