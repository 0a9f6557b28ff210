/*
 * Framing, power spectrum and mel filterbank shared by the audio blocks, following speechpy as
 * Edge Impulse's version-4 blocks use it (rectangular frames, numpy rfft truncation/padding).
 */
#include "kiln_audio.h"

int kiln_audio_check(const kiln_audio_framing *fr, const float *input)
{
    /* NaN and ±inf make a sum non-finite, and inf − inf is NaN; four sums for speed */
    float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
    const uint32_t length = fr->window_length;
    const uint32_t used = fr->frame_length < fr->fft_length ? fr->frame_length : fr->fft_length;
    uint32_t i = 0;
    /* every frame must lie inside the window */
    if (length < 1 || fr->frames < 1 || fr->frame_stride < 1 || used < 1 ||
        (uint64_t)(fr->frames - 1) * fr->frame_stride + used > length) {
        return KILN_DSP_ERR_CONFIG;
    }
    for (; i + 4 <= length; i += 4) {
        s0 += input[i];
        s1 += input[i + 1];
        s2 += input[i + 2];
        s3 += input[i + 3];
    }
    for (; i < length; i++) s0 += input[i];
    s0 = (s0 + s1) + (s2 + s3);
    return s0 - s0 == 0.0f ? KILN_DSP_OK : KILN_DSP_ERR_NOT_FINITE;
}

int kiln_mel_check(const kiln_mel_filterbank *fb, uint32_t fft_length)
{
    const uint32_t bins = fft_length / 2 + 1;
    uint32_t r;
    if (fb->num_filters < 1 || fb->offsets[0] != 0) return KILN_DSP_ERR_CONFIG;
    for (r = 0; r < fb->num_filters; r++) {
        if (fb->offsets[r + 1] < fb->offsets[r] || (uint32_t)fb->starts[r] + fb->offsets[r + 1] - fb->offsets[r] > bins) {
            return KILN_DSP_ERR_CONFIG;
        }
    }
    return KILN_DSP_OK;
}

/*
 * Number of the frame's first `count` samples (starting at `start`) whose sample i − shift
 * wraps around to the end of the window, like numpy's roll.
 */
static uint32_t wrapped_count(uint32_t start, uint32_t count, uint32_t shift)
{
    if (start >= shift) return 0;
    return shift - start < count ? shift - start : count;
}

int kiln_audio_frame_power(const kiln_audio_framing *fr, const float *input, uint32_t f, kiln_frame_mode mode, float cof,
                           uint32_t shift, float *work, float *energy_out)
{
    const uint32_t n = fr->fft_length;
    const uint32_t start = f * fr->frame_stride;
    const uint32_t count = fr->frame_length < n ? fr->frame_length : n;
    const uint32_t s = shift % fr->window_length;
    const float scale = 1.0f / (float)n;
    const float *x = input + start;
    float *frame = work;
    float *spectrum = work + n;
    float *fft_work = work + 2 * n + 2;
    float energy = 0.0f;
    uint32_t i;
    int status;

    switch (mode) {
    case KILN_FRAME_PLAIN:
        for (i = 0; i < count; i++) frame[i] = x[i];
        break;
    case KILN_FRAME_PRE_EMPHASIS: {
        const uint32_t wrap = wrapped_count(start, count, s);
        for (i = 0; i < wrap; i++) frame[i] = x[i] - cof * input[start + i + fr->window_length - s];
        for (; i < count; i++) frame[i] = x[i] - cof * input[start + i - s];
        break;
    }
    case KILN_FRAME_SCALED_PRE_EMPHASIS: {
        const uint32_t wrap = wrapped_count(start, count, 1u);
        for (i = 0; i < wrap; i++) frame[i] = x[i] / 32768.0f - 0.98f * (input[start + i + fr->window_length - 1] / 32768.0f);
        for (; i < count; i++) frame[i] = x[i] / 32768.0f - 0.98f * (input[start + i - 1] / 32768.0f);
        break;
    }
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
    const uint32_t filters = fb->num_filters;
    uint32_t r;
    for (r = 0; r < filters; r++) {
        const uint32_t begin = fb->offsets[r];
        const uint32_t count = (uint32_t)fb->offsets[r + 1] - begin;
        const float *bins = power + fb->starts[r];
        const float *weights = fb->weights + begin;
        float sum = 0.0f;
        uint32_t i;
        for (i = 0; i < count; i++) sum += bins[i] * weights[i];
        mel[r] = sum == 0.0f ? 1e-10f : sum;
    }
}
