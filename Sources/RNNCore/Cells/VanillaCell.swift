/// The plain (Elman) RNN: h_t = tanh(a_t), a_t = W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh.
/// Its "gate" record is the pre-activation a_t, which the gates panel shows.
enum VanillaCell: CellStep {
    @inline(__always)
    static func forwardChunk<Lanes: ChunkLanes>(_ s: StepForward, row b: Int, unit j: Int, _ n: Lanes) {
        let row = b * s.hidden + j
        let a = load(s.inputProjection + row, n) + load(s.hiddenProjection + row, n)
        store(a, s.gates + row, n)
        store(tanh8(a), s.hiddenOut + row, n)
    }

    @inline(__always)
    static func backwardChunk<Lanes: ChunkLanes>(_ s: StepBackward, row b: Int, unit j: Int, _ n: Lanes) {
        let row = b * s.hidden + j
        let ht = load(s.hiddenOut + row, n)
        let da = load(s.dHidden + row, n) * (1 - ht * ht)   // tanh′ = 1 − tanh²
        store(da, s.dInputProjection + row, n)
        store(F8(), s.dPreviousHiddenDirect + row, n)
    }
}

/// The plain RNN with PyTorch's `nonlinearity="relu"`: h_t = max(0, a_t). Its
/// slope is 1 where a unit is active and 0 where it is not, so a gradient is
/// passed on unchanged or stopped, never squashed as tanh does.
enum ReLUCell: CellStep {
    @inline(__always)
    static func forwardChunk<Lanes: ChunkLanes>(_ s: StepForward, row b: Int, unit j: Int, _ n: Lanes) {
        let row = b * s.hidden + j
        let a = load(s.inputProjection + row, n) + load(s.hiddenProjection + row, n)
        store(a, s.gates + row, n)
        var out = a
        out.replace(with: 0, where: a .< 0)   // NaN stays NaN, as torch.relu keeps it
        store(out, s.hiddenOut + row, n)
    }

    @inline(__always)
    static func backwardChunk<Lanes: ChunkLanes>(_ s: StepBackward, row b: Int, unit j: Int, _ n: Lanes) {
        let row = b * s.hidden + j
        var da = load(s.dHidden + row, n)
        da.replace(with: 0, where: load(s.hiddenOut + row, n) .<= 0)   // relu′ = 1 where h > 0, else 0
        store(da, s.dInputProjection + row, n)
        store(F8(), s.dPreviousHiddenDirect + row, n)
    }
}
