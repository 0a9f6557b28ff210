#include "kiln_nn_support.h"

KILN_HOT kiln_nn_status kiln_quantize_s8(const kiln_quantize_params *p, const float *input, int8_t *output) {
    const int32_t n = p->size, zp = p->zero_point;
    const float inv_scale = p->inv_scale;
    const float *mean = p->mean, *inv_std = p->inv_std;
    int32_t i;
    if (n < 0) return KILN_NN_ARG_ERROR;
    for (i = 0; i < n; i++) {
        float v = input[i];
        if (mean != NULL) {
            v = v - mean[i];
            v = v * inv_std[i];
        }
        v = v * inv_scale;
        v = v + 0.5f;
        if (v > -1024.0f && v < 1024.0f) {
            /* floor without libm, then the zero point and the int8 clamp */
            int32_t q = (int32_t)v;
            if ((float)q > v) q -= 1;
            q += zp;
            output[i] = (int8_t)(q < -128 ? -128 : (q > 127 ? 127 : q));
        } else {
            /* beyond +-1024 the result clamps whatever the zero point; NaN becomes 0 as in the studio */
            output[i] = (int8_t)(v >= 1024.0f ? 127 : (v <= -1024.0f ? -128 : 0));
        }
    }
    return KILN_NN_OK;
}
