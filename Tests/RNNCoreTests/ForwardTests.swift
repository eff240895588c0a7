import Foundation
import Testing
@testable import RNNCore

@Suite struct ForwardTests {
    @Test(arguments: CellKind.allCases, [1, 3])
    func everyRecordMatchesTheDoubleReference(cell: CellKind, layers: Int) {
        let arch = Architecture(cell: cell, inputSize: 6, hiddenSize: 11, layerCount: layers, outputSize: 13, vocabularySize: 13)
        var net = RecurrentNetwork(architecture: arch, seed: 3)
        net.parameters.forEachTensor { _, t in t.values = t.values.map { $0 * 2 } }
        let sequences = [[0, 5, 12, 7, 7, 3, 9], [2, 2, 11, 4, 0, 1, 8]]
        let trace = net.forward(.tokens(sequences), whhScale: 1.3)
        let reference = ReferenceNetwork(net, whhScale: 1.3)
        let run = reference.run(reference.embed(sequences), loss: .crossEntropy([.init(step: 0, label: 0)]))
        let h = 11, g = cell.gateCount * h
        for k in 0..<layers { for t in 0..<7 { for b in 0..<2 {
            let row = t * 2 + b
            for u in 0..<h {
                #expect(close(trace.layers[k].hidden[row * h + u], run.hidden[k][t][b][u], absolute: 2e-6, relative: 1e-5))
                if cell == .lstm { #expect(close(trace.layers[k].cellState[row * h + u], run.cell[k][t][b][u], absolute: 2e-6, relative: 1e-5)) }
            }
            for j in 0..<g { #expect(close(trace.layers[k].gates[row * g + j], run.gates[k][t][b][j], absolute: 2e-6, relative: 1e-5)) }
        }}}
        for t in 0..<7 { for b in 0..<2 { for c in 0..<13 {
            #expect(close(trace.outputs[(t * 2 + b) * 13 + c], run.outputs[t][b][c], absolute: 1e-5, relative: 1e-5))
        }}}
    }

    /// A one-unit network worked by hand. Numbers from Python's math module:
    /// h1 = tanh(0.5·1.0 + 0.1 + 0.2) = tanh(0.8)            = 0.664036770267849
    /// h2 = tanh(0.5·(−2.0) + 0.1 − 1.5·h1 + 0.2)            = tanh(−1.6960551554017738) = −0.9349141022028478
    @Test func aOneUnitRNNWorkedByHand() {
        let arch = Architecture(cell: .rnn, inputSize: 1, hiddenSize: 1, outputSize: 1)
        let p = Parameters(embedding: nil,
                           layers: [LayerParameters(weightIH: Tensor(shape: [1, 1], values: [0.5]),
                                                    weightHH: Tensor(shape: [1, 1], values: [-1.5]),
                                                    biasIH: Tensor(shape: [1], values: [0.1]), biasHH: Tensor(shape: [1], values: [0.2]))],
                           headWeight: Tensor(shape: [1, 1], values: [2]), headBias: Tensor(shape: [1], values: [0]))
        let net = RecurrentNetwork(architecture: arch, parameters: p)
        let trace = net.forward(.vectors(Tensor(shape: [2, 1, 1], values: [1, -2])))
        #expect(abs(trace.top.hidden[0] - 0.664036770267849) < 1e-6)
        #expect(abs(trace.top.hidden[1] - -0.9349141022028478) < 1e-6)
        #expect(abs(trace.top.gates[1] - -1.6960551554017738) < 1e-6)   // the recorded pre-activation
        // Loss (y2 − 0)² with y2 = 2·h2: dL/dh2 = 2·y2·2 = 8·h2; dL/dh1 = dL/dh2 · (1 − h2²) · (−1.5).
        let grads = net.backward(trace, loss: .meanSquaredError([.init(step: 1, values: [0])]))
        let dh2 = 8 * -0.9349141022028478
        #expect(abs(Double(grads.hiddenAdjoints[0][1]) - dh2) < 1e-5)
        #expect(abs(Double(grads.hiddenAdjoints[0][0]) - dh2 * (1 - 0.9349141022028478 * 0.9349141022028478) * -1.5) < 1e-5)
    }

    /// One LSTM step and one GRU step by hand (unit weights chosen so each gate is easy to follow).
    /// LSTM, x = 1, h0 = c0 = 0, every W_ih row 1 and bias b_ih = (0, 1, 0, −1), b_hh = 0:
    ///   i = σ(1) = 0.731058578630005, f = σ(2), g = tanh(1) = 0.761594155955765, o = σ(0) = 0.5
    ///   c1 = i·g = 0.5567699411459397, h1 = 0.5·tanh(c1) = 0.252788465753554
    /// GRU, same x, rows r, z, n of W_ih = (1, −1, 2), biases 0:
    ///   r = σ(1), z = σ(−1) = 0.268941421369995, n = tanh(2 + r·0) = 0.964027580075817
    ///   h1 = (1 − z)·n = 0.7047606324503499
    @Test func oneLSTMStepAndOneGRUStepByHand() {
        func oneUnit(_ cell: CellKind, inputRows: [Float], biasIH: [Float]) -> ForwardTrace {
            let g = cell.gateCount
            let arch = Architecture(cell: cell, inputSize: 1, hiddenSize: 1, outputSize: 1)
            let p = Parameters(embedding: nil,
                               layers: [LayerParameters(weightIH: Tensor(shape: [g, 1], values: inputRows),
                                                        weightHH: Tensor(zeros: [g, 1]),
                                                        biasIH: Tensor(shape: [g], values: biasIH), biasHH: Tensor(zeros: [g]))],
                               headWeight: Tensor(shape: [1, 1], values: [1]), headBias: Tensor(zeros: [1]))
            return RecurrentNetwork(architecture: arch, parameters: p).forward(.vectors(Tensor(shape: [1, 1, 1], values: [1])))
        }
        let lstm = oneUnit(.lstm, inputRows: [1, 1, 1, 1], biasIH: [0, 1, 0, -1])
        let i = 0.731058578630005, gVal = 0.761594155955765
        #expect(abs(Double(lstm.top.gates[0]) - i) < 1e-6)
        #expect(abs(Double(lstm.top.gates[1]) - 0.880797077977882) < 1e-6)
        #expect(abs(Double(lstm.top.gates[2]) - gVal) < 1e-6)
        #expect(abs(Double(lstm.top.gates[3]) - 0.5) < 1e-6)
        #expect(abs(Double(lstm.top.cellState[0]) - i * gVal) < 1e-6)
        #expect(abs(Double(lstm.top.hidden[0]) - 0.252788465753554) < 1e-6)
        let gru = oneUnit(.gru, inputRows: [1, -1, 2], biasIH: [0, 0, 0])
        #expect(abs(Double(gru.top.gates[1]) - 0.268941421369995) < 1e-6)
        #expect(abs(Double(gru.top.gates[2]) - 0.964027580075817) < 1e-6)
        #expect(abs(Double(gru.top.hidden[0]) - 0.7047606324503499) < 1e-6)
    }

    /// Exploding values are carried as inf/NaN to the caller, never a trap.
    @Test(arguments: CellKind.allCases)
    func nonFiniteValuesAreCarriedNotFatal(cell: CellKind) {
        let arch = Architecture(cell: cell, inputSize: 2, hiddenSize: 4, outputSize: 3)
        var net = RecurrentNetwork(architecture: arch, seed: 1)
        net.parameters.headWeight.values = net.parameters.headWeight.values.map { $0 * 1e38 }
        let input = Tensor(shape: [3, 1, 2], values: [1, .infinity, -.infinity, .nan, 0.5, 0.25])
        let trace = net.forward(.vectors(input), whhScale: 1e30)
        let grads = net.backward(trace, loss: .crossEntropy([.init(step: 2, label: 1)]))
        #expect(trace.outputs.contains { !$0.isFinite })
        #expect(!grads.loss.isFinite || grads.parameters!.named.contains { !$0.tensor.isFinite })
        let probabilities = softmaxRows(trace.outputs, width: 3)
        #expect(probabilities.count == 9)
        #expect(topIndices(probabilities[0..<3], k: 5).count == 3)
    }
}
