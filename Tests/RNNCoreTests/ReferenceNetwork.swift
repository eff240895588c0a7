import Foundation
@testable import RNNCore

/// An independent, deliberately plain implementation of the same network in
/// Double, written from the spec's equations with naive loops (in the spirit
/// of min-char-rnn). The engine's forward pass is checked against it, and its
/// finite differences are the ground truth for the engine's BPTT.
struct ReferenceNetwork {
    let architecture: Architecture
    /// Parameters in Double, keyed by `state_dict` name.
    var tensors: [String: [Double]]
    var whhScale: Double = 1

    init(_ network: RecurrentNetwork, whhScale: Float = 1) {
        architecture = network.architecture
        tensors = Dictionary(uniqueKeysWithValues: network.parameters.named.map { ($0.name, $0.tensor.values.map(Double.init)) })
        self.whhScale = Double(whhScale)
    }

    /// A small push added to one recorded state after it is computed, for finite differences.
    struct Nudge {
        enum State { case hidden, cell }
        var state: State
        var layer: Int, step: Int, sequence: Int, unit: Int
        var amount: Double
    }

    struct Run {
        var loss: Double
        /// [layer][t][b][unit]
        var hidden: [[[[Double]]]]
        var cell: [[[[Double]]]]
        var gates: [[[[Double]]]]
        /// [t][b][c]
        var outputs: [[[Double]]]
    }

