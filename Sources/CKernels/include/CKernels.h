#ifndef RNN_TUTOR_CKERNELS_H
#define RNN_TUTOR_CKERNELS_H

#include <stddef.h>

/// AVX-512 versions of RNNCore's hottest loops: the matrix product's micro-kernels
/// (MatrixMultiply.swift) and the softmax's exponentials, maximum and top-k scan
/// (Softmax.swift), each giving the same bits as the Swift loop it mirrors. For the
/// product, B is packed as there: panels of 16 columns, each K rows deep and
/// contiguous; every element of C is the same chain of fused multiply-adds over k in
/// order, starting from 0, then stored (or added to C: c + sum).
/// Call them only when rnn_avx512_available().

/// 1 when this CPU has AVX-512F and the operating system saves the zmm registers.
int rnn_avx512_available(void);

/// A hint to the core that this thread is waiting in a loop (WorkerPool's short spins):
/// x86's pause, ARM's yield.
static inline void rnn_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ volatile("yield");
#endif
}

/// C (+)= A·B for 1 to 6 rows of A and 1 to 32 columns of C (two panels, the
/// second at b + 16·k). Element (i, k) of A is at a[i·rowStride + k·columnStride].
/// With a bias (one value per column of C, else NULL), C = bias + A·B.
void rnn_avx512_rows6(int rows, const float *a, ptrdiff_t rowStride, ptrdiff_t columnStride,
                      const float *b, ptrdiff_t k, float *c, ptrdiff_t ldc, int columns, int accumulate,
                      const float *bias);

/// The same for exactly 12 rows of A.
void rnn_avx512_rows12(const float *a, ptrdiff_t rowStride, ptrdiff_t columnStride,
                       const float *b, ptrdiff_t k, float *c, ptrdiff_t ldc, int columns, int accumulate,
                       const float *bias);

/// C (+)= a·B for one row of A and 1 to 128 columns of C (up to eight panels); with a bias
/// (one value per column), C = bias + a·B, the same add as accumulating onto a C filled with it.
void rnn_avx512_row(const float *a, ptrdiff_t columnStride, const float *b, ptrdiff_t k,
                    float *c, int columns, int accumulate, const float *bias);

/// rnn_avx512_row over any number of columns, for one step of a walk through
/// time: the panels in calls of up to eight, last call first when `fromTheEnd`. Every column is
/// the same sum either way.
void rnn_avx512_row_walk(const float *a, ptrdiff_t columnStride, const float *b, ptrdiff_t k,
                         float *c, int columns, int accumulate, const float *bias, int fromTheEnd);

/// Rows of logits whose sums of exp(x − shift) are wanted, worked through a few vectors at
/// a time alongside a one-row product (rnn_avx512_row_alongside). Row i is rows[i], `width`
/// values; its sums go to sums[16i ..< 16i+16]: lanes 0–7 are rnn_avx512_exp_sums's sum0 and
/// lanes 8–15 its sum1, the same bits. `row`, `done` and `partial` are where the work stands:
/// start them at 0.
typedef struct {
    const float *const *rows;
    const float *shifts;
    float *sums;
    ptrdiff_t count;
    ptrdiff_t width;
    ptrdiff_t row;
    ptrdiff_t done;
    float partial[16];
} rnn_exp_sums_job;

/// rnn_avx512_row, with some of `job`'s exponentials worked into its loop: the product waits
/// on memory (the packed matrix streams from L2) while the exponentials keep the vector units
/// busy, so together they take little longer than the product alone.
void rnn_avx512_row_alongside(const float *a, ptrdiff_t columnStride, const float *b, ptrdiff_t k,
                              float *c, int columns, int accumulate, rnn_exp_sums_job *job);

/// Finishes `job`'s rows.
void rnn_avx512_exp_sums_finish(rnn_exp_sums_job *job);

