#include "kiln_nn.h"

kiln_nn_status kiln_dense_f32(const kiln_dense_f32_params *p, const float *input, const float *weights, const float *bias, float *output) {
    int32_t o, i;
    if (p->in_size < 1 || p->units < 1) return KILN_NN_ARG_ERROR;
    for (o = 0; o < p->units; o++) {
        const float *w = weights + (size_t)o * (size_t)p->in_size;
        float acc = bias[o];
        for (i = 0; i < p->in_size; i++) acc += input[i] * w[i];
        output[o] = acc;
    }
    return p->act == KILN_ACT_LINEAR ? KILN_NN_OK : kiln_activation_f32(p->units, p->act, output, output);
}
