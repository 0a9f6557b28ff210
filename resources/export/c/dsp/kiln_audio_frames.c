/*
 * Framing, power spectrum and mel filterbank shared by the audio blocks, following speechpy as
 * Edge Impulse's version-4 blocks use it (rectangular frames, numpy rfft truncation/padding).
 */
#include "kiln_audio.h"

int kiln_audio_check_input(const float *input, uint32_t length)
{
    float sum = 0.0f;
    uint32_t i;
    for (i = 0; i < length; i++) sum += input[i];
    /* NaN and ±inf make the sum non-finite, and inf − inf is NaN */
    return sum - sum == 0.0f ? KILN_DSP_OK : KILN_DSP_ERR_NOT_FINITE;
}

/* The sample i − shift of the window, wrapping around its start like numpy's roll. */
static float shifted(const float *x, uint32_t n, uint32_t i, uint32_t shift)
{
    return i >= shift ? x[i - shift] : x[i + n - shift];
}

int kiln_audio_frame_power(const kiln_audio_framing *fr, const float *input, uint32_t f, kiln_frame_mode mode, float cof,
                           uint32_t shift, float *work, float *energy_out)
{
    const uint32_t n = fr->fft_length;
    const uint32_t start = f * fr->frame_stride;
    const uint32_t count = fr->frame_length < n ? fr->frame_length : n;
    const uint32_t s = shift % fr->window_length;
    const float scale = 1.0f / (float)n;
    float *frame = work;
    float *spectrum = work + n;
    float *fft_work = work + 2 * n + 2;
    float energy = 0.0f;
    uint32_t i;
    int status;

    switch (mode) {
    case KILN_FRAME_PLAIN:
        for (i = 0; i < count; i++) frame[i] = input[start + i];
        break;
    case KILN_FRAME_PRE_EMPHASIS:
        for (i = 0; i < count; i++) frame[i] = input[start + i] - cof * shifted(input, fr->window_length, start + i, s);
        break;
    case KILN_FRAME_SCALED_PRE_EMPHASIS:
        for (i = 0; i < count; i++) {
            const float cur = input[start + i] / 32768.0f;
            const float prev = shifted(input, fr->window_length, start + i, 1u) / 32768.0f;
            frame[i] = cur - 0.98f * prev;
        }
        break;
    }
    for (i = count; i < n; i++) frame[i] = 0.0f;

    status = kiln_rfft(frame, spectrum, n, fft_work);
    if (status != KILN_DSP_OK) return status;
    /* power in place: bin k (re at 2k, im at 2k + 1) goes to index k, which was already read */
    for (i = 0; i <= n / 2; i++) {
        const float re = spectrum[2 * i];
        const float im = spectrum[2 * i + 1];
        const float p = (re * re + im * im) * scale;
        spectrum[i] = p;
        energy += p;
    }
    *energy_out = energy;
    return KILN_DSP_OK;
}

void kiln_mel_apply(const kiln_mel_filterbank *fb, const float *power, float *mel)
{
    uint16_t r;
    for (r = 0; r < fb->num_filters; r++) {
        const uint16_t begin = fb->offsets[r];
        const uint16_t end = fb->offsets[r + 1];
        const float *bins = power + fb->starts[r];
        float sum = 0.0f;
        uint16_t i;
        for (i = begin; i < end; i++) sum += bins[i - begin] * fb->weights[i];
        mel[r] = sum == 0.0f ? 1e-10f : sum;
    }
}
