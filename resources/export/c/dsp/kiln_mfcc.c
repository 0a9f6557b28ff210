/*
 * MFCC (Edge Impulse implementation version 4): pre-emphasis, power spectrum per frame, mel
 * filterbank, log, DCT-II with c0 replaced by the log frame energy, then speechpy's sliding
 * cepstral mean and variance normalisation (cmvnw) over win_size frames.
 */
#include <math.h>

#include "kiln_audio.h"

/* Row of the window position j (0 … rows + win − 2) with symmetric padding, periodic beyond. */
static uint32_t mirrored(uint32_t j, uint32_t pad, uint32_t rows)
{
    const uint32_t period = 2 * rows;
    uint32_t r = j + period - pad % period;
    while (r >= period) r -= period;
    return r < rows ? r : period - 1 - r;
}

/* Up to this window, sums run over the window directly (exact zero for a window of 1). */
#define KILN_CMVN_DIRECT_WINDOW 15u

/* Normalises column c of vec (rows × cols) in place; work holds 3·rows + 2·win floats. */
static void cmvn_column(float *vec, uint32_t rows, uint32_t cols, uint32_t c, uint32_t win, float *work)
{
    const uint32_t pad = (win - 1) / 2;
    const uint32_t padded = rows + 2 * pad;
    const float w = (float)win;
    float *centred = work;
    uint32_t i, j;
    if (win <= KILN_CMVN_DIRECT_WINDOW) {
        for (i = 0; i < rows; i++) {
            float s = 0.0f;
            for (j = 0; j < win; j++) s += vec[mirrored(i + j, pad, rows) * cols + c];
            centred[i] = vec[i * cols + c] - s / w;
        }
        for (i = 0; i < rows; i++) {
            float s = 0.0f, ss = 0.0f, m;
            for (j = 0; j < win; j++) s += centred[mirrored(i + j, pad, rows)];
            m = s / w;
            for (j = 0; j < win; j++) {
                const float d = centred[mirrored(i + j, pad, rows)] - m;
                ss += d * d;
            }
            vec[i * cols + c] = centred[i] / (sqrtf(ss / w) + 1e-10f);
        }
    } else {
        /* running sums relative to the column's first value, so window differences stay small */
        float *sum = centred + rows;
        float *sum_sq = sum + padded + 1;
        const float ref = vec[c];
        const uint32_t period = 2 * rows;
        const uint32_t first = (period - pad % period) % period;
        uint32_t r;
        sum[0] = 0.0f;
        /* r is the padded position's place in the period; places from rows on mirror back */
        for (j = 0, r = first; j < padded; j++) {
            const uint32_t row = r < rows ? r : period - 1 - r;
            sum[j + 1] = sum[j] + (vec[row * cols + c] - ref);
            if (++r == period) r = 0;
        }
        for (i = 0; i < rows; i++) {
            const float mean = (sum[i + win] - sum[i]) / w;
            centred[i] = vec[i * cols + c] - ref - mean;
        }
        sum[0] = 0.0f;
        sum_sq[0] = 0.0f;
        for (j = 0, r = first; j < padded; j++) {
            const float v = centred[r < rows ? r : period - 1 - r];
            sum[j + 1] = sum[j] + v;
            sum_sq[j + 1] = sum_sq[j] + v * v;
            if (++r == period) r = 0;
        }
        for (i = 0; i < rows; i++) {
            const float m = (sum[i + win] - sum[i]) / w;
            const float variance = (sum_sq[i + win] - sum_sq[i]) / w - m * m;
            const float sd = variance > 0.0f ? sqrtf(variance) : 0.0f;
            vec[i * cols + c] = centred[i] / (sd + 1e-10f);
        }
    }
}

int kiln_mfcc(const kiln_mfcc_config *cfg, const float *input, float *output, float *scratch)
{
    const kiln_audio_framing *fr;
    uint32_t nf, nc, f, k, i, n;
    float *mel;
    int status;
    if (cfg == NULL || input == NULL || output == NULL || scratch == NULL) return KILN_DSP_ERR_NULL;
    fr = &cfg->framing;
    nf = cfg->filterbank.num_filters;
    nc = cfg->num_cepstral;
    n = fr->fft_length;
    if (nc < 1 || nc > nf || fr->frames < 1 || cfg->pre_shift < 1 || (cfg->win_size > 0 && cfg->win_size % 2 == 0)) {
        return KILN_DSP_ERR_CONFIG;
    }
    status = kiln_mel_check(&cfg->filterbank, n);
    if (status == KILN_DSP_OK) status = kiln_audio_check(fr, input);
    if (status != KILN_DSP_OK) return status;
    mel = scratch + KILN_AUDIO_FRAME_WORK(n);

    for (f = 0; f < fr->frames; f++) {
        float energy;
        float *out = output + f * nc;
        status = kiln_audio_frame_power(fr, input, f, KILN_FRAME_PRE_EMPHASIS, cfg->pre_cof, cfg->pre_shift, scratch, &energy);
        if (status != KILN_DSP_OK) return status;
        kiln_mel_apply(&cfg->filterbank, KILN_AUDIO_POWER(scratch, n), mel);
        for (i = 0; i < nf; i++) mel[i] = kiln_dsp_logf(mel[i]);
        /* c0 is the log frame energy (speechpy's dc_elimination) */
        out[0] = kiln_dsp_logf(energy == 0.0f ? 1e-10f : energy);
        for (k = 1; k < nc; k++) {
            const float *row = cfg->dct + (k - 1) * nf;
            float s = 0.0f;
            for (i = 0; i < nf; i++) s += row[i] * mel[i];
            out[k] = s;
        }
    }
    if (cfg->win_size > 0) {
        for (k = 0; k < nc; k++) cmvn_column(output, fr->frames, nc, k, cfg->win_size, scratch);
    }
    return KILN_DSP_OK;
}