    /// inputs[t][b] is the input vector at step t of sequence b.
    /// `initial` starts every layer from a carried-over state; `masks` are dropout
    /// masks for each layer's input and, last, for the head's input.
    func run(_ inputs: [[[Double]]], loss: Loss, nudge: Nudge? = nil, initial: RecurrentState? = nil,
             masks: [[Float]] = []) -> Run {
        let a = architecture, h = a.hiddenSize, steps = inputs.count, batch = inputs[0].count
        func sig(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
        func masked(_ values: [[[Double]]], _ index: Int) -> [[[Double]]] {
            guard index < masks.count else { return values }
            let width = values[0][0].count
            return values.enumerated().map { t, rows in rows.enumerated().map { b, row in
                row.enumerated().map { j, v in v * Double(masks[index][(t * batch + b) * width + j]) }
            }}
        }
        var layerInput = inputs
        var hiddenAll: [[[[Double]]]] = [], cellAll: [[[[Double]]]] = [], gatesAll: [[[[Double]]]] = []
        for k in 0..<a.layerCount {
            let wih = tensors["rnn.weight_ih_l\(k)"]!, whh = tensors["rnn.weight_hh_l\(k)"]!.map { $0 * whhScale }
            let bih = tensors["rnn.bias_ih_l\(k)"]!, bhh = tensors["rnn.bias_hh_l\(k)"]!
            let inSize = a.layerInputSize(k), rows = a.gateRows
            layerInput = masked(layerInput, k)
            var hs: [[[Double]]] = [], cs: [[[Double]]] = [], gs: [[[Double]]] = []
            var hPrev = [[Double]](repeating: [Double](repeating: 0, count: h), count: batch)
            var cPrev = hPrev
            if let initial {
                hPrev = (0..<batch).map { b in (0..<h).map { Double(initial.hidden[k][b * h + $0]) } }
                if a.cell == .lstm { cPrev = (0..<batch).map { b in (0..<h).map { Double(initial.cell[k][b * h + $0]) } } }
            }
            for t in 0..<steps {
                var hNow = hPrev, cNow = cPrev, gNow = [[Double]](repeating: [], count: batch)
                for b in 0..<batch {
                    // xp = W_ih x + b_ih and hp = W_hh h + b_hh, row by row.
                    var xp = [Double](repeating: 0, count: rows), hp = xp
                    for r in 0..<rows {
                        xp[r] = bih[r]
                        for j in 0..<inSize { xp[r] += wih[r * inSize + j] * layerInput[t][b][j] }
                        hp[r] = bhh[r]
                        for j in 0..<h { hp[r] += whh[r * h + j] * hPrev[b][j] }
                    }
                    switch a.cell {
                    case .rnn:
                        gNow[b] = (0..<h).map { xp[$0] + hp[$0] }
                        hNow[b] = gNow[b].map { a.nonlinearity == .relu ? max(0, $0) : Foundation.tanh($0) }
                    case .lstm:
                        let i = (0..<h).map { sig(xp[$0] + hp[$0]) }
                        let f = (0..<h).map { sig(xp[h + $0] + hp[h + $0]) }
                        let g = (0..<h).map { Foundation.tanh(xp[2 * h + $0] + hp[2 * h + $0]) }
                        let o = (0..<h).map { sig(xp[3 * h + $0] + hp[3 * h + $0]) }
                        cNow[b] = (0..<h).map { f[$0] * cPrev[b][$0] + i[$0] * g[$0] }
                        if let n = nudge, n.state == .cell, n.layer == k, n.step == t, n.sequence == b { cNow[b][n.unit] += n.amount }
                        hNow[b] = (0..<h).map { o[$0] * Foundation.tanh(cNow[b][$0]) }
                        gNow[b] = i + f + g + o
                    case .gru:
                        let r = (0..<h).map { sig(xp[$0] + hp[$0]) }
                        let z = (0..<h).map { sig(xp[h + $0] + hp[h + $0]) }
                        let n = (0..<h).map { Foundation.tanh(xp[2 * h + $0] + r[$0] * hp[2 * h + $0]) }
                        hNow[b] = (0..<h).map { (1 - z[$0]) * n[$0] + z[$0] * hPrev[b][$0] }
                        gNow[b] = r + z + n
                    }
                    if let n = nudge, n.state == .hidden, n.layer == k, n.step == t, n.sequence == b { hNow[b][n.unit] += n.amount }
                }
                hs.append(hNow); cs.append(cNow); gs.append(gNow)
                hPrev = hNow
                cPrev = cNow
            }
            hiddenAll.append(hs); cellAll.append(cs); gatesAll.append(gs)
            layerInput = hs
        }
        let w = tensors["head.weight"]!, bias = tensors["head.bias"]!
        layerInput = masked(layerInput, a.layerCount)
        let outputs = layerInput.map { stepRows in
            stepRows.map { hv in (0..<a.outputSize).map { c in bias[c] + (0..<h).reduce(0) { $0 + w[c * h + $1] * hv[$1] } } }
        }
        var value = 0.0
        switch loss {
        case .crossEntropy(let targets):
            for target in targets {
                let logits = outputs[target.step][target.sequence]
                let m = logits.max()!
                let logSum = m + Foundation.log(logits.reduce(0) { $0 + Foundation.exp($1 - m) })
                value += logSum - logits[target.label]
            }
            value /= Double(targets.count)
        case .meanSquaredError(let targets):
            for target in targets {
                for (c, y) in outputs[target.step][target.sequence].enumerated() {
                    value += (y - Double(target.values[c])) * (y - Double(target.values[c]))
                }
            }
            value /= Double(targets.count * a.outputSize)
        }
        return Run(loss: value, hidden: hiddenAll, cell: cellAll, gates: gatesAll, outputs: outputs)
    }

    /// Inputs as the engine sees them: embedding rows for token ids.
    func embed(_ sequences: [[Int]]) -> [[[Double]]] {
        let e = architecture.inputSize, table = tensors["embedding.weight"]!
        return (0..<sequences[0].count).map { t in
            sequences.map { seq in (0..<e).map { table[seq[t] * e + $0] } }
        }
    }

    /// Central finite difference of the loss with respect to one parameter element.
    func parameterDerivative(_ name: String, _ index: Int, inputs: (ReferenceNetwork) -> [[[Double]]], loss: Loss,
                             step: Double = 1e-6) -> Double {
        var plus = self, minus = self
        plus.tensors[name]![index] += step
        minus.tensors[name]![index] -= step
        return (plus.run(inputs(plus), loss: loss).loss - minus.run(inputs(minus), loss: loss).loss) / (2 * step)
    }

    /// Central finite difference with respect to a recorded state (the adjoint of h_t or c_t).
    func stateDerivative(_ state: Nudge.State, layer: Int, step t: Int, sequence b: Int, unit: Int,
                         inputs: [[[Double]]], loss: Loss, step delta: Double = 1e-6) -> Double {
        let up = run(inputs, loss: loss, nudge: Nudge(state: state, layer: layer, step: t, sequence: b, unit: unit, amount: delta))
        let down = run(inputs, loss: loss, nudge: Nudge(state: state, layer: layer, step: t, sequence: b, unit: unit, amount: -delta))
        return (up.loss - down.loss) / (2 * delta)
    }
}

/// |Δ| ≤ absolute + relative·|expected|: the spec's tolerance shape.
func close(_ actual: Float, _ expected: Double, absolute: Double = 1e-4, relative: Double = 1e-3) -> Bool {
    abs(Double(actual) - expected) <= absolute + relative * abs(expected)
}
