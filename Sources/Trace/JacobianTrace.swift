import RNNCore

/// The vanishing-gradient bound of a traced sentence, layer by layer: for
/// every step t the largest singular value of the one-step Jacobian
/// ∂s_t/∂s_{t−1}, and for every t before the loss step K the product
/// Π_{s=t+1…K} σ_max(J_s) beside the measured ratio ‖λ_t‖ / ‖λ_K‖ of the
/// adjoints. For the top layer the ratio can never exceed the product
/// (λ_{t−1} = J_tᵀ·λ_t there); a lower layer also receives gradient from the
/// layer above at every step, so its ratio is measured, not bounded.
public struct JacobianTrace: Sendable {
    public struct Layer: Sendable {
        /// σ_max(∂s_t/∂s_{t−1}) for every step (s = h, or (h, c) for the LSTM).
        public var largestSingularValues: [Float]
        /// LSTM only: the forget gate's mean over the units at each step, the cell path's own factor.
        public var meanForgetGate: [Float]?
        /// Π_{s=t+1…K} σ_max(J_s): 1 at K, 0 after K.
        public var bound: [Float]
        /// ‖λ_t‖ / ‖λ_K‖ (λ: dL/dh_t, or the LSTM's joint (dL/dh_t, dL/dc_t with h_t held)): 1 at K, 0 after K.
        public var measuredRatio: [Float]
    }

    public var lossStep: Int
    /// Bottom layer first.
    public var layers: [Layer]
}

extension SentenceTrace {
    /// The Jacobian bound of every layer. `network` must be the one traced.
    public func jacobian(network: RecurrentNetwork) -> JacobianTrace {
        let a = network.architecture, k = loss.step, count = steps.count, h = hiddenSize
        let layers = (0..<a.layerCount).map { layer -> JacobianTrace.Layer in
            // Each step's σ_max on its own: the steps side by side on the worker pool, the same numbers whatever the threads.
            let sigmas = WorkerPool.shared.map(shards: count) { network.stepJacobian(forward, layer: layer, step: $0).largestSingularValue() }
            let record = forward.layers[layer]
            let forgetMeans: [Float]? = a.cell == .lstm ? (0..<count).map { t in
                let f = record.gates[(t * 4 + 1) * h..<(t * 4 + 2) * h]
                return Float(f.reduce(0.0) { $0 + Double($1) } / Double(h))
            } : nil
            var bound = [Float](repeating: 0, count: count)
            var product = 1.0
            for t in stride(from: k, through: 0, by: -1) {
                bound[t] = Float(product)
                product *= Double(sigmas[t])
            }
            let norms = adjointNorms(layer: layer)
            let reference = norms[k]
            let ratio = (0..<count).map { t -> Float in
                t > k ? 0 : Float(reference > 0 ? norms[t] / reference : (norms[t] == 0 ? 0 : .infinity))
            }
            return JacobianTrace.Layer(largestSingularValues: sigmas, meanForgetGate: forgetMeans, bound: bound,
                                       measuredRatio: ratio)
        }
        return JacobianTrace(lossStep: k, layers: layers)
    }

    /// ‖λ_t‖ of one layer, the adjoint of the state the recurrence carries:
    /// dL/dh_t, and for the LSTM also dL/dc_t with h_t held fixed (what
    /// reaches c_t through c_{t+1} only: dL/dc_{t+1} ⊙ f_{t+1}).
    func adjointNorms(layer: Int) -> [Double] {
        let h = hiddenSize, count = steps.count
        let hidden = gradients.hiddenAdjoints[layer]
        let cellTotal = gradients.cellAdjoints[layer]
        let gates = forward.layers[layer].gates
        return (0..<count).map { t in
            var sum = 0.0
            for u in 0..<h { sum += Double(hidden[t * h + u]) * Double(hidden[t * h + u]) }
            if cell == .lstm && t + 1 < count {
                for u in 0..<h {
                    let carried = Double(cellTotal[(t + 1) * h + u]) * Double(gates[((t + 1) * 4 + 1) * h + u])
                    sum += carried * carried
                }
            }
            return sum.squareRoot()
        }
    }

    /// The plain RNN's slope 1 − h_t² of every unit of one layer at every step:
    /// what multiplies the gradient on its way back through tanh. [T][H].
    public func tanhSlopes(layer: Int) -> [[Float]] {
        let h = hiddenSize, hidden = forward.layers[layer].hidden
        return (0..<steps.count).map { t in (0..<h).map { u in 1 - hidden[t * h + u] * hidden[t * h + u] } }
    }
}

extension JacobianTrace {
    /// `"jacobian": {"loss_step": K, "layers": [{"sigma_max": […], "forget_mean": […], "bound": […], "ratio": […]}, …]}`,
    /// bottom layer first; `forget_mean` for the LSTM only.
    func jsonField() -> String {
        let entries = layers.map { layer in
            var fields = ["\"sigma_max\": \(jsonNumbers(layer.largestSingularValues))"]
            if let f = layer.meanForgetGate { fields.append("\"forget_mean\": \(jsonNumbers(f))") }
            fields.append("\"bound\": \(jsonNumbers(layer.bound))")
            fields.append("\"ratio\": \(jsonNumbers(layer.measuredRatio))")
            return "  {" + fields.joined(separator: ", ") + "}"
        }
        return " \"jacobian\": {\"loss_step\": \(lossStep), \"layers\": [\n" + entries.joined(separator: ",\n") + "\n ]}"
    }

    /// Per layer k: `sigma_max_l{k}[,forget_mean_l{k}],bound_l{k},ratio_l{k}`.
    func csvHeader() -> [String] {
        layers.enumerated().flatMap { (k, layer) in
            ["sigma_max_l\(k)"] + (layer.meanForgetGate == nil ? [] : ["forget_mean_l\(k)"]) + ["bound_l\(k)", "ratio_l\(k)"]
        }
    }

    func csvFields(step t: Int) -> [Float] {
        layers.flatMap { layer in
            [layer.largestSingularValues[t]] + (layer.meanForgetGate.map { [$0[t]] } ?? []) + [layer.bound[t], layer.measuredRatio[t]]
        }
    }
}
