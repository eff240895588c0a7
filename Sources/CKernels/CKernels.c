// AVX-512 versions of RNNCore's hottest loops, on registers of 16 floats instead
// of 8: the matrix product's micro-kernels (kernel6, rowTimesFourPanels and
// storeRow in MatrixMultiply.swift), where each accumulator holds a whole
// 16-column panel and a core with two 512-bit FMA units does twice the work per
// cycle; and the softmax's exponentials, maximum and top-k scan (Softmax.swift).
//
// Same bits: every element of C is a chain of fused multiply-adds over k in
// order, starting from 0, then stored or added to C (c + sum), exactly as in the
// Swift kernels; exp16 is exp8 operation for operation, and every sum keeps the
// Swift loop's lanes and order. Only the width of the registers differs.

#include "CKernels.h"

// Every multiply and add rounds on its own, as in Swift: never fuse a * b + c
// unless the code says so (_mm512_fmadd_ps), or the bits would differ.
#pragma STDC FP_CONTRACT OFF

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f")))
#define INLINE static inline __attribute__((always_inline))
// Kernels with several constant-argument copies in one caller: inline when optimized; built
// without optimization each copy kept its own stack slots, and the callers' frames outgrew a
// worker thread's stack.
#if defined(__OPTIMIZE__)
#define COPIED INLINE
#else
#define COPIED static __attribute__((noinline))
#endif

int rnn_avx512_available(void) {
    unsigned eax, ebx, ecx, edx;
    // The CPU must have AVX-512F, and the OS must have turned on XSAVE (so xgetbv may run)...
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE)) return 0;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    if (!(ebx & bit_AVX512F)) return 0;
    // ...and save the state of the registers we use on a context switch: XCR0 bits 1-2
    // (xmm, ymm) and 5-7 (the mask registers and both halves of the 32 zmm registers).
    unsigned low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    return (low & 0xe6) == 0xe6;
}

/// The mask of the first `count` of 16 lanes (all 16 for a count of 16 or more).
INLINE __mmask16 first_lanes(ptrdiff_t count) {
    return count >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << count) - 1);
}

/// Writes one 16-wide row of results; only `width` (1...16) columns are real,
/// the others are masked off (masked lanes are neither read nor written).
/// With a bias (one value per column), the row is bias + sum, the same add as accumulating onto
/// a C filled with the bias.
/// Returns what it wrote (the lanes past `width` hold no result).
INLINE AVX512 __m512 store_row(__m512 sum, float *c, int width, int accumulate, const float *bias) {
    __mmask16 real = first_lanes(width);
    if (bias) sum = _mm512_add_ps(_mm512_maskz_loadu_ps(real, bias), sum);
    else if (accumulate) sum = _mm512_add_ps(_mm512_maskz_loadu_ps(real, c), sum);
    _mm512_mask_storeu_ps(c, real, sum);
    return sum;
}

INLINE int min_int(int x, int y) { return x < y ? x : y; }

/// Up to 6 rows × `panels` (1 or 2) panels of C in twelve registers at most.
/// Fewer than 6 rows repeat the last row and drop its results, as kernel6 does.
INLINE AVX512 void rows6(const int panels, int rows, const float *a, ptrdiff_t rs, ptrdiff_t cs,
                         const float *b, ptrdiff_t k, float *c, ptrdiff_t ldc, int columns, int accumulate,
                         const float *bias) {
    const ptrdiff_t o1 = min_int(1, rows - 1) * rs, o2 = min_int(2, rows - 1) * rs, o3 = min_int(3, rows - 1) * rs;
    const ptrdiff_t o4 = min_int(4, rows - 1) * rs, o5 = min_int(5, rows - 1) * rs;
    const ptrdiff_t second = 16 * k;   // the next panel
    __m512 c0l = _mm512_setzero_ps(), c0h = c0l, c1l = c0l, c1h = c0l, c2l = c0l, c2h = c0l;
    __m512 c3l = c0l, c3h = c0l, c4l = c0l, c4h = c0l, c5l = c0l, c5h = c0l;
    const float *ak = a, *bk = b;
    for (ptrdiff_t kk = 0; kk < k; kk++) {
        const __m512 bl = _mm512_loadu_ps(bk);
        const __m512 bh = panels == 2 ? _mm512_loadu_ps(bk + second) : bl;
        __m512 x = _mm512_set1_ps(ak[0]);
        c0l = _mm512_fmadd_ps(x, bl, c0l); if (panels == 2) c0h = _mm512_fmadd_ps(x, bh, c0h);
        x = _mm512_set1_ps(ak[o1]);
        c1l = _mm512_fmadd_ps(x, bl, c1l); if (panels == 2) c1h = _mm512_fmadd_ps(x, bh, c1h);
        x = _mm512_set1_ps(ak[o2]);
        c2l = _mm512_fmadd_ps(x, bl, c2l); if (panels == 2) c2h = _mm512_fmadd_ps(x, bh, c2h);
        x = _mm512_set1_ps(ak[o3]);
        c3l = _mm512_fmadd_ps(x, bl, c3l); if (panels == 2) c3h = _mm512_fmadd_ps(x, bh, c3h);
        x = _mm512_set1_ps(ak[o4]);
        c4l = _mm512_fmadd_ps(x, bl, c4l); if (panels == 2) c4h = _mm512_fmadd_ps(x, bh, c4h);
        x = _mm512_set1_ps(ak[o5]);
        c5l = _mm512_fmadd_ps(x, bl, c5l); if (panels == 2) c5h = _mm512_fmadd_ps(x, bh, c5h);
        ak += cs;
        bk += 16;
    }
    const int wl = min_int(16, columns), wh = columns - 16;
#define STORE(i, lo, hi) do { \
        store_row(lo, c + (i) * ldc, wl, accumulate, bias); \
        if (panels == 2) store_row(hi, c + (i) * ldc + 16, wh, accumulate, bias ? bias + 16 : 0); \
    } while (0)
    STORE(0, c0l, c0h);
    if (rows > 1) STORE(1, c1l, c1h);
    if (rows > 2) STORE(2, c2l, c2h);
    if (rows > 3) STORE(3, c3l, c3h);
    if (rows > 4) STORE(4, c4l, c4h);
    if (rows > 5) STORE(5, c5l, c5h);
#undef STORE
}

