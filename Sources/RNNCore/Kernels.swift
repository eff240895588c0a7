import CKernels
import Foundation
import Synchronization

/// Which inner loops the engine's hottest code runs: the matrix product's kernels, and
/// the softmax's exponentials, maximum and top-k scan. Both sets compute every number with the same operations
/// in the same order (each element of a product is the same chain of fused multiply-adds
/// over k), so they give the same bits: the choice changes the speed only.
public enum Kernels: String, Sendable {
    /// 16-wide loops in C (Sources/CKernels), for CPUs and systems with AVX-512.
    case avx512
    /// The Swift SIMD loops (8 wide on x86-64): any CPU.
    case portable

    /// Whether this CPU has AVX-512F and the operating system saves its registers.
    public static let avx512Available = rnn_avx512_available() != 0

    /// The set the engine uses: AVX-512 where available, unless the environment says
    /// `RNN_TUTOR_KERNEL=portable` (read once). Tests set it to compare the two;
    /// asking for AVX-512 on a machine without it gives portable.
    public internal(set) static var current: Kernels {
        get { usesAVX512.load(ordering: .relaxed) ? .avx512 : .portable }
        set { usesAVX512.store(newValue == .avx512 && avx512Available, ordering: .relaxed) }
    }

    private static let requested = ProcessInfo.processInfo.environment["RNN_TUTOR_KERNEL"]
    private static let usesAVX512 = Atomic<Bool>(avx512Available && requested != "portable")

    /// Which set runs and why, for benchmark reports: a misspelt RNN_TUTOR_KERNEL is named here.
    public static var report: String {
        let why = current == .avx512 ? "this CPU has AVX-512"
            : requested == "portable" ? "RNN_TUTOR_KERNEL=portable" : "this CPU or its OS lacks AVX-512"
        let unknown = requested.map { ["", "portable", "avx512"].contains($0) ? "" : "; RNN_TUTOR_KERNEL=\($0) is not portable or avx512, ignored" } ?? ""
        return "\(current.rawValue) kernels (\(why)\(unknown))"
    }
}
