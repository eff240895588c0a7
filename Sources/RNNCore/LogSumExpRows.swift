import CKernels
import Foundation

/// log Σ exp of many rows of logits, each shifted by its known maximum: a trace's every step.
///
/// Where the CPU has AVX-512 the exponentials are worked into the backward sweep's one-row
/// products (`backwardLayer`'s `alongside`): each product waits on W_hh streaming from L2 while
/// the vector units are half idle, and the exponentials fill them, so the two together take
/// little longer than the product alone. Whatever the sweep leaves is finished by `values`.
/// Each row's value has the bits of `logSumExp(row, knownMaximum:)`, however the work was split.
///
/// The rows are pointers into the caller's logits, which must outlive this object.
public final class LogSumExpRows: @unchecked Sendable {
    let rows: [UnsafePointer<Float>]
    let width: Int
    let maxima: [Float]
    /// The rows that need exponentials (a non-finite maximum is its own answer), as the C job.
    let job: UnsafeMutablePointer<rnn_exp_sums_job>?
    private let needed: [Int]
    private let pointers: UnsafeMutablePointer<UnsafePointer<Float>?>
    private let shifts: UnsafeMutablePointer<Float>
    private let sums: UnsafeMutablePointer<Float>

    public init(rows: [UnsafePointer<Float>], width: Int, maxima: [Float]) {
        precondition(rows.count == maxima.count, "one maximum a row")
        self.rows = rows
        self.width = width
        self.maxima = maxima
        needed = maxima.indices.filter { maxima[$0].isFinite && width > 0 }
        pointers = .allocate(capacity: max(needed.count, 1))
        shifts = .allocate(capacity: max(needed.count, 1))
        sums = .allocate(capacity: max(needed.count, 1) * 16)
        for (i, row) in needed.enumerated() {
            pointers[i] = rows[row]
            shifts[i] = maxima[row]
        }
        if Kernels.current == .avx512 && !needed.isEmpty {
            let job = UnsafeMutablePointer<rnn_exp_sums_job>.allocate(capacity: 1)
            job.initialize(to: rnn_exp_sums_job())
            job.pointee.rows = UnsafePointer(pointers)
            job.pointee.shifts = UnsafePointer(shifts)
            job.pointee.sums = sums
            job.pointee.count = needed.count
            job.pointee.width = width
            self.job = job
        } else {
            job = nil
        }
    }

    deinit {
        pointers.deallocate()
        shifts.deallocate()
        sums.deallocate()
        job?.deallocate()
    }

    /// Every row's log Σ exp, in order.
    public func values() -> [Float] {
        guard let job else {
            return rows.indices.map { logSumExp(rows[$0], width, knownMaximum: maxima[$0]) }
        }
        rnn_avx512_exp_sums_finish(job)
        var values = maxima   // a non-finite maximum is the row's value, as in logSumExp
        for (i, row) in needed.enumerated() {
            let sum0 = load8(sums + 16 * i), sum1 = load8(sums + 16 * i + 8)
            values[row] = maxima[row] + Float(log(Double((sum0 + sum1).sum())))
        }
        return values
    }
}