/// The softmax's exponentials (Softmax.swift) on 16 lanes, with exp8's bits (VectorMath.swift).
/// For logSumExp: sum0 and sum1 (8 floats each) receive its two sums of exp(x_j − shift),
/// sum0 over x[16i ..< 16i+8] and the tail, sum1 over x[16i+8 ..< 16i+16], each in order.
void rnn_avx512_exp_sums(const float *x, ptrdiff_t n, float shift, float *sum0, float *sum1);

/// For softmax: out[j] = exp(x_j − shift), and sum (8 floats) += each chunk of 8 in order.
/// With out null, the sum alone.
void rnn_avx512_exp_store(const float *x, ptrdiff_t n, float shift, float *out, float *sum);

/// x[j] *= factor for every j (softmax's last pass): one rounding each, as in Swift.
void rnn_avx512_scale(float *x, ptrdiff_t n, float factor);

/// Adam's update of n values (Adam.swift), every operation rounded on its own in the same order.
void rnn_avx512_adam(const float *g, float *m, float *v, float *theta, ptrdiff_t n, float scale,
                     float b1, float oneMinusB1, float b2, float oneMinusB2, float lr, float eps,
                     float correction1, float correction2);

/// One packed panel of a matrix read across its rows (PackedMatrix, MatrixMultiply.swift):
/// dst[16·kk + j] = scale · src[kk·rowStride + j·columnStride] for j < width, 0 past it.
/// columnStride · 15 must fit in 32 bits.
void rnn_avx512_pack_strided(float *dst, const float *src, ptrdiff_t k, ptrdiff_t rowStride,
                             ptrdiff_t columnStride, int width, float scale);

/// A row-major [rows, columns] block (rows `sourceStride` apart) cut into panels of 16 columns:
/// panel p's row r goes to dst[p·panelStride + 16·r], zeros past the last column. The stores
/// bypass the cache (whole 64-byte lines, so nothing is read first): the panels are read
/// again only after every block is written. dst must be 64-byte aligned, panelStride a
/// multiple of 16.
void rnn_avx512_stream_panels(const float *src, ptrdiff_t rows, ptrdiff_t columns, ptrdiff_t sourceStride,
                              float *dst, ptrdiff_t panelStride);

/// One LSTM step for `batch` rows of `hidden` units (LSTMCell.forwardChunk on 16 lanes, with
/// its bits): gates [B, 4H] in the order i, f, g, o; h_t, c_t and tanh(c_t) [B, H].
void rnn_avx512_lstm_forward(int batch, int hidden, const float *inputProjection, const float *hiddenProjection,
                             const float *previousCell, float *gates, float *hiddenOut, float *cellOut,
                             float *tanhCell);

/// forwardLayer's walk for an LSTM layer and one sequence, on AVX-512, in one call: at each step
/// the hidden projection bias_hh + W_hh·h_{t−1} (W_hh packed transposed in `panels`, read from
/// alternate ends by rnn_avx512_row_walk; the bias alone at t = 0 unless `fromState`), then
/// the step (rnn_avx512_lstm_forward). The same numbers as the Swift loop, without its calls.
void rnn_avx512_lstm_walk(int steps, int hidden, const float *inputProjection, const float *panels,
                          const float *biasHH, const float *h0, const float *c0, int fromState,
                          float *hiddenProjection, float *gates, float *hiddenOut, float *cellOut,
                          float *tanhCell);

/// maximum's vector part (Softmax.swift): m0 and m1 (8 floats each), lane-wise maxima whose
/// largest is the largest value of every whole chunk of 16, and whether a NaN was seen. Returns
/// how far it went. It compares in another order than Swift's loop: the same maximum, except
/// that a maximum of zero may come back with the other sign, which no caller can see (each
/// subtracts it before exp, and log Σ exp adds it to a logarithm).
ptrdiff_t rnn_avx512_maximum(const float *x, ptrdiff_t n, float *m0, float *m1, int *sawNaN);

