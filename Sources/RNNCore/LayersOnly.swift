extension RecurrentNetwork {
    /// The recurrent layers' records for B token sequences of equal length,
    /// without the head: what a search over many sentences needs, at a
    /// fraction of the cost (the head's C×H product dominates a full pass).
    public func layerRecords(tokens sequences: [[Int]], whhScale: Float = 1) -> [LayerRecord] {
        let a = architecture
        guard let embedding = parameters.embedding else { preconditionFailure("this network takes vectors, not tokens") }
        let steps = sequences.first?.count ?? 0, batch = sequences.count
        precondition(steps > 0 && sequences.allSatisfy { $0.count == steps }, "sequences in a batch must have equal, non-zero length")
        var layerInput = [Float](repeating: 0, count: steps * batch * a.inputSize)
        for t in 0..<steps {
            for b in 0..<batch {
                let id = sequences[b][t]
                precondition(id >= 0 && id < embedding.shape[0], "token id \(id) outside the vocabulary")
                let from = id * a.inputSize, to = (t * batch + b) * a.inputSize
                for e in 0..<a.inputSize { layerInput[to + e] = embedding.values[from + e] }
            }
        }
        var records: [LayerRecord] = []
        for (k, p) in parameters.layers.enumerated() {
            let record = layerInput.withUnsafeBufferPointer {
                forwardLayer(p, cell: a.cell, input: $0.baseAddress!, inputSize: a.layerInputSize(k),
                             steps: steps, batch: batch, whhScale: whhScale, initialHidden: nil, initialCell: nil)
            }
            records.append(record)
            layerInput = record.hidden
        }
        return records
    }
}
