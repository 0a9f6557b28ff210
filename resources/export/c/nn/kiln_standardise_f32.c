#include "kiln_nn.h"

kiln_nn_status kiln_standardise_f32(int32_t size, const float *mean, const float *inv_std, const float *input, float *output) {
    int32_t i;
    if (size < 0) return KILN_NN_ARG_ERROR;
    for (i = 0; i < size; i++) {
        const float v = input[i] - mean[i];
        output[i] = v * inv_std[i];
    }
    return KILN_NN_OK;
}
