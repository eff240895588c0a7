/// Gated recurrent unit (Cho et al. 2014), in PyTorch's form and order r, z, n:
///   r = σ(·), z = σ(·), n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn))
///   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
/// The extra record keeps W_hn·h_{t−1} + b_hn, which the backward pass needs.
enum GRUCell: CellStep {
    @inline(__always)
    static func forwardChunk<Lanes: ChunkLanes>(_ s: StepForward, row b: Int, unit j: Int, _ n: Lanes) {
        let h = s.hidden, row = b * h + j, gateRow = 3 * b * h + j
        let xr = load(s.inputProjection + gateRow, n), hr = load(s.hiddenProjection + gateRow, n)
        let xz = load(s.inputProjection + gateRow + h, n), hz = load(s.hiddenProjection + gateRow + h, n)
        let xn = load(s.inputProjection + gateRow + 2 * h, n), hn = load(s.hiddenProjection + gateRow + 2 * h, n)
        let r = sigmoid8(xr + hr), z = sigmoid8(xz + hz)
        let candidate = tanh8(xn + r * hn)
        let previous = load(s.previousHidden + row, n)
        store(r, s.gates + gateRow, n)
        store(z, s.gates + gateRow + h, n)
        store(candidate, s.gates + gateRow + 2 * h, n)
        store(hn, s.extra + row, n)
        store((1 - z) * candidate + z * previous, s.hiddenOut + row, n)
    }

    @inline(__always)
    static func backwardChunk<Lanes: ChunkLanes>(_ s: StepBackward, row b: Int, unit j: Int, _ n: Lanes) {
        let h = s.hidden, row = b * h + j, gateRow = 3 * b * h + j
        let r = load(s.gates + gateRow, n), z = load(s.gates + gateRow + h, n)
        let candidate = load(s.gates + gateRow + 2 * h, n)
        let hn = load(s.extra + row, n)
        let previous = load(s.previousHidden + row, n)
        let dh = load(s.dHidden + row, n)
        let dCandidatePre = dh * (1 - z) * (1 - candidate * candidate)
        let dr = dCandidatePre * hn * r * (1 - r)
        let dz = dh * (previous - candidate) * z * (1 - z)
        store(dr, s.dInputProjection + gateRow, n)
        store(dz, s.dInputProjection + gateRow + h, n)
        store(dCandidatePre, s.dInputProjection + gateRow + 2 * h, n)
        store(dr, s.dHiddenProjection + gateRow, n)
        store(dz, s.dHiddenProjection + gateRow + h, n)
        store(dCandidatePre * r, s.dHiddenProjection + gateRow + 2 * h, n)
        store(dh * z, s.dPreviousHiddenDirect + row, n)
    }
}
