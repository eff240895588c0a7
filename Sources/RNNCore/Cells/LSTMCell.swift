import CKernels

/// Long short-term memory (Hochreiter & Schmidhuber 1997, with the forget gate
/// of Gers et al. 2000), in PyTorch's gate order i, f, g, o:
///   i = σ(·), f = σ(·), g = tanh(·), o = σ(·)
///   c_t = f ⊙ c_{t−1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)
/// The extra record keeps tanh(c_t), which the backward pass needs.
enum LSTMCell: CellStep {
    static func forward(_ s: StepForward) {
        // Five exponentials and five divisions a unit: on AVX-512, 16 units at a time (the same bits).
        if Kernels.current == .avx512 {
            rnn_avx512_lstm_forward(Int32(s.batch), Int32(s.hidden), s.inputProjection, s.hiddenProjection,
                                    s.previousCell, s.gates, s.hiddenOut, s.cellOut, s.extra)
        } else {
            forwardChunks(s)
        }
    }

    @inline(__always)
    static func forwardChunk<Lanes: ChunkLanes>(_ s: StepForward, row b: Int, unit j: Int, _ n: Lanes) {
        let h = s.hidden, row = b * h + j, gateRow = 4 * b * h + j
        @inline(__always) func pre(_ block: Int) -> F8 {
            load(s.inputProjection + gateRow + block * h, n) + load(s.hiddenProjection + gateRow + block * h, n)
        }
        let i = sigmoid8(pre(0)), f = sigmoid8(pre(1)), g = tanh8(pre(2)), o = sigmoid8(pre(3))
        let c = f * load(s.previousCell + row, n) + i * g
        store(i, s.gates + gateRow, n)
        store(f, s.gates + gateRow + h, n)
        store(g, s.gates + gateRow + 2 * h, n)
        store(o, s.gates + gateRow + 3 * h, n)
        let tc = tanh8(c)
        store(c, s.cellOut + row, n)
        store(tc, s.extra + row, n)   // tanh(c_t), for the backward pass
        store(o * tc, s.hiddenOut + row, n)
    }

    @inline(__always)
    static func backwardChunk<Lanes: ChunkLanes>(_ s: StepBackward, row b: Int, unit j: Int, _ n: Lanes) {
        let h = s.hidden, row = b * h + j, gateRow = 4 * b * h + j
        let i = load(s.gates + gateRow, n), f = load(s.gates + gateRow + h, n)
        let g = load(s.gates + gateRow + 2 * h, n), o = load(s.gates + gateRow + 3 * h, n)
        let tc = load(s.extra + row, n)   // tanh(c_t), kept by the forward step
        let dh = load(s.dHidden + row, n)
        // c_t reaches the loss through h_t and through c_{t+1} (the carry).
        let dc = load(s.cellCarry + row, n) + dh * o * (1 - tc * tc)
        store(dc, s.cellAdjoint + row, n)
        store(dc * f, s.cellCarry + row, n)
        let di = dc * g, df = dc * load(s.previousCell + row, n), dg = dc * i, dO = dh * tc
        store(di * i * (1 - i), s.dInputProjection + gateRow, n)
        store(df * f * (1 - f), s.dInputProjection + gateRow + h, n)
        store(dg * (1 - g * g), s.dInputProjection + gateRow + 2 * h, n)
        store(dO * o * (1 - o), s.dInputProjection + gateRow + 3 * h, n)
        store(F8(), s.dPreviousHiddenDirect + row, n)
    }
}
