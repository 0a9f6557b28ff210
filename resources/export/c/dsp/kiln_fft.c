/*
 * Real FFT of n points through one complex FFT of n/2 points: the even samples are the real
 * parts and the odd samples the imaginary parts, and the two half spectra are untangled
 * afterwards. Twiddles e^{-2πit/n} come from a quarter-wave cosine table of n/4 + 1 entries.
 */
#include "kiln_fft.h"

/* The cosine table cos(2πk/n), k = 0 … n/4, of a compiled length; NULL otherwise. */
static const float *cosine_table(size_t n)
{
    switch (n) {
#ifdef KILN_FFT_4
    case 4: return kiln_fft_cos_4;
#endif
#ifdef KILN_FFT_8
    case 8: return kiln_fft_cos_8;
#endif
#ifdef KILN_FFT_16
    case 16: return kiln_fft_cos_16;
#endif
#ifdef KILN_FFT_32
    case 32: return kiln_fft_cos_32;
#endif
#ifdef KILN_FFT_64
    case 64: return kiln_fft_cos_64;
#endif
#ifdef KILN_FFT_128
    case 128: return kiln_fft_cos_128;
#endif
#ifdef KILN_FFT_256
    case 256: return kiln_fft_cos_256;
#endif
#ifdef KILN_FFT_512
    case 512: return kiln_fft_cos_512;
#endif
#ifdef KILN_FFT_1024
    case 1024: return kiln_fft_cos_1024;
#endif
#ifdef KILN_FFT_2048
    case 2048: return kiln_fft_cos_2048;
#endif
#ifdef KILN_FFT_4096
    case 4096: return kiln_fft_cos_4096;
#endif
    default: return NULL;
    }
}

/* Small helpers the butterfly loops must not call (-Os would otherwise keep them out of line). */
#if defined(__GNUC__)
#define KILN_FFT_INLINE static inline __attribute__((always_inline))
#else
#define KILN_FFT_INLINE static inline
#endif

/*
 * Twiddles e^{-2πit/n} come from the table c of quarter length q = n/4: for t ≤ q they are
 * (c[t], −c[q − t]); for q < t < n/2 they are (−c[2q − t], −c[t − q]).
 */

/*
 * z[i] = in[2i] + i·in[2i+1] gathered in bit-reversed order, fused with the first two radix-2
 * stages (spans 1 and 2: a 4-point DFT per group of four, twiddles 1 and −i). m ≥ 4.
 */