/// Twelve (or, with `height` 14, fourteen) rows × `panels` (1 or 2) panels of C in up to 24
/// (28) registers: each load of B serves twelve multiply-adds instead of six, and C is loaded
/// and stored half as often per multiply-add. Every element is the same chain as in rows6.
/// Fourteen rows and two panels leave 3 of the 32 registers: one for each panel's load, one
/// for the broadcast of A (a head of 64 rows is 14 + 14 + 12 + 12 + 12, no tile of 4).
/// With `laneMax` (the head pass), each row's results also go, lane by lane, into the largest so
/// far (laneMax[i], started here when `start`), and a NaN among them sets *nan: the maxima come
/// from registers instead of from reading the stored rows back.
/// With `sums` (the head pass, twelve rows only: 24 sums and these two weights fill the
/// registers), each unit's sums[16·kk ..] also take weights · panel row kk, one panel and then
/// the other, as rnn_avx512_weighted_panels adds them: the panels are read once for both.
INLINE AVX512 void rows12(const int panels, const int height, const float *a, ptrdiff_t rs, ptrdiff_t cs,
                          const float *b, ptrdiff_t k, float *c, ptrdiff_t ldc, int columns, int accumulate,
                          const float *bias, __m512 *laneMax, int start, __mmask16 *nan,
                          float *sums, const float *weights) {
    const ptrdiff_t second = 16 * k;
    __m512 lo[14], hi[14];
#pragma clang loop unroll(full)
    for (int i = 0; i < height; i++) { lo[i] = _mm512_setzero_ps(); hi[i] = lo[i]; }
    const __m512 weightLo = sums ? _mm512_loadu_ps(weights) : _mm512_setzero_ps();
    const __m512 weightHi = sums && panels == 2 ? _mm512_loadu_ps(weights + 16) : weightLo;
    const float *ak = a, *bk = b;
    for (ptrdiff_t kk = 0; kk < k; kk++) {
        const __m512 bl = _mm512_loadu_ps(bk);
        const __m512 bh = panels == 2 ? _mm512_loadu_ps(bk + second) : bl;
        if (sums) {
            __m512 sum = _mm512_fmadd_ps(weightLo, bl, _mm512_loadu_ps(sums + 16 * kk));
            if (panels == 2) sum = _mm512_fmadd_ps(weightHi, bh, sum);
            _mm512_storeu_ps(sums + 16 * kk, sum);
        }
#pragma clang loop unroll(full)
        for (int i = 0; i < height; i++) {
            const __m512 x = _mm512_set1_ps(ak[i * rs]);
            lo[i] = _mm512_fmadd_ps(x, bl, lo[i]);
            if (panels == 2) hi[i] = _mm512_fmadd_ps(x, bh, hi[i]);
        }
        ak += cs;
        bk += 16;
    }
    const int wl = min_int(16, columns), wh = columns - 16;
    const __m512 none = _mm512_set1_ps(-__builtin_inff());
    __mmask16 sawNaN = 0;
#pragma clang loop unroll(full)
    for (int i = 0; i < height; i++) {
        const __m512 l = store_row(lo[i], c + i * ldc, wl, accumulate, bias);
        const __m512 h = panels == 2 ? store_row(hi[i], c + i * ldc + 16, wh, accumulate, bias ? bias + 16 : 0) : l;
        if (laneMax) {
            // The real lanes only (the others -inf); the two panels' NaNs in one comparison.
            __m512 m = _mm512_mask_mov_ps(none, first_lanes(wl), l);
            if (panels == 2) m = _mm512_max_ps(m, _mm512_mask_mov_ps(none, first_lanes(wh), h));
            sawNaN |= _mm512_mask_cmp_ps_mask(first_lanes(wl), l, panels == 2 ? _mm512_mask_mov_ps(l, first_lanes(wh), h) : l,
                                              _CMP_UNORD_Q);
            laneMax[i] = start ? m : _mm512_max_ps(laneMax[i], m);
        }
    }
    if (laneMax) *nan |= sawNaN;
}

AVX512 void rnn_avx512_rows12(const float *a, ptrdiff_t rowStride, ptrdiff_t columnStride,
                              const float *b, ptrdiff_t k, float *c, ptrdiff_t ldc, int columns, int accumulate,
                              const float *bias) {
    if (columns > 16) rows12(2, 12, a, rowStride, columnStride, b, k, c, ldc, columns, accumulate, bias, 0, 0, 0, 0, 0);
    else rows12(1, 12, a, rowStride, columnStride, b, k, c, ldc, columns, accumulate, bias, 0, 0, 0, 0, 0);
}

AVX512 void rnn_avx512_rows6(int rows, const float *a, ptrdiff_t rowStride, ptrdiff_t columnStride,
                             const float *b, ptrdiff_t k, float *c, ptrdiff_t ldc, int columns, int accumulate,
                             const float *bias) {
    // The row count as a constant in each copy, so rows past it cost no multiply-adds (their
    // results were dropped anyway): a leftover of 4 rows costs 4, not 6.
#define ROWS(n) \
    if (columns > 16) rows6(2, n, a, rowStride, columnStride, b, k, c, ldc, columns, accumulate, bias); \
    else rows6(1, n, a, rowStride, columnStride, b, k, c, ldc, columns, accumulate, bias); \
    break;
    switch (rows) {
    case 1: ROWS(1)
    case 2: ROWS(2)
    case 3: ROWS(3)
    case 4: ROWS(4)
    case 5: ROWS(5)
    default: ROWS(6)
    }
#undef ROWS
}

/// exp on [−87.34, 88.38], 16 lanes: expCore in VectorMath.swift, operation for operation up to
/// the last (see there).
INLINE AVX512 __m512 exp16_core(__m512 c) {
    // n = round(c·log2 e), made integral by adding 1.5·2²³ so that its low bits are the integer.
    const __m512 magic = _mm512_set1_ps(12582912.0f);
    const __m512 shifted = _mm512_fmadd_ps(c, _mm512_set1_ps(1.44269504088896341f), magic);
    const __m512 n = _mm512_sub_ps(shifted, magic);
    __m512 r = _mm512_fmadd_ps(n, _mm512_set1_ps(-0.693359375f), c);
    r = _mm512_fmadd_ps(n, _mm512_set1_ps(2.12194440e-4f), r);
    const __m512 r2 = _mm512_mul_ps(r, r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_add_ps(_mm512_fmadd_ps(p, r2, r), _mm512_set1_ps(1.0f));
    // p·2ⁿ in one instruction. expCore multiplies by 2ⁿ built from its exponent bits; for the
    // n this range gives (−126…127) both are p·2ⁿ rounded once, so the bits are the same.
    return _mm512_scalef_ps(p, n);
}

/// exp on 16 lanes: exp8 in VectorMath.swift, operation for operation (the Cephes
/// polynomial, every step rounded on its own), so each lane gives exp8's bits. The clamps
/// and fix-ups run only when a lane is outside the polynomial's range (or NaN), as in exp8.
INLINE AVX512 __m512 exp16(__m512 x) {
    const __m512 high = _mm512_set1_ps(88.3762626647949f), low = _mm512_set1_ps(-87.3365447505531f);
    const __mmask16 inRange = _mm512_cmp_ps_mask(x, low, _CMP_GE_OQ) & _mm512_cmp_ps_mask(x, high, _CMP_LE_OQ);
    if (inRange == 0xFFFF) return exp16_core(x);
    __m512 c = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, high, _CMP_GT_OQ), x, high);
    c = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, low, _CMP_LT_OQ), c, low);
    __m512 result = exp16_core(c);
    // The clamp turned ±inf into large finite values and dropped NaN: restore them.
    result = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_set1_ps(88.7228391f), _CMP_GT_OQ), result,
                                  _mm512_set1_ps(__builtin_inff()));
    result = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, low, _CMP_LT_OQ), result, _mm512_setzero_ps());
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), result, x);
}

/// −x as Swift's SIMD prefix minus computes it: 0 − x (so −(+0) is +0, and a NaN keeps its sign).
INLINE AVX512 __m512 negate16(__m512 x) { return _mm512_sub_ps(_mm512_setzero_ps(), x); }

/// sigmoid8 and tanh8 (VectorMath.swift) on 16 lanes, operation for operation.
INLINE AVX512 __m512 sigmoid16(__m512 x) {
    const __m512 one = _mm512_set1_ps(1.0f);
    return _mm512_div_ps(one, _mm512_add_ps(one, exp16(negate16(x))));
}

INLINE AVX512 __m512 tanh16(__m512 x) {
    const __m512 one = _mm512_set1_ps(1.0f);
    const __m512 magnitude = _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(0x7FFFFFFF)));
    const __m512 e = exp16(_mm512_mul_ps(_mm512_set1_ps(-2.0f), magnitude));
    __m512 t = _mm512_div_ps(_mm512_sub_ps(one, e), _mm512_add_ps(one, e));
    t = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ), t, negate16(t));
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), t, x);
}

INLINE AVX512 __m256 low_half(__m512 v) { return _mm512_castps512_ps256(v); }
INLINE AVX512 __m256 high_half(__m512 v) { return _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)); }

/// exp(x_j − shift) for the `count` (1...16) values at x, the lanes past them 0.
INLINE AVX512 __m512 exp_shifted(const float *x, int count, __m512 shift) {
    const __mmask16 real = first_lanes(count);
    return _mm512_maskz_mov_ps(real, exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(real, x), shift)));
}

/// log Σ exp's tail (the last n − 16i values), 8 lanes at a time as logSumExp takes it: both
/// chunks go to sum0, the low half of `both`.
INLINE AVX512 __m512 add_tail(__m512 both, const float *x, ptrdiff_t count, __m512 shift) {
    const __m512 e = exp_shifted(x, (int)count, shift);
    __m256 s0 = _mm256_add_ps(low_half(both), low_half(e));
    if (count > 8) s0 = _mm256_add_ps(s0, high_half(e));
    return _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castps_pd(both), _mm256_castps_pd(s0), 0));
}

