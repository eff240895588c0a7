import Foundation
import ModelFile
@testable import RNNCore
import Testing
@testable import Trace

/// `trace --jacobian` against PyTorch: each step's Jacobian by autograd, its
/// largest singular value by torch.linalg.svdvals, the adjoints by autograd
/// (scripts/make_jacobian_fixtures.py).
@Suite struct JacobianTests {
    static let directory = fixtureDirectory.appendingPathComponent("jacobian")

    static func cases() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    @Test func fixturesArePresent() { #expect(Self.cases().count >= 8) }

    @Test(arguments: cases())
    func jacobianMatchesPyTorch(_ name: String) throws {
        let data = try Data(contentsOf: Self.directory.appendingPathComponent(name + ".json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let args = try #require(object["args"] as? [String: Any])
        let model = try Model.load(path: Self.directory.appendingPathComponent(try #require(args["model"] as? String)).path)
        let trace = try SentenceTrace.compute(model: model, input: .ids(try #require(args["ids"] as? [Int])),
                                              lossStep: args["loss_step"] as? Int,
                                              whhScale: Float(try #require(args["whh_scale"] as? Double)))
        let json = trace.json(jacobian: trace.jacobian(network: model.network))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let found = differences(try #require(parsed["jacobian"]), try #require(object["expected"]))
        #expect(found.isEmpty, "\(name): \(found.prefix(8).joined(separator: "; "))")
    }

    /// For the top layer the adjoint is carried back by the Jacobians alone, so
    /// the measured ratio can never beat the product of the largest singular values.
    @Test(arguments: CellKind.allCases)
    func measuredRatioStaysUnderTheBoundOnTheShippedModel(cell: CellKind) throws {
        let model = try Model.load(path: ShippedModelTests.modelDirectory.appendingPathComponent("\(cell.rawValue).safetensors").path)
        for scale: Float in [0.5, 1, 1.5] {
            let trace = try SentenceTrace.compute(model: model, input: .text("she said that the man who lived in the house had gone to london ."),
                                                  whhScale: scale)
            let top = trace.jacobian(network: model.network).layers.last!
            for t in 0...trace.loss.step {
                #expect(top.measuredRatio[t] <= top.bound[t] * 1.0001 + 1e-12, "\(cell) ×\(scale) t=\(t)")
            }
            #expect(top.bound[trace.loss.step] == 1 && top.measuredRatio[trace.loss.step] == 1)
        }
    }

    /// σ_max against a dense computation of the same matrix at the shipped size:
    /// power iteration on JᵀJ in Double (a lower bound that converges from below).
    @Test(arguments: [CellKind.rnn, .gru])
    func largestSingularValueAgreesWithADenseComputation(cell: CellKind) throws {
        let model = try Model.load(path: ShippedModelTests.modelDirectory.appendingPathComponent("\(cell.rawValue).safetensors").path)
        let trace = try SentenceTrace.compute(model: model, input: .text("the old house stood on the hill ."))
        let jacobian = model.network.stepJacobian(trace.forward, layer: 0, step: 3)
        let n = jacobian.stateSize
        let dense = jacobian.dense().map(Double.init)
        // M = JᵀJ once, then power iteration on M.
        var m = [Double](repeating: 0, count: n * n)
        for k in 0..<n { for i in 0..<n { let a = dense[k * n + i]; if a != 0 { for j in 0..<n { m[i * n + j] += a * dense[k * n + j] } } } }
        var v = (0..<n).map { Double($0 % 7) + 1 }, eigenvalue = 0.0
        for _ in 0..<400 {
            var w = [Double](repeating: 0, count: n)
            for i in 0..<n { var sum = 0.0; for j in 0..<n { sum += m[i * n + j] * v[j] }; w[i] = sum }
            let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
            eigenvalue = zip(w, v).reduce(0) { $0 + $1.0 * $1.1 } / v.reduce(0) { $0 + $1 * $1 }
            v = w.map { $0 / norm }
        }
        let sigma = eigenvalue.squareRoot(), found = Double(jacobian.largestSingularValue())
        #expect(abs(found - sigma) <= 1e-4 + 1e-3 * sigma, "\(cell): \(found) vs \(sigma)")
    }

    @Test func largestEigenvalueOfAKnownMatrix() {
        // diag(1, 4, 9, 2): the largest eigenvalue is 9.
        let diagonal: [Double] = [1, 4, 9, 2]
        let found = largestEigenvalue(size: 4) { v, w in for i in 0..<4 { w[i] = diagonal[i] * v[i] } }
        #expect(abs(found - 9) < 1e-9)
        #expect(abs(largestTridiagonalEigenvalue([2, 2], [1]) - 3) < 1e-12)
    }

    @Test func plainRNNSlopesAreOneMinusHSquared() throws {
        let model = try Model.load(path: ShippedModelTests.modelDirectory.appendingPathComponent("rnn.safetensors").path)
        let trace = try SentenceTrace.compute(model: model, input: .text("the cat sat on the mat ."))
        let slopes = trace.tanhSlopes(layer: 0)
        #expect(slopes.count == trace.steps.count)
        for (t, step) in trace.steps.enumerated() {
            for (u, h) in step.hidden.enumerated() { #expect(abs(slopes[t][u] - (1 - h * h)) < 1e-6) }
        }
        // The RNN's Jacobian is those slopes times W_hh, row by row.
        let jacobian = model.network.stepJacobian(trace.forward, layer: 0, step: 2).hiddenFromHidden
        let w = model.parameters.layers[0].weightHH.values
        #expect(abs(jacobian[5 * 128 + 9] - slopes[2][5] * w[5 * 128 + 9]) < 1e-6)
    }

    @Test func exportsKeepTheSpecOutputWithoutTheFlag() throws {
        let model = try Model.load(path: Self.directory.appendingPathComponent("lstm_1layer.safetensors").path)
        let trace = try SentenceTrace.compute(model: model, input: .ids([1, 2, 3]))
        #expect(!trace.json().contains("jacobian"))
        let bound = trace.jacobian(network: model.network)
        #expect(trace.json(jacobian: bound).contains("\"forget_mean\""))
        let header = trace.csv(jacobian: bound).split(separator: "\n")[0]
        #expect(header.hasSuffix("top_label,top_p,sigma_max_l0,forget_mean_l0,bound_l0,ratio_l0"))
        #expect(trace.csv().split(separator: "\n")[0].hasSuffix("top_label,top_p"))
    }
}
