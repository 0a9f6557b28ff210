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

/* e^{-2πit/n} for 0 ≤ t < n/2, from the table c of quarter length q = n/4. */
static void twiddle(const float *c, size_t q, size_t t, float *wr, float *wi)
{
    if (t <= q) {
        *wr = c[t];
        *wi = -c[q - t];
    } else {
        *wr = -c[2 * q - t];
        *wi = -c[t - q];
    }
}

/* In-place radix-2 transform of m complex values already in bit-reversed order. */
static void butterflies(float *s, size_t m, const float *c, size_t q)
{
    size_t h, k, a;
    /* span 1: twiddle 1, no multiplications */
    for (a = 0; a < m; a += 2) {
        float *x = s + 2 * a;
        float br = x[2], bi = x[3];
        x[2] = x[0] - br;
        x[3] = x[1] - bi;
        x[0] = x[0] + br;
        x[1] = x[1] + bi;
    }
    for (h = 2; h < m; h <<= 1) {
        /* twiddle of butterfly k at span h: e^{-iπk/h} = e^{-2πi(k·n/2h)/n}, n = 2m */
        size_t step = m / h;
        for (k = 0; k < h; k++) {
            float wr, wi;
            twiddle(c, q, k * step, &wr, &wi);
            for (a = k; a < m; a += 2 * h) {
                float *x = s + 2 * a;
                float *y = x + 2 * h;
                float br = y[0], bi = y[1];
                float xr = br * wr - bi * wi;
                float xi = br * wi + bi * wr;
                y[0] = x[0] - xr;
                y[1] = x[1] - xi;
                x[0] = x[0] + xr;
                x[1] = x[1] + xi;
            }
        }
    }
}

int kiln_rfft(const float *in, float *out, size_t n, float *scratch)
{
    const float *c;
    size_t m, q, i, j, k;
    if (in == NULL || out == NULL || scratch == NULL) return KILN_DSP_ERR_NULL;
    c = cosine_table(n);
    if (c == NULL) return KILN_DSP_ERR_FFT_LENGTH;
    m = n / 2;
    q = n / 4;

    /* z[i] = in[2i] + i·in[2i+1], stored at its bit-reversed index */
    for (i = 0, j = 0; i < m; i++) {
        size_t bit = m >> 1;
        scratch[2 * j] = in[2 * i];
        scratch[2 * j + 1] = in[2 * i + 1];
        while (j & bit) {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
    }
    butterflies(scratch, m, c, q);

    /* X[k] = E[k] + e^{-2πik/n}·O[k], E = (Z[k] + conj Z[m-k]) / 2, O = (Z[k] - conj Z[m-k]) / 2i */
    out[0] = scratch[0] + scratch[1];
    out[1] = 0.0f;
    out[2 * m] = scratch[0] - scratch[1];
    out[2 * m + 1] = 0.0f;
    for (k = 1; k < m; k++) {
        float ar = scratch[2 * k], ai = scratch[2 * k + 1];
        float br = scratch[2 * (m - k)], bi = scratch[2 * (m - k) + 1];
        float er = 0.5f * (ar + br);
        float ei = 0.5f * (ai - bi);
        float or_ = 0.5f * (ai + bi);
        float oi = -0.5f * (ar - br);
        float wr, wi;
        twiddle(c, q, k, &wr, &wi);
        out[2 * k] = er + wr * or_ - wi * oi;
        out[2 * k + 1] = ei + wr * oi + wi * or_;
    }
    return KILN_DSP_OK;
}