AVX512 void rnn_avx512_exp_sums(const float *x, ptrdiff_t n, float shift, float *sum0, float *sum1) {
    const __m512 s = _mm512_set1_ps(shift);
    // The low eight lanes are sum0 and the high eight sum1, added in one instruction.
    __m512 both = _mm512_setzero_ps();
    ptrdiff_t j = 0;
    for (; j + 16 <= n; j += 16) both = _mm512_add_ps(both, exp16(_mm512_sub_ps(_mm512_loadu_ps(x + j), s)));
    if (j < n) both = add_tail(both, x + j, n - j, s);
    _mm256_storeu_ps(sum0, low_half(both));
    _mm256_storeu_ps(sum1, high_half(both));
}

/// Where an exp_sums job stands, in registers: the row being summed, its shift, how far along.
typedef struct {
    const float *x;
    __m512 shift, sums;
    ptrdiff_t done, whole;   // values summed; values in whole vectors of 16
} job_row;

/// Loads the job's current row (if any is left) into `r`.
INLINE AVX512 int job_load(const rnn_exp_sums_job *job, job_row *r) {
    if (!job || job->row >= job->count) return 0;
    r->x = job->rows[job->row];
    r->shift = _mm512_set1_ps(job->shifts[job->row]);
    r->sums = _mm512_loadu_ps(job->partial);
    r->done = job->done;
    r->whole = job->width & ~(ptrdiff_t)15;
    return 1;
}

/// Ends the current row as rnn_avx512_exp_sums ends it (its tail into sum0), stores its sums and
/// loads the next row. Returns 0 when no row is left.
INLINE AVX512 int job_next_row(rnn_exp_sums_job *job, job_row *r) {
    const __m512 sums = r->whole < job->width ? add_tail(r->sums, r->x + r->whole, job->width - r->whole, r->shift) : r->sums;
    _mm512_storeu_ps(job->sums + 16 * job->row, sums);
    job->row++;
    job->done = 0;
    _mm512_storeu_ps(job->partial, _mm512_setzero_ps());
    return job_load(job, r);
}

/// The job's vector e past where its row stands, with no check that the row has it.
INLINE AVX512 void job_add(job_row *r, int e) {
    r->sums = _mm512_add_ps(r->sums, exp16(_mm512_sub_ps(_mm512_loadu_ps(r->x + r->done + 16 * e), r->shift)));
}

/// One vector of 16 exponentials of the job (or none, when it is done).
INLINE AVX512 int job_step(rnn_exp_sums_job *job, job_row *r, int live) {
    if (!live) return 0;
    while (r->done == r->whole) {   // a row with no whole vector left (or none at all)
        if (!job_next_row(job, r)) return 0;
    }
    job_add(r, 0);
    r->done += 16;
    return 1;
}

/// Saves where the job stands.
INLINE AVX512 void job_save(rnn_exp_sums_job *job, const job_row *r, int live) {
    if (!live) return;
    job->done = r->done;
    _mm512_storeu_ps(job->partial, r->sums);
}

/// One row of A against `panels` (1...8) panels: eight accumulators hide the latency of the
/// multiply-adds, as in rowTimesFourPanels. `panels` is a constant at each call below, so the
/// loops over it unroll and `sums` stays in registers. With a `job`, a few of its exponentials
/// follow each eight steps down k (five for eight panels, fewer for fewer: as many as the
/// panels' loads leave the vector units room for), one after every other step rather than all
/// five at the end, so that fewer of their operations wait at once behind the product's loads
/// (with the check-free run and the requests ahead below, 63 steps' products and a trace's
/// exponentials went from 0.18 to 0.165 ms in a C loop); without a job, that code folds away.
COPIED AVX512 void row(const int panels, const float *a, ptrdiff_t cs, const float *b, ptrdiff_t k,
                       float *c, int columns, int accumulate, const float *bias, rnn_exp_sums_job *job) {
    const ptrdiff_t stride = 16 * k;
    const int share = panels * 5 / 8 > 0 ? panels * 5 / 8 : 1;
    __m512 sums[8];
    for (int p = 0; p < panels; p++) sums[p] = _mm512_setzero_ps();
    job_row r;
    int live = job_load(job, &r);
    const float *ak = a, *bk = b;
    ptrdiff_t kk = 0;
    for (; kk + 8 <= k; kk += 8) {
        // Usually the row has all `share` vectors left: then no check between them, and the
        // vectors six blocks on are asked for now (the rows come from L3 after the head pass).
        const int whole = live && r.whole - r.done >= 16 * share;
        if (whole) for (int e = 0; e < share; e++) _mm_prefetch((const char *)(r.x + r.done + 16 * (e + 6 * share)), _MM_HINT_T0);
        int e = 0;
#pragma clang loop unroll(full)
        for (int u = 0; u < 8; u++) {
            const __m512 x = _mm512_set1_ps(ak[u * cs]);
            // Every panel's line four steps down k asked for now: the panels stream from L2 (on
            // a Zen 5 core, 63 steps of the forward walk 0.1015 → 0.0975 ms in a C loop; the
            // trace about 1%). Past a panel's end it asks for the next panel's first lines.
            for (int p = 0; p < panels; p++) _mm_prefetch((const char *)(bk + 16 * (u + 4) + p * stride), _MM_HINT_T0);
            for (int p = 0; p < panels; p++) sums[p] = _mm512_fmadd_ps(x, _mm512_loadu_ps(bk + 16 * u + p * stride), sums[p]);
            if ((u & 1) && e < share) {
                if (whole) job_add(&r, e);
                else live = job_step(job, &r, live);
                e++;
            }
        }
        if (whole) {
            for (; e < share; e++) job_add(&r, e);
            r.done += 16 * share;
        } else {
            for (; e < share; e++) live = job_step(job, &r, live);
        }
        ak += 8 * cs;
        bk += 128;
    }
    for (; kk < k; kk++) {
        const __m512 x = _mm512_set1_ps(ak[0]);
        for (int p = 0; p < panels; p++) sums[p] = _mm512_fmadd_ps(x, _mm512_loadu_ps(bk + p * stride), sums[p]);
        ak += cs;
        bk += 16;
    }
    job_save(job, &r, live);
    for (int p = 0; p < panels; p++)
        store_row(sums[p], c + 16 * p, min_int(16, columns - 16 * p), accumulate, bias ? bias + 16 * p : 0);
}

INLINE AVX512 void row_of_panels(const float *a, ptrdiff_t cs, const float *b, ptrdiff_t k, float *c, int columns,
                                 int accumulate, const float *bias, rnn_exp_sums_job *job) {
    switch ((columns + 15) / 16) {
    case 1: row(1, a, cs, b, k, c, columns, accumulate, bias, job); break;
    case 2: row(2, a, cs, b, k, c, columns, accumulate, bias, job); break;
    case 3: row(3, a, cs, b, k, c, columns, accumulate, bias, job); break;
    case 4: row(4, a, cs, b, k, c, columns, accumulate, bias, job); break;
    case 5: row(5, a, cs, b, k, c, columns, accumulate, bias, job); break;
    case 6: row(6, a, cs, b, k, c, columns, accumulate, bias, job); break;
    case 7: row(7, a, cs, b, k, c, columns, accumulate, bias, job); break;
    default: row(8, a, cs, b, k, c, columns, accumulate, bias, job); break;
    }
}

AVX512 void rnn_avx512_row(const float *a, ptrdiff_t columnStride, const float *b, ptrdiff_t k,
                           float *c, int columns, int accumulate, const float *bias) {
    row_of_panels(a, columnStride, b, k, c, columns, accumulate, bias, 0);
}

