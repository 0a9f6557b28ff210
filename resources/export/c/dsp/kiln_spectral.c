/* Kiln DSP: spectral analysis block; port of src/shared/dsp/spectralAnalysis.ts. */
#include "kiln_spectral.h"

#include <math.h>

#include "kiln_stats.h"
#ifdef KILN_DSP_SPECTRAL_FFT
#include "kiln_fft.h"
#endif

/* log10(x) = ln(x) * log10(e); kiln_dsp_logf gives the same bits on every target */
#define KILN_LOG10_E 0.434294482f

/* Subtracts the mean of x[0...n) in place and gives the central moments of the result in the
 * same pass (its mean is 0 up to rounding, which the TS block's second pass would find). */
static void subtract_mean(float *x, size_t n, kiln_moments_t *m)
{
    float s = 0.0f, s2 = 0.0f, s3 = 0.0f, s4 = 0.0f, mean;
    const float fn = (float)n;
    size_t i;
    for (i = 0; i < n; i++) s += x[i];
    mean = s / fn;
    for (i = 0; i < n; i++) {
        const float d = x[i] - mean;
        const float d2 = d * d;
        x[i] = d;
        s2 += d2;
        s3 += d2 * d;
        s4 += d2 * d2;
    }
    m->mean = 0.0f;
    m->m2 = s2 / fn;
    m->m3 = s3 / fn;
    m->m4 = s4 / fn;
}

#ifdef KILN_DSP_SPECTRAL_FFT
/* FFT features of the mean-free x[0...n) (moments m) into out; returns the feature count
 * written or a negative status. work: fft_length * 3.5 + 3 floats. */
static int fft_features(const kiln_spectral_config_t *c, const float *x, size_t n, kiln_moments_t m, const uint16_t *bins, uint16_t bin_count,
                        float *out, float *work)
{
    const size_t nfft = c->fft_length;
    const size_t half = nfft / 2 + 1;
    const size_t step = nfft - (c->overlap ? nfft / 2 : 0);
    /* 1/N is a power of two: multiplying by it is exactly dividing by N */
    const float inv_nfft = 1.0f / (float)nfft;
    float *spectrum = work;
    float *frame = spectrum + half;
    float *bins_out = frame + nfft;
    float *fft_scratch = bins_out + 2 * half;
    size_t start, k;
    uint16_t i;

    out[0] = sqrtf(m.m2 + m.mean * m.mean);
    out[1] = kiln_skewness(&m);
    out[2] = kiln_kurtosis(&m);

    for (k = 0; k < half; k++) spectrum[k] = 0.0f;
    /* max-hold of |rfft|^2 / N over frames (the last ones zero-padded) */
    for (start = 0; start < n; start += step) {
        const float *in = x + start;
        if (n - start < nfft) { /* the last frames run past the end: zero-pad a copy */
            for (k = 0; k < n - start; k++) frame[k] = x[start + k];
            for (; k < nfft; k++) frame[k] = 0.0f;
            in = frame;
        }
        if (nfft == 2) { /* below kiln_rfft's smallest length */
            bins_out[0] = in[0] + in[1];
            bins_out[2] = in[0] - in[1];
            bins_out[1] = bins_out[3] = 0.0f;
        } else {
            const int status = kiln_rfft(in, bins_out, nfft, fft_scratch);
            if (status < 0) return status;
        }
        {
            const float *b = bins_out;
            float *sp = spectrum;
            float *const end = spectrum + half;
            do {
                const float v = (b[0] * b[0] + b[1] * b[1]) * inv_nfft;
                if (v > *sp) *sp = v;
                b += 2;
            } while (++sp < end);
        }
    }
    kiln_moments(spectrum, half, 1, &m);
    out[3] = kiln_skewness(&m);
    out[4] = kiln_kurtosis(&m);
    for (i = 0; i < bin_count; i++) {
        const float v = spectrum[bins[i]];
        out[KILN_SPECTRAL_FFT_STATISTICS + i] = c->do_log ? kiln_dsp_logf(v == 0.0f ? 1e-10f : v) * KILN_LOG10_E : v;
    }
    return KILN_SPECTRAL_FFT_STATISTICS + bin_count;
}
#endif

int kiln_spectral_run(const kiln_spectral_config_t *config, const float *in, float *out, float *scratch)
{
    const uint16_t axes = config->axes;
    const uint32_t readings = config->readings;
    const float scale = config->scale;
    float *x = scratch;
    float *work = scratch + readings;
    float *low_freq_out;
    uint16_t a;
    uint32_t r;
    int per_axis;
    if (readings == 0) return KILN_DSP_ERR_CONFIG;
    if (config->analysis == KILN_SPECTRAL_ANALYSIS_FFT) {
        per_axis = KILN_SPECTRAL_FFT_STATISTICS + config->bin_count;
    } else {
        per_axis = KILN_WAVELET_FEATURES * (config->wavelet.level + 1);
    }
    low_freq_out = out + (size_t)axes * (size_t)per_axis;
    (void)work; /* unused when neither analysis is compiled in */
    (void)low_freq_out; /* unused without extra-low-freq */
    for (a = 0; a < axes; a++) {
        size_t n = readings;
        float *axis_out = out + (size_t)a * (size_t)per_axis;
        kiln_moments_t moments;
        uint8_t s;
        {
            /* one check of the sum instead of one per sample: any NaN or infinity makes it
             * non-finite (as does a sum beyond FLT_MAX, which the features could not hold) */
            float sum = 0.0f;
            const float *p = in + a;
            for (r = 0; r < readings; r++, p += axes) {
                sum += *p;
                x[r] = *p * scale;
            }
            if (!isfinite(sum)) return KILN_DSP_ERR_NOT_FINITE;
        }
#ifdef KILN_DSP_SPECTRAL_DECIMATE
        for (s = 0; s < config->decimation_stages; s++) n = kiln_decimate(&config->decimators[s], x, n);
#else
        s = config->decimation_stages;
        if (s > 0) return KILN_DSP_ERR_CONFIG;
#endif
        if (config->filter) {
#ifdef KILN_DSP_SPECTRAL_FILTER
            kiln_sos_filter(config->filter, x, n);
#else
            return KILN_DSP_ERR_CONFIG;
#endif
        }
        subtract_mean(x, n, &moments);
        if (config->analysis == KILN_SPECTRAL_ANALYSIS_WAVELET) {
#ifdef KILN_DSP_SPECTRAL_WAVELET
            const int status = kiln_wavelet_features(&config->wavelet, x, n, axis_out, work);
            if (status < 0) return status;
            continue;
#else
            return KILN_DSP_ERR_CONFIG;
#endif
        }
#ifdef KILN_DSP_SPECTRAL_FFT
        {
            int written = fft_features(config, x, n, moments, config->bins, config->bin_count, axis_out, work);
            if (written < 0) return written;
            if (config->low_freq) {
#ifdef KILN_DSP_SPECTRAL_DECIMATE
                n = kiln_decimate(config->low_freq, x, n);
                subtract_mean(x, n, &moments);
                written = fft_features(config, x, n, moments, config->low_freq_bins, config->low_freq_bin_count, low_freq_out, work);
                if (written < 0) return written;
                low_freq_out += written;
#else
                return KILN_DSP_ERR_CONFIG;
#endif
            }
        }
#else
        (void)axis_out;
        return KILN_DSP_ERR_CONFIG;
#endif
    }
    return KILN_DSP_OK;
}
