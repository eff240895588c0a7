import CKernels

/// Adam (Kingma & Ba 2015) with bias correction, as `torch.optim.Adam` computes it:
///   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − lr·m̂/(√v̂ + ε).
public struct Adam: Sendable {
    public var learningRate: Float
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    /// Updates taken so far (for bias correction; part of a checkpoint).
    public var step: Int = 0
    public var firstMoment: Parameters
    public var secondMoment: Parameters

    public init(for architecture: Architecture, learningRate: Float) {
        self.learningRate = learningRate
        firstMoment = Parameters(zerosFor: architecture)
        secondMoment = Parameters(zerosFor: architecture)
    }

    /// One step from `gradients`, each first multiplied by `gradientScale` when one is given
    /// (the clipping factor: the same product `clipGlobalNorm` would have stored, without a pass of its own).
    public mutating func update(_ parameters: inout Parameters, with gradients: Parameters, gradientScale: Float? = nil,
                                kernels: Kernels = .current) {
        step += 1
        let correction1 = 1 - Float(Double(beta1).pow(step)), correction2 = 1 - Float(Double(beta2).pow(step))
        let (b1, b2, lr, eps) = (beta1, beta2, learningRate, epsilon)
        let scale = gradientScale ?? 1   // × 1 changes no value
        Parameters.forEachTensor(&parameters, &firstMoment, &secondMoment, gradients) { parameters, m, v, g in
            let count = g.values.count
            guard count > 0 else { return }
            g.values.withUnsafeBufferPointer { g in
                m.values.withUnsafeMutableBufferPointer { m in
                    v.values.withUnsafeMutableBufferPointer { v in
                        parameters.values.withUnsafeMutableBufferPointer { theta in
                            // Each value on its own, 8 lanes at a time (the same operations, in the same
                            // order, as one value at a time): blocks of 16k values on the worker pool, small
                            // enough that even W_hh is shared out and the embedding splits evenly.
                            let block = 1 << 14
                            let (g, m, v, theta) = (g.baseAddress!, m.baseAddress!, v.baseAddress!, theta.baseAddress!)
                            let wide = kernels == .avx512
                            inPieces(count, of: block) { range in
                                let first = range.lowerBound
                                if wide {
                                    // The same operations on 16 lanes (Swift left the square root and
                                    // most divisions one lane at a time).
                                    rnn_avx512_adam(g + first, m + first, v + first, theta + first, range.count,
                                                    scale, b1, 1 - b1, b2, 1 - b2, lr, eps, correction1, correction2)
                                    return
                                }
                                forEachChunk(range.count) { j, n in
                                    let i = first + j, gi = load(g + i, n) * scale
                                    let mi = b1 * load(m + i, n) + (1 - b1) * gi
                                    let vi = b2 * load(v + i, n) + (1 - b2) * gi * gi
                                    store(mi, m + i, n)
                                    store(vi, v + i, n)
                                    store(load(theta + i, n) - lr * (mi / correction1) / ((vi / correction2).squareRoot() + eps),
                                          theta + i, n)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension Double {
    fileprivate func pow(_ n: Int) -> Double {
        var result = 1.0, base = self, e = n
        while e > 0 {
            if e & 1 == 1 { result *= base }
            base *= base
            e >>= 1
        }
        return result
    }
}

extension Parameters {
    /// Scales the gradients down so that their global norm is at most `maxNorm`
    /// (Pascanu, Mikolov & Bengio 2013), as `clip_grad_norm_` does. Returns the
    /// norm before clipping; a non-finite norm leaves the values as they are.
    @discardableResult
    public mutating func clipGlobalNorm(to maxNorm: Float) -> Float {
        let (norm, clipping) = clipping(to: maxNorm)
        guard let scale = clipping else { return norm }
        forEachTensor { _, tensor in
            tensor.values.withUnsafeMutableBufferPointer { values in
                // Blocks of 64k values on the worker pool.
                inPieces(values.count, of: 1 << 16) { range in
                    for i in range { values[i] *= scale }
                }
            }
        }
        return norm
    }

    /// The global norm, and the factor that clipping to `maxNorm` multiplies every value by
    /// (nil when the norm is within it or not finite).
    public func clipping(to maxNorm: Float) -> (norm: Float, scale: Float?) {
        let norm = Float(squaredNorm.squareRoot())
        guard norm.isFinite, norm > maxNorm else { return (norm, nil) }
        return (norm, maxNorm / (norm + 1e-6))
    }
}
