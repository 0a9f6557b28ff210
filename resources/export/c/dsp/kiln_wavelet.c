/* Kiln DSP: wavelet features; port of src/shared/dsp/wavelet.ts (dwt, wavedec,
 * waveletCoefficientFeatures) and the histogram/crossing/percentile statistics of
 * src/shared/dsp/statistics.ts. The TS block sorts each coefficient array for its percentiles;
 * here the five ranks are selected (same values, far fewer operations on a Cortex-M). */
#include "kiln_wavelet.h"

#include <math.h>

#include "kiln_stats.h"

#define KILN_HISTOGRAM_BINS 100

static size_t dwt_length(size_t n, size_t taps)
{
    return (n + taps - 1) / 2;
}

/* index into x[0...n) under half-sample symmetric extension */
static size_t symmetric_index(long i, long n)
{
    const long period = 2 * n;
    long j = i % period;
    if (j < 0) j += period;
    return (size_t)(j < n ? j : period - 1 - j);
}

static void dwt(const kiln_wavelet_t *w, const float *x, size_t n, float *approx, float *detail)
{
    const size_t f = w->length;
    const size_t m = dwt_length(n, f);
    const float *const lo = w->lo, *const hi = w->hi; /* locals: the stores below cannot alias them */
    size_t k, j;
    for (k = 0; k < m; k++) {
        const size_t t = 2 * k + 1;
        float a = 0.0f, d = 0.0f;
        if (t + 1 >= f && t < n) {
            for (j = 0; j < f; j++) {
                const float v = x[t - j];
                a += lo[j] * v;
                d += hi[j] * v;
            }
        } else {
            for (j = 0; j < f; j++) {
                const float v = x[symmetric_index((long)t - (long)j, (long)n)];
                a += lo[j] * v;
                d += hi[j] * v;
            }
        }
        approx[k] = a;
        detail[k] = d;
    }
}

size_t kiln_wavelet_scratch(const kiln_wavelet_t *wavelet, size_t n)
{
    size_t total = 0, len = n, first = dwt_length(n, wavelet->length);
    uint8_t l;
    for (l = 0; l < wavelet->level; l++) {
        len = dwt_length(len, wavelet->length);
        total += len;
    }
    return total + (wavelet->level > 0 ? first : 0);
}

/* Reorders x[lo...hi] (inclusive) so that x[k] holds the value of rank k, with nothing larger
 * before it and nothing smaller after it (quickselect, median-of-three pivot). The percentiles
 * need five order statistics, not a full sort. */
static void select_rank(float *x, long lo, long hi, long k)
{
    while (hi > lo) {
        const long mid = lo + (hi - lo) / 2;
        float pivot, t;
        long i = lo, j = hi;
        if (x[mid] < x[lo]) { t = x[mid]; x[mid] = x[lo]; x[lo] = t; }
        if (x[hi] < x[lo]) { t = x[hi]; x[hi] = x[lo]; x[lo] = t; }
        if (x[hi] < x[mid]) { t = x[hi]; x[hi] = x[mid]; x[mid] = t; }
        pivot = x[mid];
        while (i <= j) {
            while (x[i] < pivot) i++;
            while (x[j] > pivot) j--;
            if (i <= j) {
                t = x[i];
                x[i] = x[j];
                x[j] = t;
                i++;
                j--;
            }
        }
        /* x[lo...j] <= pivot <= x[i...hi], and everything between equals the pivot */
        if (k <= j) {
            hi = j;
        } else if (k >= i) {
            lo = i;
        } else {
            return;
        }
    }
}

/* numpy.histogram(bins=100) then scipy.stats.entropy, in nats */
static float histogram_entropy(const float *x, size_t n)
{
    uint16_t counts[KILN_HISTOGRAM_BINS] = {0};
    float lo = x[0], hi = x[0], span, step, h = 0.0f;
    size_t i;
    int b;
    for (i = 1; i < n; i++) {
        if (x[i] < lo) lo = x[i];
        if (x[i] > hi) hi = x[i];
    }
    if (lo == hi) { /* numpy widens an empty range by +-0.5 */
        lo -= 0.5f;
        hi += 0.5f;
    }
    span = hi - lo;
    step = span / (float)KILN_HISTOGRAM_BINS;
    for (i = 0; i < n; i++) {
        const float v = x[i];
        /* numpy's uniform-bin index, then its corrections against the linspace edges */
        b = (int)((v - lo) / span * (float)KILN_HISTOGRAM_BINS);
        if (b == KILN_HISTOGRAM_BINS) b--;
        if (v < (float)b * step + lo) {
            b--;
        } else if (b != KILN_HISTOGRAM_BINS - 1) {
            const float edge = b + 1 == KILN_HISTOGRAM_BINS ? hi : (float)(b + 1) * step + lo;
            if (v >= edge) b++;
        }
        counts[b]++;
    }
    for (b = 0; b < KILN_HISTOGRAM_BINS; b++) {
        if (counts[b] > 0) {
            const float p = (float)counts[b] / (float)n;
            h -= p * kiln_dsp_logf(p);
        }
    }
    return h;
}