/// stepNorms (VectorMath.swift): norms[s] = √(Σ_u x[s·width + u]²) for each of `steps` rows of
/// `width`, each sum in double and in unit order, rounded to float at the end. steps·width must
/// fit in 32 bits (the rows are gathered eight at a time).
void rnn_avx512_step_norms(const float *x, ptrdiff_t steps, ptrdiff_t width, float *norms);

/// topIndices (Softmax.swift), the same scan in C: the indices of the k (≥ 1) largest of x[0..<n]
/// into best, best first (ties to the lower index, NaN below every number); returns how many
/// (min(k, n)), and whether a NaN was seen. The scan starts from a bound (for k ≤ 16, the k-th
/// largest of the 16 lanes' largest values) and compares 64 values at a time with the k-th best
/// so far; only those not below it are looked at one by one.
ptrdiff_t rnn_avx512_top_k(const float *x, ptrdiff_t n, ptrdiff_t k, ptrdiff_t *best, int *sawNaN);

/// rnn_avx512_top_k's answer for a row whose largest value in each 64 (groupMaxima[g], the
/// largest of x[64g ..< 64g + 64], NaN if one of them is NaN) is known: only the groups that
/// reach the k-th largest of those maxima are scanned. k ≤ 16 (more: the plain scan).
ptrdiff_t rnn_avx512_top_k_by_groups(const float *x, ptrdiff_t n, const float *groupMaxima, ptrdiff_t k,
                                     ptrdiff_t *best, int *sawNaN);

/// rnn_avx512_top_k_by_groups for each of `rows` rows of n (row r at x + r·ldx, its group maxima
/// at groupMaxima + r·groupStride): row r's best go to best[r·k ..], their number to counts[r]
/// and its NaN flag to sawNaN[r]. For k ≤ 7 the floors of 16 rows come at once, without a
/// branch; rows·groupStride must fit in 32 bits. 1 ≤ k ≤ n.
void rnn_avx512_top_k_rows(const float *x, ptrdiff_t rows, ptrdiff_t n, ptrdiff_t ldx, const float *groupMaxima,
                           ptrdiff_t groupStride, ptrdiff_t k, ptrdiff_t *best, ptrdiff_t *counts, int *sawNaN);

/// headRowPass's weighted sums (HeadRowPass.swift) for one group of panels: for each of the k
/// units, sums[16u + l] += weights[16g + l] · panels[g·16k + 16u + l] for g = 0, 1, … in order,
/// each one fused multiply-add, as the Swift loop does (16 lanes where it takes two of 8).
/// A group is 1 to 4 panels.
void rnn_avx512_weighted_panels(float *sums, const float *panels, ptrdiff_t k, int panelCount,
                                const float *weights);

/// One shard of headPass (HeadRowPass.swift) for hidden states of `rows` rows × k (row-major),
/// panels firstPanel ..< endPanel of the packed head (n outputs; row r of the logits at
/// logits + r·ldc, ldc ≥ n): group by group of four
/// panels, each row's logits (bias + h·W, when computeLogits), then the pass row's online
/// softmax weights and their weighted panels added into `lanes` (k × 16), every number as
/// the Swift loop computes it. `weights`: 64 floats of scratch; state[0] and state[1], the
/// largest logit so far and the sum of exp(logit − largest), are read and written.
/// groupMaxima (or NULL): each computed row's largest logit in each group of 64 outputs goes to
/// groupMaxima[row · groupStride + g] (g counted from output 0; NaN for a group with a NaN),
/// taken while the row's group is in L1, for rnn_avx512_top_k_by_groups.
void rnn_avx512_head_shard(const float *hidden, int rows, ptrdiff_t k, const float *panels,
                           ptrdiff_t firstPanel, ptrdiff_t endPanel, ptrdiff_t n, ptrdiff_t ldc, float *logits,
                           const float *bias, int computeLogits, int passRow,
                           float *lanes, float *weights, float *state, float *groupMaxima,
                           ptrdiff_t groupStride);

#endif