/// The calls of a walk's one-row product: eight panels a call, but when there are 24 or more,
/// the first and last eight in calls of four. A walk reads W_hh from alternate ends, so the
/// call that ends one step opens the next, and a call of four panels (32 KB at k = 128) is
/// still whole in L1 then, where most of a call of eight had been pushed out by its own later
/// lines (63 steps of the LSTM benchmark's walk 0.0992 → 0.0950 ms in a C loop, Zen 5).
AVX512 void rnn_avx512_row_walk(const float *a, ptrdiff_t columnStride, const float *b, ptrdiff_t k,
                                float *c, int columns, int accumulate, const float *bias, int fromTheEnd) {
    const int panelCount = (columns + 15) / 16, end = panelCount >= 24 ? 8 : 0;
    const int middle = panelCount - 2 * end, middleCalls = (middle + 7) / 8, calls = end / 2 + middleCalls;
    for (int call = 0; call < calls; call++) {
        const int i = fromTheEnd ? calls - 1 - call : call, m = i - end / 4;   // m: the middle call's number
        const int p = m < 0 ? 4 * i : m < middleCalls ? end + 8 * m : end + middle + 4 * (m - middleCalls);
        const int panels = m < 0 || m >= middleCalls ? 4 : min_int(8, middle - 8 * m);
        row_of_panels(a, columnStride, b + p * 16 * k, k, c + 16 * p, min_int(16 * panels, columns - 16 * p), accumulate,
                      bias ? bias + 16 * p : 0, 0);
    }
}

AVX512 void rnn_avx512_row_alongside(const float *a, ptrdiff_t columnStride, const float *b, ptrdiff_t k,
                                     float *c, int columns, int accumulate, rnn_exp_sums_job *job) {
    row_of_panels(a, columnStride, b, k, c, columns, accumulate, 0, job);
}

AVX512 void rnn_avx512_exp_sums_finish(rnn_exp_sums_job *job) {
    job_row r;
    int live = job_load(job, &r);
    while (live) live = job_step(job, &r, live);
}

AVX512 void rnn_avx512_exp_store(const float *x, ptrdiff_t n, float shift, float *out, float *sum) {
    const __m512 s = _mm512_set1_ps(shift);
    __m256 total = _mm256_setzero_ps();
    for (ptrdiff_t j = 0; j < n; j += 16) {
        // Each group of 16 is two of softmax's chunks of 8, added to the one sum in turn.
        const int count = n - j < 16 ? (int)(n - j) : 16;
        const __m512 e = exp_shifted(x + j, count, s);
        if (out) _mm512_mask_storeu_ps(out + j, first_lanes(count), e);
        total = _mm256_add_ps(total, low_half(e));
        if (count > 8) total = _mm256_add_ps(total, high_half(e));
    }
    _mm256_storeu_ps(sum, total);
}

AVX512 void rnn_avx512_scale(float *x, ptrdiff_t n, float factor) {
    const __m512 f = _mm512_set1_ps(factor);
    ptrdiff_t j = 0;
    for (; j + 16 <= n; j += 16) _mm512_storeu_ps(x + j, _mm512_mul_ps(_mm512_loadu_ps(x + j), f));
    if (j < n) {
        const __mmask16 real = first_lanes(n - j);
        _mm512_mask_storeu_ps(x + j, real, _mm512_mul_ps(_mm512_maskz_loadu_ps(real, x + j), f));
    }
}

AVX512 void rnn_avx512_adam(const float *g, float *m, float *v, float *theta, ptrdiff_t n, float scale,
                            float b1, float oneMinusB1, float b2, float oneMinusB2, float lr, float eps,
                            float correction1, float correction2) {
    const __m512 s = _mm512_set1_ps(scale), B1 = _mm512_set1_ps(b1), A1 = _mm512_set1_ps(oneMinusB1);
    const __m512 B2 = _mm512_set1_ps(b2), A2 = _mm512_set1_ps(oneMinusB2), LR = _mm512_set1_ps(lr);
    const __m512 E = _mm512_set1_ps(eps), C1 = _mm512_set1_ps(correction1), C2 = _mm512_set1_ps(correction2);
    for (ptrdiff_t j = 0; j < n; j += 16) {
        const __mmask16 real = first_lanes(n - j);
        const __m512 gi = _mm512_mul_ps(_mm512_maskz_loadu_ps(real, g + j), s);
        const __m512 mi = _mm512_add_ps(_mm512_mul_ps(B1, _mm512_maskz_loadu_ps(real, m + j)), _mm512_mul_ps(A1, gi));
        const __m512 vi = _mm512_add_ps(_mm512_mul_ps(B2, _mm512_maskz_loadu_ps(real, v + j)),
                                        _mm512_mul_ps(_mm512_mul_ps(A2, gi), gi));
        const __m512 step = _mm512_div_ps(_mm512_mul_ps(LR, _mm512_div_ps(mi, C1)),
                                          _mm512_add_ps(_mm512_sqrt_ps(_mm512_div_ps(vi, C2)), E));
        _mm512_mask_storeu_ps(m + j, real, mi);
        _mm512_mask_storeu_ps(v + j, real, vi);
        _mm512_mask_storeu_ps(theta + j, real, _mm512_sub_ps(_mm512_maskz_loadu_ps(real, theta + j), step));
    }
}

AVX512 void rnn_avx512_pack_strided(float *dst, const float *src, ptrdiff_t k, ptrdiff_t rowStride,
                                    ptrdiff_t columnStride, int width, float scale) {
    const __mmask16 real = first_lanes(width);
    const __m512i index = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                             _mm512_set1_epi32((int)columnStride));
    const __m512 s = _mm512_set1_ps(scale);
    for (ptrdiff_t kk = 0; kk < k; kk++) {
        const __m512 v = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), real, index, src + kk * rowStride, 4);
        _mm512_storeu_ps(dst + 16 * kk, _mm512_maskz_mul_ps(real, s, v));
    }
}

AVX512 void rnn_avx512_stream_panels(const float *src, ptrdiff_t rows, ptrdiff_t columns, ptrdiff_t sourceStride,
                                     float *dst, ptrdiff_t panelStride) {
    for (ptrdiff_t p = 0; 16 * p < columns; p++) {
        const ptrdiff_t width = columns - 16 * p;
        const __mmask16 real = first_lanes(width);
        const float *from = src + 16 * p;
        float *to = dst + p * panelStride;
        for (ptrdiff_t r = 0; r < rows; r++) _mm512_stream_ps(to + 16 * r, _mm512_maskz_loadu_ps(real, from + r * sourceStride));
    }
    _mm_sfence();   // the streamed lines are visible before the pool hands the panels on
}

AVX512 void rnn_avx512_step_norms(const float *x, ptrdiff_t steps, ptrdiff_t width, float *norms) {
    // Eight steps a register, one lane each, gathered unit by unit; four registers side by side,
    // so that no addition waits on the one before. Lanes past the last step read it again and
    // are dropped.
    for (ptrdiff_t first = 0; first < steps; first += 32) {
        __m256i rows[4];
        __m512d sums[4];
        for (int g = 0; g < 4; g++) {
            int at[8];
            for (int l = 0; l < 8; l++) {
                const ptrdiff_t s = first + 8 * g + l;
                at[l] = (int)((s < steps ? s : steps - 1) * width);
            }
            rows[g] = _mm256_loadu_si256((const __m256i *)at);
            sums[g] = _mm512_setzero_pd();
        }
        for (ptrdiff_t u = 0; u < width; u++) {
            for (int g = 0; g < 4; g++) {
                const __m512d v = _mm512_cvtps_pd(_mm256_i32gather_ps(x + u, rows[g], 4));
                sums[g] = _mm512_add_pd(sums[g], _mm512_mul_pd(v, v));
            }
        }
        for (int g = 0; g < 4 && first + 8 * g < steps; g++) {
            float out[8];
            _mm256_storeu_ps(out, _mm512_cvtpd_ps(_mm512_sqrt_pd(sums[g])));
            for (int l = 0; l < 8 && first + 8 * g + l < steps; l++) norms[first + 8 * g + l] = out[l];
        }
    }
}