/* fractions of consecutive pairs where (x > 0) and where (x > level) change, in one pass */
static void crossing_rates(const float *x, size_t n, float level, float *zero_rate, float *level_rate)
{
    size_t i, zero = 0, crossed = 0;
    int prev_zero = x[0] > 0.0f, prev_level = x[0] > level;
    for (i = 1; i < n; i++) {
        const int cur_zero = x[i] > 0.0f, cur_level = x[i] > level;
        zero += (size_t)(cur_zero != prev_zero);
        crossed += (size_t)(cur_level != prev_level);
        prev_zero = cur_zero;
        prev_level = cur_level;
    }
    *zero_rate = (float)zero / (float)n;
    *level_rate = (float)crossed / (float)n;
}

/* Edge Impulse's percentile of a sorted array: element floor((n - 1) * p / 100 + 0.5) */
static size_t percentile_rank(size_t n, unsigned p)
{
    return ((n - 1) * p + 50) / 100;
}

static void coefficient_features(float *c, size_t n, float *out)
{
    kiln_moments_t m;
    float squares = 0.0f, rms;
    size_t i;
    if (n == 0) {
        for (i = 0; i < KILN_WAVELET_FEATURES; i++) out[i] = 0.0f;
        return;
    }
    out[0] = histogram_entropy(c, n);
    kiln_moments(c, n, 1, &m);
    crossing_rates(c, n, m.mean, &out[1], &out[2]);
    for (i = 0; i < n; i++) squares += c[i] * c[i];
    rms = sqrtf(squares / (float)n);
    {
        /* the median first, then each quartile within its half and each outer percentile
         * within its quarter: every selection only reorders the part that can hold its rank */
        const long last = (long)n - 1;
        const long r5 = (long)percentile_rank(n, 5), r25 = (long)percentile_rank(n, 25), r50 = (long)percentile_rank(n, 50);
        const long r75 = (long)percentile_rank(n, 75), r95 = (long)percentile_rank(n, 95);
        /* each value is read before a later selection reorders its slot */
        select_rank(c, 0, last, r50);
        out[7] = c[r50];
        select_rank(c, r50, last, r75);
        out[5] = c[r75];
        select_rank(c, r75, last, r95);
        out[6] = c[r95];
        select_rank(c, 0, r50, r25);
        out[4] = c[r25];
        select_rank(c, 0, r25, r5);
        out[3] = c[r5];
    }
    out[8] = m.mean;
    out[9] = sqrtf(m.m2);
    out[10] = n > 1 ? m.m2 * (float)n / (float)(n - 1) : 0.0f;
    out[11] = rms;
    /* Edge Impulse reports 0 (not NaN) for an all-zero level */
    out[12] = rms == 0.0f ? 0.0f : kiln_skewness(&m);
    out[13] = rms == 0.0f ? 0.0f : kiln_kurtosis(&m);
}

int kiln_wavelet_features(const kiln_wavelet_t *wavelet, float *x, size_t n, float *out, float *work)
{
    size_t lengths[KILN_WAVELET_MAX_LEVEL + 1];
    size_t total = 0, len = n, offset, i;
    uint8_t l;
    float *approx;
    if (wavelet->level > KILN_WAVELET_MAX_LEVEL || n > 65535u) return KILN_DSP_ERR_CONFIG;
    for (l = 0; l < wavelet->level; l++) {
        len = dwt_length(len, wavelet->length);
        total += len;
    }
    /* details stored from the end back, so cD_level ... cD_1 end up in output order */
    approx = work + total;
    offset = total;
    len = n;
    for (l = 0; l < wavelet->level; l++) {
        const size_t m = dwt_length(len, wavelet->length);
        offset -= m;
        dwt(wavelet, x, len, approx, work + offset);
        for (i = 0; i < m; i++) x[i] = approx[i];
        lengths[wavelet->level - 1 - l] = m;
        len = m;
    }
    coefficient_features(x, len, out);
    out += KILN_WAVELET_FEATURES;
    offset = 0;
    for (l = 0; l < wavelet->level; l++) {
        coefficient_features(work + offset, lengths[l], out);
        offset += lengths[l];
        out += KILN_WAVELET_FEATURES;
    }
    return KILN_DSP_OK;
}
