#include "kiln_nn_support.h"

kiln_nn_status kiln_avg_pool_s8(const kiln_geometry *g, const int8_t *input, int8_t *output) {
    int32_t oy, ox, ch, ky, kx;
    if (g->c < 1) return KILN_NN_ARG_ERROR;
    for (oy = 0; oy < g->oh; oy++) {
        for (ox = 0; ox < g->ow; ox++) {
            for (ch = 0; ch < g->c; ch++) {
                int32_t sum = 0, count = 0, avg;
                for (ky = 0; ky < g->kh; ky++) {
                    const int32_t iy = oy * g->sh - g->pad_top + ky;
                    if (iy < 0 || iy >= g->h) continue;
                    for (kx = 0; kx < g->kw; kx++) {
                        const int32_t ix = ox * g->sw - g->pad_left + kx;
                        if (ix < 0 || ix >= g->w) continue;
                        sum += input[((size_t)iy * (size_t)g->w + (size_t)ix) * (size_t)g->c + (size_t)ch];
                        count++;
                    }
                }
                /* round half away from zero with C's truncating division */
                avg = count == 0 ? 0 : (sum >= 0 ? (sum + count / 2) / count : (sum - count / 2) / count);
                output[((size_t)oy * (size_t)g->ow + (size_t)ox) * (size_t)g->c + (size_t)ch] = (int8_t)avg;
            }
        }
    }
    return KILN_NN_OK;
}