AVX512 ptrdiff_t rnn_avx512_maximum(const float *x, ptrdiff_t n, float *m0, float *m1, int *sawNaN) {
    // One register holds both of maximum's: lanes 0-7 are m0, lanes 8-15 are m1.
    // The maximum does not depend on the order the values are compared in, so four running
    // maxima take 64 values a step: one would wait on each compare before the next.
    __m512 m = _mm512_set1_ps(-__builtin_inff()), ma = m, mb = m, mc = m;
    __mmask16 nan = 0;
    ptrdiff_t j = 0;
    for (; j + 64 <= n; j += 64) {
        const __m512 v = _mm512_loadu_ps(x + j), va = _mm512_loadu_ps(x + j + 16);
        const __m512 vb = _mm512_loadu_ps(x + j + 32), vc = _mm512_loadu_ps(x + j + 48);
        nan |= _mm512_cmp_ps_mask(v, va, _CMP_UNORD_Q) | _mm512_cmp_ps_mask(vb, vc, _CMP_UNORD_Q);
        m = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, m, _CMP_GT_OQ), m, v);
        ma = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(va, ma, _CMP_GT_OQ), ma, va);
        mb = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(vb, mb, _CMP_GT_OQ), mb, vb);
        mc = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(vc, mc, _CMP_GT_OQ), mc, vc);
    }
    m = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(ma, m, _CMP_GT_OQ), m, ma);
    mb = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(mc, mb, _CMP_GT_OQ), mb, mc);
    m = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(mb, m, _CMP_GT_OQ), m, mb);
    for (; j + 16 <= n; j += 16) {
        const __m512 v = _mm512_loadu_ps(x + j);
        nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
        m = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, m, _CMP_GT_OQ), m, v);   // pointwiseMaxNoNaN
    }
    _mm256_storeu_ps(m0, low_half(m));
    _mm256_storeu_ps(m1, high_half(m));
    *sawNaN = nan != 0;
    return j;
}

AVX512 void rnn_avx512_lstm_walk(int steps, int hidden, const float *inputProjection, const float *panels,
                                  const float *biasHH, const float *h0, const float *c0, int fromState,
                                  float *hiddenProjection, float *gates, float *hiddenOut, float *cellOut,
                                  float *tanhCell) {
    const ptrdiff_t h = hidden, gh = 4 * h;
    for (ptrdiff_t t = 0; t < steps; t++) {
        const float *before = t == 0 ? h0 : hiddenOut + (t - 1) * h;
        if (t > 0 || fromState) {
            // bias_hh + W_hh·h_{t−1}, from alternate ends (see forwardLayer).
            rnn_avx512_row_walk(before, 1, panels, h, hiddenProjection, (int)gh, 0, biasHH, t % 2 == 1);
        } else {
            for (ptrdiff_t j = 0; j < gh; j++) hiddenProjection[j] = biasHH[j];
        }
        rnn_avx512_lstm_forward(1, hidden, inputProjection + t * gh, hiddenProjection, t == 0 ? c0 : cellOut + (t - 1) * h,
                                gates + t * gh, hiddenOut + t * h, cellOut + t * h, tanhCell + t * h);
    }
}

AVX512 void rnn_avx512_lstm_forward(int batch, int hidden, const float *inputProjection, const float *hiddenProjection,
                                     const float *previousCell, float *gates, float *hiddenOut, float *cellOut,
                                     float *tanhCell) {
    const ptrdiff_t h = hidden;
    for (ptrdiff_t b = 0; b < batch; b++) {
        for (ptrdiff_t j = 0; j < h; j += 16) {
            const __mmask16 real = first_lanes(h - j);
            const ptrdiff_t row = b * h + j, gateRow = 4 * b * h + j;
#define PRE(block) _mm512_add_ps(_mm512_maskz_loadu_ps(real, inputProjection + gateRow + (block) * h), \
                                 _mm512_maskz_loadu_ps(real, hiddenProjection + gateRow + (block) * h))
            const __m512 i = sigmoid16(PRE(0)), f = sigmoid16(PRE(1)), g = tanh16(PRE(2)), o = sigmoid16(PRE(3));
#undef PRE
            const __m512 c = _mm512_add_ps(_mm512_mul_ps(f, _mm512_maskz_loadu_ps(real, previousCell + row)),
                                           _mm512_mul_ps(i, g));
            _mm512_mask_storeu_ps(gates + gateRow, real, i);
            _mm512_mask_storeu_ps(gates + gateRow + h, real, f);
            _mm512_mask_storeu_ps(gates + gateRow + 2 * h, real, g);
            _mm512_mask_storeu_ps(gates + gateRow + 3 * h, real, o);
            const __m512 tc = tanh16(c);
            _mm512_mask_storeu_ps(cellOut + row, real, c);
            _mm512_mask_storeu_ps(tanhCell + row, real, tc);
            _mm512_mask_storeu_ps(hiddenOut + row, real, _mm512_mul_ps(o, tc));
        }
    }
}

/// topIndices' ranksAbove for a value met later in the scan than y's: NaN ranks below every
/// number, and a tie goes to the earlier index, so the later value never wins one.
INLINE int later_ranks_above(float x, float y) {
    const int xNaN = x != x, yNaN = y != y;
    return xNaN != yNaN ? yNaN : x > y;
}

/// The top-k scan of x[from..<to] (indices into x), continuing from what `best` (`count` of
/// them, best first) holds: every value not below `threshold` is looked at and ranked in; the
/// threshold rises to the k-th best once there are k. It must start at or below the k-th best
/// value of all that the scan will see, or a value among the k best could be passed over.
INLINE AVX512 void top_k_scan(const float *x, ptrdiff_t from, ptrdiff_t to, ptrdiff_t k, ptrdiff_t *best,
                              ptrdiff_t *countSoFar, float *thresholdSoFar, int *sawNaN) {
    ptrdiff_t count = *countSoFar;
    float threshold = *thresholdSoFar;
    int nan = *sawNaN;
    for (ptrdiff_t j = from; j < to; j += 16) {
        const __m512 t = _mm512_set1_ps(threshold);
        // 64 values at a time while none of them is a candidate (the usual case once the bound is set).
        while (j + 64 <= to && !(_mm512_cmp_ps_mask(_mm512_loadu_ps(x + j), t, _CMP_NLT_UQ)
                                 | _mm512_cmp_ps_mask(_mm512_loadu_ps(x + j + 16), t, _CMP_NLT_UQ)
                                 | _mm512_cmp_ps_mask(_mm512_loadu_ps(x + j + 32), t, _CMP_NLT_UQ)
                                 | _mm512_cmp_ps_mask(_mm512_loadu_ps(x + j + 48), t, _CMP_NLT_UQ)))
            j += 64;
        if (j >= to) break;
        const __mmask16 real = first_lanes(to - j);
        // Lanes that are not below the threshold: at least as large, or NaN.
        __mmask16 candidates = _mm512_mask_cmp_ps_mask(real, _mm512_maskz_loadu_ps(real, x + j), t, _CMP_NLT_UQ);
        while (candidates) {
            const ptrdiff_t i = j + __builtin_ctz(candidates);
            candidates &= candidates - 1;
            const float v = x[i];
            if (v < threshold) continue;   // the threshold rose since this chunk was compared
            if (v != v) nan = 1;           // every NaN gets here: it is never below the threshold
            if (count == k && !later_ranks_above(v, x[best[k - 1]])) continue;
            ptrdiff_t position = count == k ? k - 1 : count;
            while (position > 0 && later_ranks_above(v, x[best[position - 1]])) {
                best[position] = best[position - 1];
                position--;
            }
            best[position] = i;
            if (count < k) count++;
            if (count == k && x[best[k - 1]] == x[best[k - 1]]) threshold = x[best[k - 1]];
        }
    }
    *countSoFar = count;
    *thresholdSoFar = threshold;
    *sawNaN = nan;
}

