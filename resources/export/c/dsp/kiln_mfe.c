/*
 * MFE (Edge Impulse implementation version 4): int16 PCM scaled to [−1, 1], pre-emphasis 0.98,
 * power spectrum per frame, mel filterbank energies in dB mapped from [noise_floor_db, 12] to
 * [0, 1] and quantised like numpy's uint8(around(v·256)) / 256 (so a full-scale band wraps to 0).
 */
#include "kiln_audio.h"

/* 10·log10(x) = (10 / ln 10)·ln x */
#define KILN_DB_PER_NEPER 4.34294482f

/* round(v·256) half to even, wrapped to 0 … 255 like a uint8 cast, over 256; v in [0, 1]. */
static float quantise256(float v)
{
    const float x = v * 256.0f;
    int32_t q = (int32_t)(x + 0.5f);
    if ((float)q - x == 0.5f && (q & 1)) q -= 1;
    return (float)(q & 255) / 256.0f;
}

int kiln_mfe(const kiln_mfe_config *cfg, const float *input, float *output, float *scratch)
{
    const kiln_audio_framing *fr;
    uint32_t nf, f, i, n;
    float *mel;
    float floor_db, range;
    int status;
    if (cfg == NULL || input == NULL || output == NULL || scratch == NULL) return KILN_DSP_ERR_NULL;
    fr = &cfg->framing;
    nf = cfg->filterbank.num_filters;
    n = fr->fft_length;
    floor_db = cfg->noise_floor_db;
    range = 12.0f - floor_db;
    if (fr->frames < 1 || !(range > 0.0f)) return KILN_DSP_ERR_CONFIG;
    status = kiln_mel_check(&cfg->filterbank, n);
    if (status == KILN_DSP_OK) status = kiln_audio_check(fr, input);
    if (status != KILN_DSP_OK) return status;
    mel = scratch + KILN_AUDIO_FRAME_WORK(n);

    for (f = 0; f < fr->frames; f++) {
        float energy;
        float *out = output + f * nf;
        status = kiln_audio_frame_power(fr, input, f, KILN_FRAME_SCALED_PRE_EMPHASIS, 0.98f, 1u, scratch, &energy);
        if (status != KILN_DSP_OK) return status;
        kiln_mel_apply(&cfg->filterbank, KILN_AUDIO_POWER(scratch, n), mel);
        for (i = 0; i < nf; i++) {
            const float db = KILN_DB_PER_NEPER * kiln_dsp_logf(mel[i] > 1e-30f ? mel[i] : 1e-30f);
            float v = (db - floor_db) / range;
            v = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
            out[i] = quantise256(v);
        }
    }
    return KILN_DSP_OK;
}
