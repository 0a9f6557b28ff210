#include "kiln_nn_support.h"

kiln_nn_status kiln_quantize_s8(const kiln_quantize_params *p, const float *input, int8_t *output) {
    int32_t i;
    if (p->size < 0) return KILN_NN_ARG_ERROR;
    for (i = 0; i < p->size; i++) {
        float v = input[i];
        int32_t q;
        if (p->mean != NULL) {
            v = v - p->mean[i];
            v = v * p->inv_std[i];
        }
        v = v * p->inv_scale;
        v = v + 0.5f;
        /* floor without libm; beyond +-1024 the result clamps anyway (NaN counts as 0) */
        if (v >= 1024.0f) q = 1024;
        else if (v <= -1024.0f) q = -1024;
        else if (v == v) {
            q = (int32_t)v;
            if ((float)q > v) q -= 1;
        } else q = 0;
        q += p->zero_point;
        output[i] = (int8_t)(q < -128 ? -128 : (q > 127 ? 127 : q));
    }
    return KILN_NN_OK;
}
