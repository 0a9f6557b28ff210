/*
 * Real FFT for the Kiln DSP blocks: radix-2, float32, no heap. Only the lengths whose
 * KILN_FFT_<n> define is set in kiln_dsp_config.h are compiled in; their quarter-wave cosine
 * tables (kiln_fft_cos_<n>, n/4 + 1 entries) are emitted by the exporter with the block
 * configurations.
 */
#ifndef KILN_FFT_H
#define KILN_FFT_H

#include "kiln_dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * n = 2^k, 4 ≤ n ≤ 4096: in[n] real samples → out[n/2+1] complex bins (re, im) interleaved,
 * X[k] = Σ in[j]·e^{-2πijk/n}; scratch = n floats. in, out and scratch must not overlap.
 * Returns KILN_DSP_OK or a negative KILN_DSP_* error.
 */
int kiln_rfft(const float *in, float *out, size_t n, float *scratch);

#ifdef KILN_FFT_4
extern const float kiln_fft_cos_4[];
#endif
#ifdef KILN_FFT_8
extern const float kiln_fft_cos_8[];
#endif
#ifdef KILN_FFT_16
extern const float kiln_fft_cos_16[];
#endif
#ifdef KILN_FFT_32
extern const float kiln_fft_cos_32[];
#endif
#ifdef KILN_FFT_64
extern const float kiln_fft_cos_64[];
#endif
#ifdef KILN_FFT_128
extern const float kiln_fft_cos_128[];
#endif
#ifdef KILN_FFT_256
extern const float kiln_fft_cos_256[];
#endif
#ifdef KILN_FFT_512
extern const float kiln_fft_cos_512[];
#endif
#ifdef KILN_FFT_1024
extern const float kiln_fft_cos_1024[];
#endif
#ifdef KILN_FFT_2048
extern const float kiln_fft_cos_2048[];
#endif
#ifdef KILN_FFT_4096
extern const float kiln_fft_cos_4096[];
#endif

#ifdef __cplusplus
}
#endif

#endif /* KILN_FFT_H */
