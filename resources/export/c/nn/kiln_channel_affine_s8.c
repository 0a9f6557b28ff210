#include "kiln_nn_support.h"

kiln_nn_status kiln_channel_affine_s8(const kiln_channel_affine_s8_params *p, const kiln_requant *rq, const int8_t *input,
                                      const int8_t *weights, const int32_t *bias, int8_t *output) {
    int32_t i, c = 0;
    if (p->size < 0 || p->channels < 1) return KILN_NN_ARG_ERROR;
    for (i = 0; i < p->size; i++) {
        const int32_t acc = bias[c] + ((int32_t)input[i] - p->input_zero_point) * weights[c];
        output[i] = kiln_clamp_s8(kiln_requant_one(acc, rq->multiplier[c], rq->shift[c]), &p->out);
        if (++c == p->channels) c = 0;
    }
    return KILN_NN_OK;
}
