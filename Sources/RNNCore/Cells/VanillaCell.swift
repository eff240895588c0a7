/// The plain (Elman) RNN: h_t = tanh(a_t), a_t = W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh.
/// Its "gate" record is the pre-activation a_t, which the gates panel shows.
enum VanillaCell: CellStep {
    static func forward(_ s: StepForward) {
        let h = s.hidden
        for b in 0..<s.batch {
            let row = b * h
            forEachChunk(h) { j, n in
                let a = load(s.inputProjection + row + j, n) + load(s.hiddenProjection + row + j, n)
                store(a, s.gates + row + j, n)
                store(tanh8(a), s.hiddenOut + row + j, n)
            }
        }
    }

    static func backward(_ s: StepBackward) {
        let h = s.hidden
        for b in 0..<s.batch {
            let row = b * h
            forEachChunk(h) { j, n in
                let ht = load(s.hiddenOut + row + j, n)
                let da = load(s.dHidden + row + j, n) * (1 - ht * ht)   // tanh′ = 1 − tanh²
                store(da, s.dInputProjection + row + j, n)
                store(F8(), s.dPreviousHiddenDirect + row + j, n)
            }
        }
    }
}

/// The plain RNN with PyTorch's `nonlinearity="relu"`: h_t = max(0, a_t). Its
/// slope is 1 where a unit is active and 0 where it is not, so a gradient is
/// passed on unchanged or stopped, never squashed as tanh does.
enum ReLUCell: CellStep {
    static func forward(_ s: StepForward) {
        let h = s.hidden
        for b in 0..<s.batch {
            let row = b * h
            forEachChunk(h) { j, n in
                let a = load(s.inputProjection + row + j, n) + load(s.hiddenProjection + row + j, n)
                store(a, s.gates + row + j, n)
                var out = a
                out.replace(with: 0, where: a .< 0)   // NaN stays NaN, as torch.relu keeps it
                store(out, s.hiddenOut + row + j, n)
            }
        }
    }

    static func backward(_ s: StepBackward) {
        let h = s.hidden
        for b in 0..<s.batch {
            let row = b * h
            forEachChunk(h) { j, n in
                var da = load(s.dHidden + row + j, n)
                da.replace(with: 0, where: load(s.hiddenOut + row + j, n) .<= 0)   // relu′ = 1 where h > 0, else 0
                store(da, s.dInputProjection + row + j, n)
                store(F8(), s.dPreviousHiddenDirect + row + j, n)
            }
        }
    }
}