AVX512 ptrdiff_t rnn_avx512_top_k(const float *x, ptrdiff_t n, ptrdiff_t k, ptrdiff_t *best, int *sawNaN) {
    ptrdiff_t count = 0;
    int nan = 0;
    float threshold = -__builtin_inff();   // the k-th best value so far: most values fall below it
    if (k <= 16) {
        // A first bound, so that the scan looks at few values one by one: the largest number in
        // each of the 16 lanes (max_ps passes a NaN over), and the k-th largest of those. There
        // are k values at least that large, so a value below it is not among the k best.
        const __m512 none = _mm512_set1_ps(-__builtin_inff());
        __m512 m = none, ma = none, mb = none, mc = none;   // four, so that no max waits on the one before
        ptrdiff_t j = 0;
        for (; j + 64 <= n; j += 64) {
            m = _mm512_max_ps(_mm512_loadu_ps(x + j), m);
            ma = _mm512_max_ps(_mm512_loadu_ps(x + j + 16), ma);
            mb = _mm512_max_ps(_mm512_loadu_ps(x + j + 32), mb);
            mc = _mm512_max_ps(_mm512_loadu_ps(x + j + 48), mc);
        }
        for (; j < n; j += 16) {
            const __mmask16 real = first_lanes(n - j);
            m = _mm512_max_ps(_mm512_mask_loadu_ps(none, real, x + j), m);
        }
        m = _mm512_max_ps(_mm512_max_ps(m, ma), _mm512_max_ps(mb, mc));
        float lanes[16];
        _mm512_storeu_ps(lanes, m);
        for (ptrdiff_t r = 0; r < k; r++) {   // the k largest to the front, largest first
            for (int l = (int)r + 1; l < 16; l++) {
                if (lanes[l] > lanes[r]) { const float t = lanes[r]; lanes[r] = lanes[l]; lanes[l] = t; }
            }
        }
        threshold = lanes[k - 1];
    }
    top_k_scan(x, 0, n, k, best, &count, &threshold, &nan);
    *sawNaN = nan;
    return count;
}

/// Each of 16 lanes' k largest of `count` values (lane l's are at[l·rowStride + g], the lanes
/// past `lanes` left at −inf): an insertion network, t[0] ≥ t[1] ≥ … ≥ t[k−1] lane by lane,
/// with no branch. Returns t[k−1], each lane's k-th largest (−inf with fewer than k), and in
/// *nan the lanes that met a NaN.
INLINE AVX512 __m512 kth_largest16(const int k, const float *at, ptrdiff_t count, ptrdiff_t rowStride, int lanes,
                                   __mmask16 *nan) {
    const __m512 none = _mm512_set1_ps(-__builtin_inff());
    const __mmask16 real = first_lanes(lanes);
    const __m512i rows = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                            _mm512_set1_epi32((int)rowStride));
    __m512 t[16];
    for (int j = 0; j < k; j++) t[j] = none;
    __mmask16 sawNaN = 0;
    for (ptrdiff_t g = 0; g < count; g++) {
        __m512 x = _mm512_mask_i32gather_ps(none, real, rows, at + g, 4);
        sawNaN |= _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
        for (int j = 0; j < k; j++) {
            const __m512 larger = _mm512_max_ps(t[j], x);
            x = _mm512_min_ps(t[j], x);
            t[j] = larger;
        }
    }
    *nan = sawNaN;
    return t[k - 1];
}

/// The group scan of rnn_avx512_top_k_by_groups from a known floor.
INLINE AVX512 ptrdiff_t scan_groups(const float *x, ptrdiff_t n, const float *groupMaxima, ptrdiff_t k, float threshold,
                                    ptrdiff_t *best) {
    ptrdiff_t count = 0;
    int nan = 0;
    for (ptrdiff_t g = 0; g < (n + 63) / 64; g++) {
        if (groupMaxima[g] < threshold) continue;
        top_k_scan(x, 64 * g, 64 * g + 64 < n ? 64 * g + 64 : n, k, best, &count, &threshold, &nan);
    }
    return count;
}

/// rnn_avx512_top_k_by_groups for `k` ≤ 7 over 16 rows at a time: their floors at once.
INLINE AVX512 void rank_rows(const int k, const float *x, ptrdiff_t rows, ptrdiff_t n, ptrdiff_t ldx, const float *groupMaxima,
                             ptrdiff_t groupStride, ptrdiff_t *best, ptrdiff_t *counts, int *sawNaN) {
    const ptrdiff_t groups = (n + 63) / 64;
    for (ptrdiff_t first = 0; first < rows; first += 16) {
        const int lanes = (int)(rows - first < 16 ? rows - first : 16);
        __mmask16 nan;
        float floors[16];
        _mm512_storeu_ps(floors, kth_largest16(k, groupMaxima + first * groupStride, groups, groupStride, lanes, &nan));
        for (int l = 0; l < lanes; l++) {
            const ptrdiff_t r = first + l;
            if (nan >> l & 1) counts[r] = rnn_avx512_top_k(x + r * ldx, n, k, best + r * k, sawNaN + r);
            else {
                counts[r] = scan_groups(x + r * ldx, n, groupMaxima + r * groupStride, k, floors[l], best + r * k);
                sawNaN[r] = 0;
            }
        }
    }
}

AVX512 void rnn_avx512_top_k_rows(const float *x, ptrdiff_t rows, ptrdiff_t n, ptrdiff_t ldx, const float *groupMaxima,
                                  ptrdiff_t groupStride, ptrdiff_t k, ptrdiff_t *best, ptrdiff_t *counts, int *sawNaN) {
    switch (k) {
    case 1: rank_rows(1, x, rows, n, ldx, groupMaxima, groupStride, best, counts, sawNaN); break;
    case 2: rank_rows(2, x, rows, n, ldx, groupMaxima, groupStride, best, counts, sawNaN); break;
    case 3: rank_rows(3, x, rows, n, ldx, groupMaxima, groupStride, best, counts, sawNaN); break;
    case 4: rank_rows(4, x, rows, n, ldx, groupMaxima, groupStride, best, counts, sawNaN); break;
    case 5: rank_rows(5, x, rows, n, ldx, groupMaxima, groupStride, best, counts, sawNaN); break;
    case 6: rank_rows(6, x, rows, n, ldx, groupMaxima, groupStride, best, counts, sawNaN); break;
    case 7: rank_rows(7, x, rows, n, ldx, groupMaxima, groupStride, best, counts, sawNaN); break;
    default:
        for (ptrdiff_t r = 0; r < rows; r++)
            counts[r] = rnn_avx512_top_k_by_groups(x + r * ldx, n, groupMaxima + r * groupStride, k, best + r * k, sawNaN + r);
    }
}

AVX512 ptrdiff_t rnn_avx512_top_k_by_groups(const float *x, ptrdiff_t n, const float *groupMaxima, ptrdiff_t k,
                                            ptrdiff_t *best, int *sawNaN) {
    const ptrdiff_t groups = (n + 63) / 64;
    // The k-th largest group maximum is a bound: k groups each hold a value at least that
    // large, so the k best values are all at least as large, and only groups that reach it
    // can hold one. A NaN in a group (its maximum is NaN) sends the whole row to the plain scan.
    ptrdiff_t topGroups[16];
    int nan = 0;
    if (k > 16) return rnn_avx512_top_k(x, n, k, best, sawNaN);
    const ptrdiff_t reaching = rnn_avx512_top_k(groupMaxima, groups, k, topGroups, &nan);
    if (nan) return rnn_avx512_top_k(x, n, k, best, sawNaN);
    *sawNaN = 0;
    return scan_groups(x, n, groupMaxima, k, reaching == k ? groupMaxima[topGroups[k - 1]] : -__builtin_inff(), best);
}

/// Each of `height` rows' largest value among its `columns` (1…64) values from `row`, rows
/// `n` apart, into out[r · outStride]; NaN for a row with a NaN among them. row_maximum's
/// answer, written out for at most four vectors: calling row_maximum per row measured about
/// 0.015 ms slower a trace (its loop, mask and NaN test per vector, 5,000 times a trace).
INLINE AVX512 void group_maxima(const float *row, ptrdiff_t n, int height, int columns, float *out,
                                ptrdiff_t outStride) {
    const __m512 none = _mm512_set1_ps(-__builtin_inff());
    const __mmask16 m0 = first_lanes(columns), m1 = columns > 16 ? first_lanes(columns - 16) : 0,
                    m2 = columns > 32 ? first_lanes(columns - 32) : 0, m3 = columns > 48 ? first_lanes(columns - 48) : 0;
    for (int r = 0; r < height; r++, row += n, out += outStride) {
        const __m512 a = _mm512_mask_loadu_ps(none, m0, row), b = _mm512_mask_loadu_ps(none, m1, row + 16);
        const __m512 c = _mm512_mask_loadu_ps(none, m2, row + 32), d = _mm512_mask_loadu_ps(none, m3, row + 48);
        // max_ps may pass a NaN over: look for one apart.
        const __mmask16 nan = _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q) | _mm512_cmp_ps_mask(c, d, _CMP_UNORD_Q);
        const float m = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_max_ps(a, b), _mm512_max_ps(c, d)));
        *out = nan ? __builtin_nanf("") : m;
    }
}

