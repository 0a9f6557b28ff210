#include "kiln_nn_support.h"

int32_t kiln_dense_s8_scratch(int32_t in_size) { return in_size * (int32_t)sizeof(int16_t); }

KILN_HOT kiln_nn_status kiln_dense_s8(const kiln_dense_s8_params *p, const kiln_requant *rq, const int8_t *input, const int8_t *weights,
                             const int32_t *bias, int16_t *scratch, int8_t *output) {
    const int32_t n = p->in_size;
    /* locals, so the per-output requantization does not reload them through the structs */
    const int32_t *const mult = rq->multiplier, *const shift = rq->shift;
    const kiln_output_s8 out = p->out;
    int32_t o = 0;
    if (n < 1 || p->units < 1 || scratch == NULL) return KILN_NN_ARG_ERROR;
    kiln_widen_s8(input, n, scratch);
    /* blocks of four rows (stored interleaved) share each load of the input; then pairs, then one */
    for (; o + 4 <= p->units; o += 4) {
        int32_t acc[4];
        int32_t k;
        for (k = 0; k < 4; k++) acc[k] = bias[o + k];
        kiln_dot4_interleaved(scratch, weights + (size_t)o * (size_t)n, n, acc);
        for (k = 0; k < 4; k++) output[o + k] = kiln_clamp_s8(kiln_requant_one(acc[k], mult[o + k], shift[o + k]), &out);
    }
    for (; o + 2 <= p->units; o += 2) {
        int32_t a0 = bias[o], a1 = bias[o + 1];
        kiln_dot2_widened(scratch, weights + (size_t)o * (size_t)n, weights + (size_t)(o + 1) * (size_t)n, n, &a0, &a1);
        output[o] = kiln_clamp_s8(kiln_requant_one(a0, mult[o], shift[o]), &out);
        output[o + 1] = kiln_clamp_s8(kiln_requant_one(a1, mult[o + 1], shift[o + 1]), &out);
    }
    if (o < p->units) {
        int32_t a = bias[o];
        kiln_dot1_widened(scratch, weights + (size_t)o * (size_t)n, n, &a);
        output[o] = kiln_clamp_s8(kiln_requant_one(a, mult[o], shift[o]), &out);
    }
    return KILN_NN_OK;
}
