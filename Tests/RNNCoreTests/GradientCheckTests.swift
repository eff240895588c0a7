import Testing
@testable import RNNCore

/// BPTT against finite differences of the Double reference (step 1e-6, so the
/// differences are accurate to ~1e-9): every adjoint dL/dh_t and dL/dc_t of
/// every layer and step, and every element of every parameter tensor. The
/// engine computes in Float32, hence the spec's tolerance 1e-4 + 1e-3·|x|.
@Suite struct GradientCheckTests {
    static let cases: [(CellKind, Int)] = CellKind.allCases.flatMap { [($0, 1), ($0, 2)] }

    /// Weights a little larger than PyTorch's defaults, so gates are far from 0.5 and the check is sensitive.
    static func network(_ cell: CellKind, layers: Int, seed: UInt64, vocabulary: Int? = 7, input: Int = 4) -> RecurrentNetwork {
        let arch = Architecture(cell: cell, inputSize: input, hiddenSize: 5, layerCount: layers,
                                outputSize: vocabulary ?? 2, vocabularySize: vocabulary)
        var net = RecurrentNetwork(architecture: arch, seed: seed)
        net.parameters.forEachTensor { _, t in t.values = t.values.map { $0 * 2.5 } }
        return net
    }

    static let sequences = [[1, 4, 2, 6, 0], [3, 3, 5, 1, 2]]
    static let loss = Loss.crossEntropy([
        .init(step: 4, sequence: 0, label: 2), .init(step: 2, sequence: 1, label: 5), .init(step: 4, sequence: 1, label: 0),
    ])

