import Foundation
import Testing
@testable import RNNCore

/// The plain RNN with PyTorch's nonlinearity="relu" (the word-language-model
/// example's RNN_RELU): forward and BPTT against the plain Double reference.
@Suite struct ReLUTests {
    static func network(layers: Int, seed: UInt64) -> RecurrentNetwork {
        let arch = Architecture(cell: .rnn, inputSize: 4, hiddenSize: 5, layerCount: layers, outputSize: 7,
                                vocabularySize: 7, nonlinearity: .relu)
        var net = RecurrentNetwork(architecture: arch, seed: seed)
        net.parameters.forEachTensor { _, t in t.values = t.values.map { $0 * 2.5 } }
        return net
    }

    @Test(arguments: [1, 2])
    func forwardIsMaxOfZeroAndItsAdjointsMatchFiniteDifferences(layers: Int) {
        let net = Self.network(layers: layers, seed: 5)
        let sequences = GradientCheckTests.sequences, loss = GradientCheckTests.loss
        let trace = net.forward(.tokens(sequences))
        // Some units are off (exactly 0) and their pre-activation is negative: the rule, not tanh.
        #expect(trace.top.hidden.contains(0) && trace.top.hidden.allSatisfy { $0 >= 0 })
        #expect(zip(trace.top.hidden, trace.top.gates).allSatisfy { h, a in h == max(0, a) })
        let grads = net.backward(trace, loss: loss)
        let reference = ReferenceNetwork(net)
        let inputs = reference.embed(sequences)
        for k in 0..<layers {
            for index in grads.hiddenAdjoints[k].indices {
                let u = index % 5, b = (index / 5) % 2, t = index / 10
                let expected = reference.stateDerivative(.hidden, layer: k, step: t, sequence: b, unit: u, inputs: inputs, loss: loss)
                #expect(close(grads.hiddenAdjoints[k][index], expected), "layer \(k) t \(t) b \(b) u \(u)")
            }
        }
        for (name, tensor) in grads.parameters!.named {
            for i in tensor.values.indices {
                let expected = reference.parameterDerivative(name, i, inputs: { $0.embed(sequences) }, loss: loss)
                #expect(close(tensor.values[i], expected), "\(name)[\(i)]: \(tensor.values[i]) vs \(expected)")
            }
        }
    }
}
