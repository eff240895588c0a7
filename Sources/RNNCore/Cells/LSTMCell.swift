/// Long short-term memory (Hochreiter & Schmidhuber 1997, with the forget gate
/// of Gers et al. 2000), in PyTorch's gate order i, f, g, o:
///   i = σ(·), f = σ(·), g = tanh(·), o = σ(·)
///   c_t = f ⊙ c_{t−1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)
enum LSTMCell: CellStep {
    static func forward(_ s: StepForward) {
        let h = s.hidden
        for b in 0..<s.batch {
            let row = b * h, gateRow = 4 * b * h
            forEachChunk(h) { j, n in
                @inline(__always) func pre(_ block: Int) -> F8 {
                    load(s.inputProjection + gateRow + block * h + j, n) + load(s.hiddenProjection + gateRow + block * h + j, n)
                }
                let i = sigmoid8(pre(0)), f = sigmoid8(pre(1)), g = tanh8(pre(2)), o = sigmoid8(pre(3))
                let c = f * load(s.previousCell + row + j, n) + i * g
                store(i, s.gates + gateRow + j, n)
                store(f, s.gates + gateRow + h + j, n)
                store(g, s.gates + gateRow + 2 * h + j, n)
                store(o, s.gates + gateRow + 3 * h + j, n)
                store(c, s.cellOut + row + j, n)
                store(o * tanh8(c), s.hiddenOut + row + j, n)
            }
        }
    }

    static func backward(_ s: StepBackward) {
        let h = s.hidden
        for b in 0..<s.batch {
            let row = b * h, gateRow = 4 * b * h
            forEachChunk(h) { j, n in
                let i = load(s.gates + gateRow + j, n), f = load(s.gates + gateRow + h + j, n)
                let g = load(s.gates + gateRow + 2 * h + j, n), o = load(s.gates + gateRow + 3 * h + j, n)
                let tc = tanh8(load(s.cellOut + row + j, n))
                let dh = load(s.dHidden + row + j, n)
                // c_t reaches the loss through h_t and through c_{t+1} (the carry).
                let dc = load(s.cellCarry + row + j, n) + dh * o * (1 - tc * tc)
                store(dc, s.cellAdjoint + row + j, n)
                store(dc * f, s.cellCarry + row + j, n)
                let di = dc * g, df = dc * load(s.previousCell + row + j, n), dg = dc * i, dO = dh * tc
                store(di * i * (1 - i), s.dInputProjection + gateRow + j, n)
                store(df * f * (1 - f), s.dInputProjection + gateRow + h + j, n)
                store(dg * (1 - g * g), s.dInputProjection + gateRow + 2 * h + j, n)
                store(dO * o * (1 - o), s.dInputProjection + gateRow + 3 * h + j, n)
                store(F8(), s.dPreviousHiddenDirect + row + j, n)
            }
        }
    }
}