    @Test(arguments: cases)
    func adjointsOfEveryStateMatchFiniteDifferences(cell: CellKind, layers: Int) {
        let net = Self.network(cell, layers: layers, seed: 11)
        for scale: Float in [1, 0.6, 1.4] {
            let trace = net.forward(.tokens(Self.sequences), whhScale: scale)
            let grads = net.backward(trace, loss: Self.loss, parameterGradients: false)
            let reference = ReferenceNetwork(net, whhScale: scale)
            let inputs = reference.embed(Self.sequences)
            let h = net.architecture.hiddenSize
            for k in 0..<layers {
                for t in 0..<5 { for b in 0..<2 { for u in 0..<h {
                    let index = (t * 2 + b) * h + u
                    let expected = reference.stateDerivative(.hidden, layer: k, step: t, sequence: b, unit: u,
                                                             inputs: inputs, loss: Self.loss)
                    #expect(close(grads.hiddenAdjoints[k][index], expected),
                            "\(cell) L\(layers) s\(scale) dL/dh layer \(k) t \(t) b \(b) u \(u): \(grads.hiddenAdjoints[k][index]) vs \(expected)")
                    if cell == .lstm {
                        let expectedCell = reference.stateDerivative(.cell, layer: k, step: t, sequence: b, unit: u,
                                                                     inputs: inputs, loss: Self.loss)
                        #expect(close(grads.cellAdjoints[k][index], expectedCell),
                                "dL/dc layer \(k) t \(t) b \(b) u \(u): \(grads.cellAdjoints[k][index]) vs \(expectedCell)")
                    }
                }}}
            }
        }
    }

    @Test(arguments: cases)
    func everyParameterGradientMatchesFiniteDifferences(cell: CellKind, layers: Int) {
        let net = Self.network(cell, layers: layers, seed: 23)
        let scale: Float = 0.8
        let trace = net.forward(.tokens(Self.sequences), whhScale: scale)
        let grads = net.backward(trace, loss: Self.loss).parameters!
        let reference = ReferenceNetwork(net, whhScale: scale)
        #expect(close(net.backward(trace, loss: Self.loss).loss, reference.run(reference.embed(Self.sequences), loss: Self.loss).loss, absolute: 1e-5, relative: 1e-5))
        for (name, tensor) in grads.named {
            for i in tensor.values.indices {
                // W_hh enters as s·W_hh, so the reference perturbs W_hh itself through the scale.
                let expected = reference.parameterDerivative(name, i, inputs: { $0.embed(Self.sequences) }, loss: Self.loss)
                #expect(close(tensor.values[i], expected), "\(cell) L\(layers) \(name)[\(i)]: \(tensor.values[i]) vs \(expected)")
            }
        }
    }

    /// The adding-problem shape: raw 2-vectors in, a regression head, squared error at the last step.
    @Test(arguments: CellKind.allCases)
    func vectorInputsWithSquaredErrorMatchFiniteDifferences(cell: CellKind) {
        let net = Self.network(cell, layers: 2, seed: 5, vocabulary: nil, input: 2)
        var random = SeededRandom(seed: 9)
        let steps = 6, batch = 3
        let values = (0..<(steps * batch * 2)).map { _ in random.uniform(-1, 1) }
        let input = Tensor(shape: [steps, batch, 2], values: values)
        let loss = Loss.meanSquaredError((0..<batch).map { .init(step: steps - 1, sequence: $0, values: [0.3, -0.2]) }
                                         + [.init(step: 2, sequence: 1, values: [1, 0])])
        let trace = net.forward(.vectors(input))
        let grads = net.backward(trace, loss: loss, inputGradients: true)
        let reference = ReferenceNetwork(net)
        let asNested: [[[Double]]] = (0..<steps).map { t in (0..<batch).map { b in (0..<2).map { Double(values[(t * batch + b) * 2 + $0]) } } }
        #expect(close(grads.loss, reference.run(asNested, loss: loss).loss, absolute: 1e-5, relative: 1e-5))
        for (name, tensor) in grads.parameters!.named {
            for i in tensor.values.indices {
                let expected = reference.parameterDerivative(name, i, inputs: { _ in asNested }, loss: loss)
                #expect(close(tensor.values[i], expected), "\(cell) \(name)[\(i)]: \(tensor.values[i]) vs \(expected)")
            }
        }
        // dL/dx_t: nudge one input value at a time.
        for index in stride(from: 0, to: values.count, by: 5) {
            var up = asNested, down = asNested
            let (t, b, j) = (index / (batch * 2), (index / 2) % batch, index % 2)
            up[t][b][j] += 1e-6
            down[t][b][j] -= 1e-6
            let expected = (reference.run(up, loss: loss).loss - reference.run(down, loss: loss).loss) / 2e-6
            #expect(close(grads.inputs![index], expected), "\(cell) dL/dx[\(index)]")
        }
    }

    /// Training conditions: dropout on every layer's input and the head's input,
    /// and a state carried over from an earlier chunk (truncated BPTT).
    @Test(arguments: CellKind.allCases)
    func dropoutAndCarriedStateMatchFiniteDifferences(cell: CellKind) {
        let net = Self.network(cell, layers: 2, seed: 41)
        let first = net.forward(.tokens(Self.sequences))
        let carried = first.finalState
        let trace = net.forward(.tokens(Self.sequences), initialState: carried, dropout: Dropout(rate: 0.3, seed: 4))
        #expect(trace.dropoutMasks.count == 3 && trace.dropoutMasks[0].contains(0))
        #expect(trace.layers[1].initialHidden == first.layers[1].finalHidden)
        let grads = net.backward(trace, loss: Self.loss)
        let reference = ReferenceNetwork(net)
        let run = { (r: ReferenceNetwork) in r.run(r.embed(Self.sequences), loss: Self.loss, initial: carried, masks: trace.dropoutMasks) }
        #expect(close(grads.loss, run(reference).loss, absolute: 1e-5, relative: 1e-5))
        for (name, tensor) in grads.parameters!.named {
            for i in stride(from: 0, to: tensor.count, by: 2) {
                var plus = reference, minus = reference
                plus.tensors[name]![i] += 1e-6
                minus.tensors[name]![i] -= 1e-6
                let expected = (run(plus).loss - run(minus).loss) / 2e-6
                #expect(close(tensor.values[i], expected), "\(cell) \(name)[\(i)]: \(tensor.values[i]) vs \(expected)")
            }
        }
    }

    /// The engine differentiated against itself in Float32, with no reference in
    /// between. Float rounding limits central differences to ~1e-3 relative at
    /// step 1e-2, so the tolerance is looser; a wrong formula is off by far more.
    @Test(arguments: CellKind.allCases)
    func engineAgreesWithItsOwnFloatFiniteDifferences(cell: CellKind) {
        let net = Self.network(cell, layers: 2, seed: 31)
        let grads = net.backward(net.forward(.tokens(Self.sequences)), loss: Self.loss).parameters!
        for (name, tensor) in grads.named {
            for i in stride(from: 0, to: tensor.count, by: 3) {
                func lossWith(_ delta: Float) -> Float {
                    var copy = net
                    copy.parameters.forEachTensor { n, t in if n == name { t.values[i] += delta } }
                    return copy.backward(copy.forward(.tokens(Self.sequences)), loss: Self.loss, parameterGradients: false).loss
                }
                let estimate = (lossWith(1e-2) - lossWith(-1e-2)) / 2e-2
                #expect(abs(tensor.values[i] - estimate) <= 2e-3 + 2e-2 * abs(estimate), "\(cell) \(name)[\(i)]: \(tensor.values[i]) vs \(estimate)")
            }
        }
    }
}
