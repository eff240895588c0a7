/* How fast one core streams a recurrent weight matrix from its L2 cache: the bound under
   the trace's one-row products (README, "One trace, one thread"). W_hh of the LSTM benchmark
   (4·128 × 128 floats, 256 KB) is multiplied by one state vector over and over, once in the
   engine's panel layout (16 columns a panel, eight panels at a time, as rnn_avx512_row reads
   them) and once laid out row after row (one long stream); and the same 256 KB is read with no
   product at all (eight sums of lines, two independent streams). It prints the time per pass
   and the bytes per second: the plain read is the ceiling, since no engine reads W_hh faster.
   Build with clang, which SwiftPM uses for the engine's C kernels (gcc 12 compiles these loops
   into code about half as fast), and run on one core:
     clang -O2 -o /tmp/l2_stream bench/l2_stream.c && taskset -c 0 /tmp/l2_stream */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define AVX512 __attribute__((target("avx512f,fma")))

/* c[0..<128] += a · (eight panels of 16 columns, k rows each), as the engine's one-row kernel. */
static AVX512 void panels8(const float *a, const float *b, long k, float *c) {
    __m512 s[8];
    for (int p = 0; p < 8; p++) s[p] = _mm512_setzero_ps();
    for (long kk = 0; kk < k; kk++) {
        const __m512 x = _mm512_set1_ps(a[kk]);
        for (int p = 0; p < 8; p++) s[p] = _mm512_fmadd_ps(x, _mm512_loadu_ps(b + p * 16 * k + 16 * kk), s[p]);
    }
    for (int p = 0; p < 8; p++) _mm512_storeu_ps(c + 16 * p, _mm512_add_ps(_mm512_loadu_ps(c + 16 * p), s[p]));
}

/* The same product with the matrix stored row after row (k rows of `columns`). */
static AVX512 void rows(const float *a, const float *b, long k, float *c, int columns) {
    for (int g = 0; g < columns; g += 128) {
        __m512 s[8];
        for (int p = 0; p < 8; p++) s[p] = _mm512_setzero_ps();
        for (long kk = 0; kk < k; kk++) {
            const __m512 x = _mm512_set1_ps(a[kk]);
            for (int p = 0; p < 8; p++) s[p] = _mm512_fmadd_ps(x, _mm512_loadu_ps(b + kk * columns + g + 16 * p), s[p]);
        }
        for (int p = 0; p < 8; p++) _mm512_storeu_ps(c + g + 16 * p, s[p]);
    }
}

/* Only the reads: every line of the n floats once, the first and second halves side by side
   (one stream or four read no faster). */
static AVX512 float read_only(const float *b, long n) {
    __m512 s[8];
    for (int p = 0; p < 8; p++) s[p] = _mm512_setzero_ps();
    const float *second = b + n / 2;
    for (long i = 0; i < n / 2; i += 64)
        for (int p = 0; p < 4; p++) {
            s[p] = _mm512_add_ps(s[p], _mm512_loadu_ps(b + i + 16 * p));
            s[4 + p] = _mm512_add_ps(s[4 + p], _mm512_loadu_ps(second + i + 16 * p));
        }
    for (int p = 1; p < 8; p++) s[0] = _mm512_add_ps(s[0], s[p]);
    return _mm512_reduce_add_ps(s[0]);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
    const long k = 128, columns = 512;
    const int repetitions = 20000;
    float *w = aligned_alloc(64, k * columns * sizeof(float)), *h = aligned_alloc(64, k * sizeof(float));
    float *c = aligned_alloc(64, columns * sizeof(float));
    for (long i = 0; i < k * columns; i++) w[i] = (float)(i % 7) * 0.001f;
    for (long i = 0; i < k; i++) h[i] = 0.01f * (float)i;
    for (long i = 0; i < columns; i++) c[i] = 0;
    const double bytes = (double)k * columns * sizeof(float) * repetitions;

    double t = now();
    for (int r = 0; r < repetitions; r++)
        for (long g = 0; g < columns / 128; g++) panels8(h, w + g * 128 * k, k, c + g * 128);
    t = now() - t;
    printf("panels:      %.2f us per product, %.0f GB/s\n", t / repetitions * 1e6, bytes / t / 1e9);

    t = now();
    for (int r = 0; r < repetitions; r++) rows(h, w, k, c, (int)columns);
    t = now() - t;
    printf("row by row:  %.2f us per product, %.0f GB/s\n", t / repetitions * 1e6, bytes / t / 1e9);

    float total = 0;
    t = now();
    for (int r = 0; r < repetitions; r++) {
        __asm__ volatile("" : : "r"(w) : "memory");   /* W "may have changed": read it every time */
        total += read_only(w, k * columns);
    }
    t = now() - t;
    printf("reads only:  %.2f us per pass, %.0f GB/s\n", t / repetitions * 1e6, bytes / t / 1e9);
    return c[3] + total > 1e30f;   /* keeps the products and sums from being optimised away */
}