static void gather_first_stages(const float *in, float *s, size_t m)
{
    const size_t half = m / 2, quarter = m / 4;
    size_t a, j = 0;
    for (a = 0; a < m; a += 4) {
        /* j = bitreverse(a); a's low two bits are zero, so a+1, a+2, a+3 reverse to j + m/2, j + m/4, j + 3m/4 */
        const float *x0 = in + 2 * j, *x1 = in + 2 * (j + half), *x2 = in + 2 * (j + quarter), *x3 = in + 2 * (j + half + quarter);
        const float s01r = x0[0] + x1[0], s01i = x0[1] + x1[1], d01r = x0[0] - x1[0], d01i = x0[1] - x1[1];
        const float s23r = x2[0] + x3[0], s23i = x2[1] + x3[1], d23r = x2[0] - x3[0], d23i = x2[1] - x3[1];
        float *y = s + 2 * a;
        size_t bit = m >> 3;
        y[0] = s01r + s23r;
        y[1] = s01i + s23i;
        y[4] = s01r - s23r;
        y[5] = s01i - s23i;
        /* d23·(−i) = d23i − i·d23r */
        y[2] = d01r + d23i;
        y[3] = d01i - d23r;
        y[6] = d01r - d23i;
        y[7] = d01i + d23r;
        while (j & bit) {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
    }
}

/* Radix-4 passes run from n = 32 on; a library with shorter FFTs only leaves them out. */
#if defined(KILN_FFT_32) || defined(KILN_FFT_64) || defined(KILN_FFT_128) || defined(KILN_FFT_256) || defined(KILN_FFT_512) ||  \
    defined(KILN_FFT_1024) || defined(KILN_FFT_2048) || defined(KILN_FFT_4096)
#define KILN_FFT_RADIX4 1
#endif

#ifdef KILN_FFT_RADIX4
/* Spans h and 2h for butterfly k of every group of 4h: twiddle w1 at span h, w2 at span 2h. */
static void radix4_groups(float *s, size_t m, size_t h, size_t k, float w1r, float w1i, float w2r, float w2i)
{
    size_t start;
    for (start = k; start < m; start += 4 * h) {
        float *x0 = s + 2 * start, *x1 = x0 + 2 * h, *x2 = x1 + 2 * h, *x3 = x2 + 2 * h;
        /* span h: (x0, x1) and (x2, x3) with w1 */
        float tr = x1[0] * w1r - x1[1] * w1i;
        float ti = x1[0] * w1i + x1[1] * w1r;
        const float b0r = x0[0] + tr, b0i = x0[1] + ti, b1r = x0[0] - tr, b1i = x0[1] - ti;
        float b2r, b2i, b3r, b3i, ur, ui;
        tr = x3[0] * w1r - x3[1] * w1i;
        ti = x3[0] * w1i + x3[1] * w1r;
        b2r = x2[0] + tr;
        b2i = x2[1] + ti;
        b3r = x2[0] - tr;
        b3i = x2[1] - ti;
        /* span 2h: (b0, b2) with w2, (b1, b3) with w2·(−i) */
        tr = b2r * w2r - b2i * w2i;
        ti = b2r * w2i + b2i * w2r;
        x0[0] = b0r + tr;
        x0[1] = b0i + ti;
        x2[0] = b0r - tr;
        x2[1] = b0i - ti;
        ur = b3r * w2r - b3i * w2i;
        ui = b3r * w2i + b3i * w2r;
        x1[0] = b1r + ui;
        x1[1] = b1i - ur;
        x3[0] = b1r - ui;
        x3[1] = b1i + ur;
    }
}

#endif

/* One radix-2 butterfly of span h on x with twiddle w. */
KILN_FFT_INLINE void radix2_butterfly(float *x, size_t h, float wr, float wi)
{
    float *y = x + 2 * h;
    const float xr = y[0] * wr - y[1] * wi;
    const float xi = y[0] * wi + y[1] * wr;
    y[0] = x[0] - xr;
    y[1] = x[1] - xi;
    x[0] = x[0] + xr;
    x[1] = x[1] + xi;
}

/*
 * The stages of span ≥ 4 of an in-place radix-2 transform of m complex values, two stages
 * (spans h and 2h) per pass over the data, and a last single stage when their count is odd.
 * The twiddle of butterfly k at span h is e^{-iπk/h} = e^{-2πi(k·m/h)/n}, n = 2m: its index
 * k·m/h is at most q = m/2 up to k = h/2, so each k loop is split there. At span 2h it is below q.
 */
static void later_stages(float *s, size_t m, const float *c, size_t q)
{
    size_t h = 4, k;
#ifdef KILN_FFT_RADIX4
    for (; 4 * h <= m; h <<= 2) {
        const size_t step1 = m / h, step2 = m / (2 * h);
        for (k = 0; k <= h / 2; k++) {
            const size_t t1 = k * step1, t2 = k * step2;
            radix4_groups(s, m, h, k, c[t1], -c[q - t1], c[t2], -c[q - t2]);
        }
        for (; k < h; k++) {
            const size_t t1 = k * step1, t2 = k * step2;
            radix4_groups(s, m, h, k, -c[2 * q - t1], -c[t1 - q], c[t2], -c[q - t2]);
        }
    }
#endif
    if (h < m) {
        const size_t step = m / h;
        for (k = 0; k <= h / 2; k++) radix2_butterfly(s + 2 * k, h, c[k * step], -c[q - k * step]);
        for (; k < h; k++) radix2_butterfly(s + 2 * k, h, -c[2 * q - k * step], -c[k * step - q]);
    }
}

int kiln_rfft(const float *in, float *out, size_t n, float *scratch)
{
    const float *c;
    size_t m, q, k;
    if (in == NULL || out == NULL || scratch == NULL) return KILN_DSP_ERR_NULL;
    c = cosine_table(n);
    if (c == NULL) return KILN_DSP_ERR_FFT_LENGTH;
    m = n / 2;
    q = n / 4;

    if (m == 2) {
        /* a 2-point transform of z0 = in[0] + i·in[1], z1 = in[2] + i·in[3] */
        scratch[0] = in[0] + in[2];
        scratch[1] = in[1] + in[3];
        scratch[2] = in[0] - in[2];
        scratch[3] = in[1] - in[3];
    } else {
        gather_first_stages(in, scratch, m);
        later_stages(scratch, m, c, q);
    }

    /*
     * X[k] = E + W^k·O and X[m−k] = conj(E − W^k·O), with W = e^{-2πi/n},
     * E = (Z[k] + conj Z[m−k]) / 2 and O = (Z[k] − conj Z[m−k]) / 2i.
     */
    out[0] = scratch[0] + scratch[1];
    out[1] = 0.0f;
    out[2 * m] = scratch[0] - scratch[1];
    out[2 * m + 1] = 0.0f;
    for (k = 1; 2 * k <= m; k++) {
        const float ar = scratch[2 * k], ai = scratch[2 * k + 1];
        const float br = scratch[2 * (m - k)], bi = scratch[2 * (m - k) + 1];
        const float er = 0.5f * (ar + br);
        const float ei = 0.5f * (ai - bi);
        const float or_ = 0.5f * (ai + bi);
        const float oi = -0.5f * (ar - br);
        /* k ≤ m/2 = q: W^k = (c[k], −c[q − k]) */
        const float wr = c[k], wi = -c[q - k];
        const float tr = wr * or_ - wi * oi;
        const float ti = wr * oi + wi * or_;
        out[2 * k] = er + tr;
        out[2 * k + 1] = ei + ti;
        out[2 * (m - k)] = er - tr;
        out[2 * (m - k) + 1] = ti - ei;
    }
    return KILN_DSP_OK;
}
