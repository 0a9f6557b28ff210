/*
 * Spectrogram (Edge Impulse implementation version 4): power spectrum |rfft|²/fft_length per
 * frame in dB, mapped so noise_floor_db → 0 and 12 dB → 1, clipped below at 0 only.
 */
#include "kiln_audio.h"

/* 10·log10(x) = (10 / ln 10)·ln x */
#define KILN_DB_PER_NEPER 4.34294482f

int kiln_spectrogram(const kiln_spectrogram_config *cfg, const float *input, float *output, float *scratch)
{
    const kiln_audio_framing *fr;
    uint32_t bins, f, k, n;
    float floor_db, range;
    int status;
    if (cfg == NULL || input == NULL || output == NULL || scratch == NULL) return KILN_DSP_ERR_NULL;
    fr = &cfg->framing;
    n = fr->fft_length;
    bins = n / 2 + 1;
    floor_db = cfg->noise_floor_db;
    range = 12.0f - floor_db;
    if (fr->frames < 1 || !(range > 0.0f)) return KILN_DSP_ERR_CONFIG;
    status = kiln_audio_check(fr, input);
    if (status != KILN_DSP_OK) return status;

    for (f = 0; f < fr->frames; f++) {
        float energy;
        const float *power = KILN_AUDIO_POWER(scratch, n);
        float *out = output + f * bins;
        status = kiln_audio_frame_power(fr, input, f, KILN_FRAME_PLAIN, 0.0f, 0u, scratch, &energy);
        if (status != KILN_DSP_OK) return status;
        for (k = 0; k < bins; k++) {
            const float p = power[k] > 1e-30f ? power[k] : 1e-30f;
            const float v = (KILN_DB_PER_NEPER * kiln_dsp_logf(p) - floor_db) / range;
            out[k] = v > 0.0f ? v : 0.0f;
        }
    }
    return KILN_DSP_OK;
}
