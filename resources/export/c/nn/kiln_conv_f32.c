#include "kiln_nn.h"

kiln_nn_status kiln_conv_f32(const kiln_conv_f32_params *p, const float *input, const float *weights, const float *bias, float *output) {
    const kiln_geometry *g = &p->g;
    const int32_t n = g->kh * g->kw * g->c;
    int32_t oy, ox, f, ky, kx, ch;
    if (n < 1 || p->filters < 1) return KILN_NN_ARG_ERROR;
    for (oy = 0; oy < g->oh; oy++) {
        for (ox = 0; ox < g->ow; ox++) {
            float *out = output + ((size_t)oy * (size_t)g->ow + (size_t)ox) * (size_t)p->filters;
            for (f = 0; f < p->filters; f++) {
                const float *w = weights + (size_t)f * (size_t)n;
                float acc = bias[f];
                for (ky = 0; ky < g->kh; ky++) {
                    const int32_t iy = oy * g->sh - g->pad_top + ky;
                    if (iy < 0 || iy >= g->h) continue;
                    for (kx = 0; kx < g->kw; kx++) {
                        const int32_t ix = ox * g->sw - g->pad_left + kx;
                        const float *src, *wk;
                        if (ix < 0 || ix >= g->w) continue;
                        src = input + ((size_t)iy * (size_t)g->w + (size_t)ix) * (size_t)g->c;
                        wk = w + ((size_t)ky * (size_t)g->kw + (size_t)kx) * (size_t)g->c;
                        for (ch = 0; ch < g->c; ch++) acc += src[ch] * wk[ch];
                    }
                }
                out[f] = acc;
            }
        }
    }
    return p->act == KILN_ACT_LINEAR ? KILN_NN_OK : kiln_activation_f32(g->oh * g->ow * p->filters, p->act, output, output);
}
