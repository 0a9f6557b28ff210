/* Kiln DSP: wavelet analysis of the spectral analysis block: pywt.wavedec (mode
 * 'symmetric') to a level, then 14 statistics per coefficient array. */
#ifndef KILN_WAVELET_H
#define KILN_WAVELET_H

#include "kiln_dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KILN_WAVELET_FEATURES 14
#define KILN_WAVELET_MAX_LEVEL 30

typedef struct {
    uint8_t length;   /* filter taps */
    const float *lo;  /* decomposition low-pass */
    const float *hi;  /* decomposition high-pass */
    uint8_t level;    /* wavelet-level */
} kiln_wavelet_t;

/* floats of work space kiln_wavelet_features needs for n samples */
size_t kiln_wavelet_scratch(const kiln_wavelet_t *wavelet, size_t n);
/* decomposes x[0...n) (overwritten; n <= 65535) and writes (level + 1) * 14 features to out:
 * for cA_level, cD_level, ..., cD_1 the histogram entropy, zero- and mean-crossing rates,
 * percentiles 5/25/75/95/50, mean, std, var (ddof 1), rms, skewness, kurtosis */
int kiln_wavelet_features(const kiln_wavelet_t *wavelet, float *x, size_t n, float *out, float *work);

#ifdef __cplusplus
}
#endif

#endif
