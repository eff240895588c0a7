/// Gated recurrent unit (Cho et al. 2014), in PyTorch's form and order r, z, n:
///   r = σ(·), z = σ(·), n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn))
///   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
/// The extra record keeps W_hn·h_{t−1} + b_hn, which the backward pass needs.
enum GRUCell: CellStep {
    static func forward(_ s: StepForward) {
        let h = s.hidden
        for b in 0..<s.batch {
            let row = b * h, gateRow = 3 * b * h
            forEachChunk(h) { j, n in
                let xr = load(s.inputProjection + gateRow + j, n), hr = load(s.hiddenProjection + gateRow + j, n)
                let xz = load(s.inputProjection + gateRow + h + j, n), hz = load(s.hiddenProjection + gateRow + h + j, n)
                let xn = load(s.inputProjection + gateRow + 2 * h + j, n), hn = load(s.hiddenProjection + gateRow + 2 * h + j, n)
                let r = sigmoid8(xr + hr), z = sigmoid8(xz + hz)
                let candidate = tanh8(xn + r * hn)
                let previous = load(s.previousHidden + row + j, n)
                store(r, s.gates + gateRow + j, n)
                store(z, s.gates + gateRow + h + j, n)
                store(candidate, s.gates + gateRow + 2 * h + j, n)
                store(hn, s.extra + row + j, n)
                store((1 - z) * candidate + z * previous, s.hiddenOut + row + j, n)
            }
        }
    }

    static func backward(_ s: StepBackward) {
        let h = s.hidden
        for b in 0..<s.batch {
            let row = b * h, gateRow = 3 * b * h
            forEachChunk(h) { j, n in
                let r = load(s.gates + gateRow + j, n), z = load(s.gates + gateRow + h + j, n)
                let candidate = load(s.gates + gateRow + 2 * h + j, n)
                let hn = load(s.extra + row + j, n)
                let previous = load(s.previousHidden + row + j, n)
                let dh = load(s.dHidden + row + j, n)
                let dCandidatePre = dh * (1 - z) * (1 - candidate * candidate)
                let dr = dCandidatePre * hn * r * (1 - r)
                let dz = dh * (previous - candidate) * z * (1 - z)
                store(dr, s.dInputProjection + gateRow + j, n)
                store(dz, s.dInputProjection + gateRow + h + j, n)
                store(dCandidatePre, s.dInputProjection + gateRow + 2 * h + j, n)
                store(dr, s.dHiddenProjection + gateRow + j, n)
                store(dz, s.dHiddenProjection + gateRow + h + j, n)
                store(dCandidatePre * r, s.dHiddenProjection + gateRow + 2 * h + j, n)
                store(dh * z, s.dPreviousHiddenDirect + row + j, n)
            }
        }
    }
}