/// rnn_avx512_weighted_panels for `count` (1...4) panels: each panel's 16 weights stay in a
/// register for the whole pass (loading them again for every unit cost a third of the time);
/// each unit's sums go through the panels in order, two units at a time.
INLINE AVX512 void weighted_panels(const int count, float *sums, const float *panels, ptrdiff_t k,
                                   const float *weights) {
    __m512 w[4];
    for (int g = 0; g < count; g++) w[g] = _mm512_loadu_ps(weights + 16 * g);
    ptrdiff_t u = 0;
    for (; u + 2 <= k; u += 2) {
        __m512 s0 = _mm512_loadu_ps(sums + 16 * u), s1 = _mm512_loadu_ps(sums + 16 * u + 16);
        for (int g = 0; g < count; g++) {
            const float *row = panels + g * k * 16 + 16 * u;
            s0 = _mm512_fmadd_ps(w[g], _mm512_loadu_ps(row), s0);
            s1 = _mm512_fmadd_ps(w[g], _mm512_loadu_ps(row + 16), s1);
        }
        _mm512_storeu_ps(sums + 16 * u, s0);
        _mm512_storeu_ps(sums + 16 * u + 16, s1);
    }
    if (u < k) {
        __m512 sum = _mm512_loadu_ps(sums + 16 * u);
        for (int g = 0; g < count; g++) sum = _mm512_fmadd_ps(w[g], _mm512_loadu_ps(panels + g * k * 16 + 16 * u), sum);
        _mm512_storeu_ps(sums + 16 * u, sum);
    }
}

AVX512 void rnn_avx512_weighted_panels(float *sums, const float *panels, ptrdiff_t k, int panelCount,
                                       const float *weights) {
    switch (panelCount) {
    case 1: weighted_panels(1, sums, panels, k, weights); break;
    case 2: weighted_panels(2, sums, panels, k, weights); break;
    case 3: weighted_panels(3, sums, panels, k, weights); break;
    default: weighted_panels(4, sums, panels, k, weights); break;
    }
}

/// The pass row's largest logit among `n` (NaN if any is NaN, as maximum() in Softmax.swift).
INLINE AVX512 float row_maximum(const float *x, ptrdiff_t n) {
    const __m512 none = _mm512_set1_ps(-__builtin_inff());
    __m512 m = none;
    __mmask16 nan = 0;
    for (ptrdiff_t j = 0; j < n; j += 16) {
        const __m512 v = _mm512_mask_loadu_ps(none, first_lanes(n - j), x + j);
        nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
        m = _mm512_max_ps(m, v);
    }
    return nan ? __builtin_nanf("") : _mm512_reduce_max_ps(m);
}

/// The height of the head pass's tile of rows that starts with `left` rows to go: fourteen
/// where that leaves none or whole twelves (64 = 14 + 14 + 12 + 12 + 12), else twelve, else
/// the rest in one or two.
INLINE int head_tile_height(int left) {
    return left == 14 || (left % 12 != 0 && left - 14 >= 12) ? 14 : left >= 12 ? 12 : left > 6 ? (left + 1) / 2 : left;
}

/// One tile of the head pass: rows i ..< i + height against a group of up to four panels
/// (`columns` outputs from `first`), and their maxima over the group. With `sums` (a tile of
/// twelve), the pass row's weighted panels ride along (rows12).
// Not inline even when optimized: inlining its two copies measured no faster.
static AVX512 __attribute__((noinline)) void head_tile(const float *hidden, int i, int height, ptrdiff_t k, const float *group, ptrdiff_t first,
                             int columns, ptrdiff_t ldc, float *logits, const float *bias, float *groupMaxima,
                             ptrdiff_t groupStride, float *sums, const float *weights) {
    // Twelve or fourteen rows note their maxima from registers (laneMax); the rest, or a tile
    // that met a NaN, read the stored rows back (group_maxima).
    __m512 laneMax[14];
    __mmask16 nan = 0;
    __m512 *const lanesMax = groupMaxima && height >= 12 ? laneMax : 0;
    for (int c = 0; c < columns; c += 32) {
        const int width = min_int(32, columns - c);
        const float *a = hidden + i * k, *tile = group + c * k, *b = bias + first + c, *w = weights ? weights + c : 0;
        float *out = logits + i * ldc + first + c;
        if (sums && width > 16) rows12(2, 12, a, k, 1, tile, k, out, ldc, width, 0, b, lanesMax, c == 0, &nan, sums, w);
        else if (sums) rows12(1, 12, a, k, 1, tile, k, out, ldc, width, 0, b, lanesMax, c == 0, &nan, sums, w);
        else if (lanesMax && height == 14 && width > 16) rows12(2, 14, a, k, 1, tile, k, out, ldc, width, 0, b, lanesMax, c == 0, &nan, 0, 0);
        else if (lanesMax && height == 14) rows12(1, 14, a, k, 1, tile, k, out, ldc, width, 0, b, lanesMax, c == 0, &nan, 0, 0);
        else if (lanesMax && width > 16) rows12(2, 12, a, k, 1, tile, k, out, ldc, width, 0, b, lanesMax, c == 0, &nan, 0, 0);
        else if (lanesMax) rows12(1, 12, a, k, 1, tile, k, out, ldc, width, 0, b, lanesMax, c == 0, &nan, 0, 0);
        else if (height == 14 && width > 16) rows12(2, 14, a, k, 1, tile, k, out, ldc, width, 0, b, 0, 0, 0, 0, 0);
        else if (height == 14) rows12(1, 14, a, k, 1, tile, k, out, ldc, width, 0, b, 0, 0, 0, 0, 0);
        else if (height == 12) rnn_avx512_rows12(a, k, 1, tile, k, out, ldc, width, 0, b);
        else rnn_avx512_rows6(height, a, k, 1, tile, k, out, ldc, width, 0, b);
    }
    float *maxima = groupMaxima ? groupMaxima + i * groupStride + first / 64 : 0;
    if (lanesMax && !nan) {
        for (int r = 0; r < height; r++) maxima[r * groupStride] = _mm512_reduce_max_ps(laneMax[r]);
    } else if (groupMaxima) {
        group_maxima(logits + i * ldc + first, ldc, height, columns, maxima, groupStride);
    }
}

/// The pass row's online softmax over one group (`columns` logits at x, `count` panels, their
/// largest `m`, NaN if one is NaN): the sums so far brought down to a new largest logit, then
/// the group's weights exp(x − largest) and their total, as the Swift loop computes them.
INLINE AVX512 void head_pass_weights(const float *x, float m, int columns, int count, ptrdiff_t k, float *largest,
                                     float *total, float *lanes, float *weights) {
    if (m > *largest) {
        if (*largest > -__builtin_inff()) {
            // What was summed so far, brought down to the new largest logit.
            const __m512 factor = exp16(_mm512_set1_ps(*largest - m));
            for (ptrdiff_t i = 0; i < 16 * k; i += 16) _mm512_storeu_ps(lanes + i, _mm512_mul_ps(_mm512_loadu_ps(lanes + i), factor));
            *total *= _mm512_cvtss_f32(factor);
        }
        *largest = m;
    }
    const __m512 shift = _mm512_set1_ps(*largest);
    __m256 groupTotal = _mm256_setzero_ps();
    for (int j = 0; j < 16 * count; j += 16) {
        const __mmask16 real = first_lanes(columns - j < 0 ? 0 : columns - j);
        const __m512 e = _mm512_maskz_mov_ps(real, exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(real, x + j), shift)));
        _mm512_storeu_ps(weights + j, e);
        groupTotal = _mm256_add_ps(groupTotal, low_half(e));   // the Swift loop's two chunks of 8, in turn
        groupTotal = _mm256_add_ps(groupTotal, high_half(e));
    }
    float g[8], sum = -0.0f;   // SIMD.sum(): in lane order, from −0
    _mm256_storeu_ps(g, groupTotal);
    for (int l = 0; l < 8; l++) sum += g[l];
    *total += sum;
}

