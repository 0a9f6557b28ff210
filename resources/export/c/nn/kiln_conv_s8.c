#include "kiln_nn_support.h"

int32_t kiln_conv_s8_scratch(const kiln_geometry *g) { return g->kh * g->kw * g->c * (int32_t)sizeof(int16_t); }

/* Writes the receptive field of output (oy, ox) into `patch`, widened; padded positions are zx. */
static void kiln_conv_patch(const kiln_geometry *g, const int8_t *input, int32_t zx, int32_t oy, int32_t ox, int16_t *patch) {
    const int32_t n = g->kh * g->kw * g->c;
    int32_t ky, kx, ch, j = 0;
    for (ky = 0; ky < g->kh; ky++) {
        const int32_t iy = oy * g->sh - g->pad_top + ky;
        const int32_t in_y = iy >= 0 && iy < g->h;
        for (kx = 0; kx < g->kw; kx++) {
            const int32_t ix = ox * g->sw - g->pad_left + kx;
            const int8_t *src = input + ((size_t)iy * (size_t)g->w + (size_t)ix) * (size_t)g->c;
            if (in_y && ix >= 0 && ix < g->w) {
                for (ch = 0; ch < g->c; ch++, j++) patch[kiln_widened_index(j, n)] = src[ch];
            } else {
                for (ch = 0; ch < g->c; ch++, j++) patch[kiln_widened_index(j, n)] = (int16_t)zx;
            }
        }
    }
}

kiln_nn_status kiln_conv_s8(const kiln_conv_s8_params *p, const kiln_requant *rq, const int8_t *input, const int8_t *weights,
                            const int32_t *bias, int16_t *scratch, int8_t *output) {
    const kiln_geometry *g = &p->g;
    const int32_t n = g->kh * g->kw * g->c;
    /* locals, so the per-output requantization does not reload them through the structs */
    const int32_t *const mult = rq->multiplier, *const shift = rq->shift;
    const kiln_output_s8 out_params = p->out;
    int32_t oy, ox;
    if (n < 1 || p->filters < 1 || scratch == NULL) return KILN_NN_ARG_ERROR;
    for (oy = 0; oy < g->oh; oy++) {
        for (ox = 0; ox < g->ow; ox++) {
            int8_t *out = output + ((size_t)oy * (size_t)g->ow + (size_t)ox) * (size_t)p->filters;
            int32_t f = 0;
            kiln_conv_patch(g, input, p->input_zero_point, oy, ox, scratch);
            for (; f + 4 <= p->filters; f += 4) {
                int32_t acc[4];
                int32_t k;
                for (k = 0; k < 4; k++) acc[k] = bias[f + k];
                kiln_dot4_interleaved(scratch, weights + (size_t)f * (size_t)n, n, acc);
                for (k = 0; k < 4; k++) out[f + k] = kiln_clamp_s8(kiln_requant_one(acc[k], mult[f + k], shift[f + k]), &out_params);
            }
            for (; f + 2 <= p->filters; f += 2) {
                int32_t a0 = bias[f], a1 = bias[f + 1];
                kiln_dot2_widened(scratch, weights + (size_t)f * (size_t)n, weights + (size_t)(f + 1) * (size_t)n, n, &a0, &a1);
                out[f] = kiln_clamp_s8(kiln_requant_one(a0, mult[f], shift[f]), &out_params);
                out[f + 1] = kiln_clamp_s8(kiln_requant_one(a1, mult[f + 1], shift[f + 1]), &out_params);
            }
            if (f < p->filters) {
                int32_t a = bias[f];
                kiln_dot1_widened(scratch, weights + (size_t)f * (size_t)n, n, &a);
                out[f] = kiln_clamp_s8(kiln_requant_one(a, mult[f], shift[f]), &out_params);
            }
        }
    }
    return KILN_NN_OK;
}
