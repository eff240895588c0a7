/// The arithmetic of one time step of one cell type, on raw slices of the
/// batch. `Recurrence` walks time and does every matrix product; a cell only
/// does what is elementwise, so each cell file reads like its equations.
///
/// A cell writes its arithmetic once, for one chunk of 8 units of one batch row;
/// the walk over rows and chunks is shared (below). The chunk's lane count is a
/// type, so the full chunks, nearly all of them, compile to plain 8-wide loads
/// and stores with no per-lane branch.
protocol CellStep {
    static func forward(_ s: StepForward)
    static func backward(_ s: StepBackward)
    /// Units j ..< j + lanes.count of batch row `row` (units start at row·H, gates at row·G·H).
    static func forwardChunk<Lanes: ChunkLanes>(_ s: StepForward, row: Int, unit j: Int, _ lanes: Lanes)
    static func backwardChunk<Lanes: ChunkLanes>(_ s: StepBackward, row: Int, unit j: Int, _ lanes: Lanes)
}

extension CellStep {
    static func forward(_ s: StepForward) { forwardChunks(s) }

    static func forwardChunks(_ s: StepForward) {
        forEachChunk(batch: s.batch, hidden: s.hidden) { b, j in forwardChunk(s, row: b, unit: j, FullChunk()) }
            partial: { b, j, n in forwardChunk(s, row: b, unit: j, PartialChunk(count: n)) }
    }

    static func backward(_ s: StepBackward) {
        forEachChunk(batch: s.batch, hidden: s.hidden) { b, j in backwardChunk(s, row: b, unit: j, FullChunk()) }
            partial: { b, j, n in backwardChunk(s, row: b, unit: j, PartialChunk(count: n)) }
    }
}

/// How many of a chunk's 8 lanes hold units: all (known when compiled) or fewer at the end of a row.
protocol ChunkLanes { var count: Int { get } }
struct FullChunk: ChunkLanes { var count: Int { 8 } }
struct PartialChunk: ChunkLanes { let count: Int }

@inline(__always) func load(_ p: UnsafePointer<Float>, _ lanes: some ChunkLanes) -> F8 { load(p, lanes.count) }
@inline(__always) func store(_ v: F8, _ p: UnsafeMutablePointer<Float>, _ lanes: some ChunkLanes) { store(v, p, lanes.count) }

/// Every batch row in chunks of 8 units: `full` for the whole chunks, `partial` for a row's last few units.
@inline(__always)
func forEachChunk(batch: Int, hidden h: Int, _ full: (_ row: Int, _ unit: Int) -> Void,
                  partial: (_ row: Int, _ unit: Int, _ lanes: Int) -> Void) {
    let whole = h / 8 * 8
    for b in 0..<batch {
        var j = 0
        while j < whole {
            full(b, j)
            j += 8
        }
        if whole < h { partial(b, whole, h - whole) }
    }
}

/// One forward step for B sequences of H units. Gate blocks are H wide, in PyTorch's row order.
struct StepForward {
    let batch: Int
    let hidden: Int
    /// [B, G·H]: W_ih·x_t + b_ih.
    let inputProjection: UnsafePointer<Float>
    /// [B, G·H]: W_hh·h_{t−1} + b_hh.
    let hiddenProjection: UnsafePointer<Float>
    /// [B, H] each; zeros at t = 0.
    let previousHidden: UnsafePointer<Float>
    let previousCell: UnsafePointer<Float>
    /// Records written by the step: [B, G·H] gates, [B, H] h_t, c_t and the cell's extra record.
    let gates: UnsafeMutablePointer<Float>
    let hiddenOut: UnsafeMutablePointer<Float>
    let cellOut: UnsafeMutablePointer<Float>
    let extra: UnsafeMutablePointer<Float>
}

/// One backward step: from the total adjoint dL/dh_t to the adjoints of both projections.
struct StepBackward {
    let batch: Int
    let hidden: Int
    /// [B, H]: dL/dh_t through every path (loss, layer above, step t+1).
    let dHidden: UnsafePointer<Float>
    /// The forward records of this step and the states before it.
    let gates: UnsafePointer<Float>
    let hiddenOut: UnsafePointer<Float>
    let cellOut: UnsafePointer<Float>
    let extra: UnsafePointer<Float>
    let previousHidden: UnsafePointer<Float>
    let previousCell: UnsafePointer<Float>
    /// LSTM: in, dL/dc_t arriving from step t+1; out, the part that reaches c_{t−1}.
    let cellCarry: UnsafeMutablePointer<Float>
    /// LSTM: the total dL/dc_t, recorded for the trace.
    let cellAdjoint: UnsafeMutablePointer<Float>
    /// [B, G·H]: dL/d(W_ih·x_t + b_ih) and dL/d(W_hh·h_{t−1} + b_hh). The same memory unless the cell is a GRU.
    let dInputProjection: UnsafeMutablePointer<Float>
    let dHiddenProjection: UnsafeMutablePointer<Float>
    /// [B, H]: the part of dL/dh_{t−1} that bypasses W_hh (the GRU's z ⊙ dh); zero for the others.
    let dPreviousHiddenDirect: UnsafeMutablePointer<Float>
}

extension CellKind {
    /// The step for this cell; `nonlinearity` matters for the plain RNN only.
    func step(_ nonlinearity: Nonlinearity) -> any CellStep.Type {
        switch self {
        case .rnn: nonlinearity == .relu ? ReLUCell.self : VanillaCell.self
        case .lstm: LSTMCell.self
        case .gru: GRUCell.self
        }
    }

    /// The GRU's n gate sees W_hn·h only through r, so its two projections get different adjoints.
    var separateHiddenProjectionAdjoint: Bool { self == .gru }
}

/// Walks the units of one batch row in chunks of 8 lanes (the last chunk may be partial).
@inline(__always)
func forEachChunk(_ count: Int, _ body: (_ offset: Int, _ lanes: Int) -> Void) {
    var j = 0
    while j < count {
        body(j, min(8, count - j))
        j += 8
    }
}