AVX512 void rnn_avx512_head_shard(const float *hidden, int rows, ptrdiff_t k, const float *panels,
                                  ptrdiff_t firstPanel, ptrdiff_t endPanel, ptrdiff_t n, ptrdiff_t ldc, float *logits,
                                  const float *bias, int computeLogits, int passRow,
                                  float *lanes, float *weights, float *state, float *groupMaxima,
                                  ptrdiff_t groupStride) {
    float largest = state[0], total = state[1];
    const float *pass = logits + (ptrdiff_t)passRow * ldc;
    // The tile that holds the pass row.
    int passStart = 0, passHeight = head_tile_height(rows);
    while (passStart + passHeight <= passRow) {
        passStart += passHeight;
        passHeight = head_tile_height(rows - passStart);
    }
    for (ptrdiff_t p = firstPanel; p < endPanel;) {
        const int count = (int)(endPanel - p < 4 ? endPanel - p : 4);
        const ptrdiff_t first = 16 * p;
        const int columns = (int)(n - first < 16 * count ? n - first : 16 * count);
        const float *group = panels + first * k;
        int weighted = 0;
        // The pass row's largest in this group: noted by the tiles when they note maxima.
#define PASS_MAXIMUM (groupMaxima ? groupMaxima[passRow * groupStride + p / 4] : row_maximum(pass + first, columns))
        if (computeLogits && rows == 1) {
            // One row (a cursor's head row): the one-row kernel's eight chains, then the bias.
            rnn_avx512_row(hidden, 1, group, k, logits + first, columns, 0, bias + first);
            if (groupMaxima) group_maxima(logits + first, ldc, 1, columns, groupMaxima + p / 4, groupStride);
            head_pass_weights(pass + first, PASS_MAXIMUM, columns, count, k, &largest, &total, lanes, weights);
        } else if (computeLogits) {
            // Tiles of rows against the whole group (at most 32 KB of panels, held in L1 with the
            // rows). The pass row's tile goes first, so that its weights are known before the
            // others: the first tile of twelve after it adds the weighted panels as it reads them.
            head_tile(hidden, passStart, passHeight, k, group, first, columns, ldc, logits, bias, groupMaxima, groupStride, 0, 0);
            head_pass_weights(pass + first, PASS_MAXIMUM, columns, count, k, &largest, &total, lanes, weights);
            for (int i = 0; i < rows;) {
                const int height = head_tile_height(rows - i);
                if (i != passStart) {
                    const int fuse = !weighted && height == 12;
                    head_tile(hidden, i, height, k, group, first, columns, ldc, logits, bias, groupMaxima, groupStride,
                              fuse ? lanes : 0, fuse ? weights : 0);
                    weighted |= fuse;
                }
                i += height;
            }
        } else {   // the logits were given: no maxima noted
            head_pass_weights(pass + first, row_maximum(pass + first, columns), columns, count, k, &largest, &total,
                              lanes, weights);
        }
#undef PASS_MAXIMUM
        // Read again from L1 where no tile of twelve took them along.
        if (!weighted) rnn_avx512_weighted_panels(lanes, group, k, count, weights);
        p += count;
    }
    state[0] = largest;
    state[1] = total;
}

#else
// Not x86-64: the Swift kernels always run; these are never called.

int rnn_avx512_available(void) { return 0; }

void rnn_avx512_rows6(int rows, const float *a, ptrdiff_t rowStride, ptrdiff_t columnStride,
                      const float *b, ptrdiff_t k, float *c, ptrdiff_t ldc, int columns, int accumulate,
                      const float *bias) {
    __builtin_trap();
}

void rnn_avx512_row(const float *a, ptrdiff_t columnStride, const float *b, ptrdiff_t k,
                    float *c, int columns, int accumulate, const float *bias) {
    __builtin_trap();
}

void rnn_avx512_row_walk(const float *a, ptrdiff_t columnStride, const float *b, ptrdiff_t k,
                         float *c, int columns, int accumulate, const float *bias, int fromTheEnd) { __builtin_trap(); }
void rnn_avx512_rows12(const float *a, ptrdiff_t rowStride, ptrdiff_t columnStride,
                       const float *b, ptrdiff_t k, float *c, ptrdiff_t ldc, int columns, int accumulate,
                       const float *bias) {
    __builtin_trap();
}

void rnn_avx512_exp_sums(const float *x, ptrdiff_t n, float shift, float *sum0, float *sum1) { __builtin_trap(); }

void rnn_avx512_head_shard(const float *hidden, int rows, ptrdiff_t k, const float *panels,
                           ptrdiff_t firstPanel, ptrdiff_t endPanel, ptrdiff_t n, ptrdiff_t ldc, float *logits,
                           const float *bias, int computeLogits, int passRow,
                           float *lanes, float *weights, float *state, float *groupMaxima,
                           ptrdiff_t groupStride) { __builtin_trap(); }

void rnn_avx512_exp_store(const float *x, ptrdiff_t n, float shift, float *out, float *sum) { __builtin_trap(); }

void rnn_avx512_scale(float *x, ptrdiff_t n, float factor) { __builtin_trap(); }

void rnn_avx512_pack_strided(float *dst, const float *src, ptrdiff_t k, ptrdiff_t rowStride,
                             ptrdiff_t columnStride, int width, float scale) { __builtin_trap(); }

void rnn_avx512_adam(const float *g, float *m, float *v, float *theta, ptrdiff_t n, float scale,
                     float b1, float oneMinusB1, float b2, float oneMinusB2, float lr, float eps,
                     float correction1, float correction2) { __builtin_trap(); }

ptrdiff_t rnn_avx512_maximum(const float *x, ptrdiff_t n, float *m0, float *m1, int *sawNaN) { __builtin_trap(); }
void rnn_avx512_step_norms(const float *x, ptrdiff_t steps, ptrdiff_t width, float *norms) { __builtin_trap(); }
void rnn_avx512_stream_panels(const float *src, ptrdiff_t rows, ptrdiff_t columns, ptrdiff_t sourceStride,
                              float *dst, ptrdiff_t panelStride) { __builtin_trap(); }
void rnn_avx512_lstm_forward(int batch, int hidden, const float *inputProjection, const float *hiddenProjection,
                             const float *previousCell, float *gates, float *hiddenOut, float *cellOut,
                             float *tanhCell) { __builtin_trap(); }
void rnn_avx512_lstm_walk(int steps, int hidden, const float *inputProjection, const float *panels,
                          const float *biasHH, const float *h0, const float *c0, int fromState,
                          float *hiddenProjection, float *gates, float *hiddenOut, float *cellOut,
                          float *tanhCell) { __builtin_trap(); }

ptrdiff_t rnn_avx512_top_k(const float *x, ptrdiff_t n, ptrdiff_t k, ptrdiff_t *best, int *sawNaN) { __builtin_trap(); }
ptrdiff_t rnn_avx512_top_k_by_groups(const float *x, ptrdiff_t n, const float *groupMaxima, ptrdiff_t k,
                                     ptrdiff_t *best, int *sawNaN) { __builtin_trap(); }
void rnn_avx512_top_k_rows(const float *x, ptrdiff_t rows, ptrdiff_t n, ptrdiff_t ldx, const float *groupMaxima,
                           ptrdiff_t groupStride, ptrdiff_t k, ptrdiff_t *best, ptrdiff_t *counts, int *sawNaN) { __builtin_trap(); }
void rnn_avx512_row_alongside(const float *a, ptrdiff_t columnStride, const float *b, ptrdiff_t k,
                              float *c, int columns, int accumulate, rnn_exp_sums_job *job) { __builtin_trap(); }
void rnn_avx512_exp_sums_finish(rnn_exp_sums_job *job) { __builtin_trap(); }
void rnn_avx512_weighted_panels(float *sums, const float *panels, ptrdiff_t k, int panelCount,
                                const float *weights) { __builtin_trap(); }
#endif
