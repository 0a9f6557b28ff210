/*
 * Kiln's audio DSP blocks (MFCC, MFE, spectrogram; Edge Impulse implementation version 4) in
 * float32. Filterbanks and DCT matrices are computed by the exporter and passed in the block
 * configuration as const tables. Input: one axis of raw samples (int16-range PCM for audio);
 * output: frames × features, frame-major. The scratch length of each configuration is stated
 * by the exporter beside it.
 */
#ifndef KILN_AUDIO_H
#define KILN_AUDIO_H

#include "kiln_dsp.h"
#include "kiln_fft.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How a window is cut into frames (speechpy: no padding, only whole frames). */
typedef struct {
    /** samples in the input window */
    uint32_t window_length;
    /** samples per frame */
    uint32_t frame_length;
    /** samples between frame starts */
    uint32_t frame_stride;
    /** whole frames in the window */
    uint32_t frames;
    /** FFT points per frame (frames are truncated or zero-padded to it) */
    uint32_t fft_length;
} kiln_audio_framing;

/** Sparse triangular mel filterbank: filter r has weights[offsets[r] + i] at bin starts[r] + i. */
typedef struct {
    uint16_t num_filters;
    const uint16_t *starts;
    /** num_filters + 1 entries */
    const uint16_t *offsets;
    const float *weights;
} kiln_mel_filterbank;

typedef struct {
    kiln_audio_framing framing;
    kiln_mel_filterbank filterbank;
    /** pre-emphasis y[i] = x[i] − pre_cof·x[i − pre_shift], wrapping around the window */
    float pre_cof;
    uint32_t pre_shift;
    /** coefficients per frame (at most num_filters) */
    uint16_t num_cepstral;
    /** sliding normalisation window in frames (odd), 0 = no normalisation */
    uint32_t win_size;
    /** rows 1 … num_cepstral−1 of the orthonormal DCT-II, num_filters values each */
    const float *dct;
} kiln_mfcc_config;

typedef struct {
    kiln_audio_framing framing;
    kiln_mel_filterbank filterbank;
    /** level in dB mapped to 0; 12 dB maps to 1 */
    float noise_floor_db;
} kiln_mfe_config;

typedef struct {
    kiln_audio_framing framing;
    /** level in dB mapped to 0; 12 dB maps to 1 */
    float noise_floor_db;
} kiln_spectrogram_config;

/** MFCC: output frames × num_cepstral. */
int kiln_mfcc(const kiln_mfcc_config *cfg, const float *input, float *output, float *scratch);
/** MFE: output frames × num_filters, in steps of 1/256. */
int kiln_mfe(const kiln_mfe_config *cfg, const float *input, float *output, float *scratch);
/** Spectrogram: output frames × (fft_length/2 + 1). */
int kiln_spectrogram(const kiln_spectrogram_config *cfg, const float *input, float *output, float *scratch);

/* Steps shared by the three blocks (kiln_audio_frames.c). */

/** How a frame's samples are prepared before the FFT. */
typedef enum {
    /** samples as they are */
    KILN_FRAME_PLAIN,
    /** x[i] − cof·x[i − shift] (MFCC) */
    KILN_FRAME_PRE_EMPHASIS,
    /** int16 scaled to [−1, 1], then x[i] − 0.98·x[i − 1] (MFE) */
    KILN_FRAME_SCALED_PRE_EMPHASIS
} kiln_frame_mode;

/**
 * KILN_DSP_ERR_CONFIG unless every frame lies inside the window, KILN_DSP_ERR_NOT_FINITE
 * unless the window's samples are all finite (their float sum is), else KILN_DSP_OK.
 */
int kiln_audio_check(const kiln_audio_framing *fr, const float *input);

/** KILN_DSP_ERR_CONFIG unless every filter lies inside the fft_length/2 + 1 bins. */
int kiln_mel_check(const kiln_mel_filterbank *fb, uint32_t fft_length);

/** Floats of work space kiln_audio_frame_power needs: 3·fft_length + 2. */
#define KILN_AUDIO_FRAME_WORK(fft_length) (3u * (fft_length) + 2u)

/**
 * |rfft(frame f)|²/fft_length of frame f, written to work[fft_length … fft_length + fft_length/2]
 * (KILN_AUDIO_POWER(work, fft_length)), and the sum of those bins (the frame energy) to *energy.
 * Returns KILN_DSP_OK or the FFT's error.
 */
int kiln_audio_frame_power(const kiln_audio_framing *fr, const float *input, uint32_t f, kiln_frame_mode mode, float cof,
                           uint32_t shift, float *work, float *energy);
#define KILN_AUDIO_POWER(work, fft_length) ((work) + (fft_length))

/** Filterbank energies Σ power[k]·w_r[k] into mel[num_filters], exact zeros replaced by 1e-10. */
void kiln_mel_apply(const kiln_mel_filterbank *fb, const float *power, float *mel);

#ifdef __cplusplus
}
#endif

#endif /* KILN_AUDIO_H */
