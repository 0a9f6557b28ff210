#include "kiln_nn.h"

kiln_nn_status kiln_max_pool_f32(const kiln_geometry *g, const float *input, float *output) {
    int32_t oy, ox, ch, ky, kx;
    if (g->c < 1) return KILN_NN_ARG_ERROR;
    for (oy = 0; oy < g->oh; oy++) {
        for (ox = 0; ox < g->ow; ox++) {
            for (ch = 0; ch < g->c; ch++) {
                float best = 0.0f;
                int32_t seen = 0;
                for (ky = 0; ky < g->kh; ky++) {
                    const int32_t iy = oy * g->sh - g->pad_top + ky;
                    if (iy < 0 || iy >= g->h) continue;
                    for (kx = 0; kx < g->kw; kx++) {
                        const int32_t ix = ox * g->sw - g->pad_left + kx;
                        float v;
                        if (ix < 0 || ix >= g->w) continue;
                        v = input[((size_t)iy * (size_t)g->w + (size_t)ix) * (size_t)g->c + (size_t)ch];
                        if (!seen || v > best) best = v;
                        seen = 1;
                    }
                }
                output[((size_t)oy * (size_t)g->ow + (size_t)ox) * (size_t)g->c + (size_t)ch] = best;
            }
        }
    }
    return KILN_NN_OK;
}
