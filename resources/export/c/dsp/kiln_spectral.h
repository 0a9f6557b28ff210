/* Kiln DSP: spectral analysis block (Edge Impulse "Spectral Analysis", version 4).
 * Per axis: scale -> optional input decimation -> optional Butterworth low/high-pass ->
 * subtract the mean -> FFT features (RMS, skewness, kurtosis, spectral skewness/kurtosis of a
 * max-hold spectrum, then its selected bins; optionally again on the signal decimated by 10)
 * or wavelet features. Code paths are compiled in by defines:
 *   KILN_DSP_SPECTRAL_FFT      FFT analysis (needs kiln_fft.c)
 *   KILN_DSP_SPECTRAL_WAVELET  wavelet analysis (needs kiln_wavelet.c)
 *   KILN_DSP_SPECTRAL_FILTER   Butterworth filter (needs kiln_iir.c)
 *   KILN_DSP_SPECTRAL_DECIMATE input decimation or extra-low-freq (needs kiln_iir.c)
 * A configuration that asks for a path not compiled in returns KILN_DSP_ERR_CONFIG. */
#ifndef KILN_SPECTRAL_H
#define KILN_SPECTRAL_H

#include "kiln_dsp.h"
#include "kiln_iir.h"
#include "kiln_wavelet.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KILN_SPECTRAL_ANALYSIS_FFT 0
#define KILN_SPECTRAL_ANALYSIS_WAVELET 1
/* RMS, skewness, kurtosis, spectral skewness, spectral kurtosis */
#define KILN_SPECTRAL_FFT_STATISTICS 5

typedef struct {
    uint16_t axes;
    uint32_t readings;
    float scale; /* scale-axes */
    uint8_t decimation_stages;
    const kiln_decimator_t *decimators; /* input-decimation-ratio as stages */
    const kiln_sos_t *filter;           /* Butterworth, or NULL */
    uint8_t analysis;                   /* KILN_SPECTRAL_ANALYSIS_* */
    /* FFT analysis */
    uint16_t fft_length; /* power of two */
    uint8_t do_log;
    uint8_t overlap;
    uint16_t bin_count;
    const uint16_t *bins;               /* spectrum bins (1...fft_length/2) the filter keeps */
    const kiln_decimator_t *low_freq;   /* extra-low-freq: decimation by 10, or NULL */
    uint16_t low_freq_bin_count;
    const uint16_t *low_freq_bins;
    /* wavelet analysis */
    kiln_wavelet_t wavelet;
} kiln_spectral_config_t;

/* in: readings * axes interleaved (in[r * axes + a]); out: the block's features; scratch:
 * the float count the exporter planned. Returns KILN_DSP_OK, KILN_DSP_ERR_NOT_FINITE for a NaN
 * or infinite input, or another KILN_DSP_ERR_* code. */
int kiln_spectral_run(const kiln_spectral_config_t *config, const float *in, float *out, float *scratch);

#ifdef __cplusplus
}
#endif

#endif
