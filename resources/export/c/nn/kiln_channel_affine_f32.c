#include "kiln_nn.h"

kiln_nn_status kiln_channel_affine_f32(int32_t size, int32_t channels, const float *mul, const float *add, const float *input, float *output) {
    int32_t i, c = 0;
    if (size < 0 || channels < 1) return KILN_NN_ARG_ERROR;
    for (i = 0; i < size; i++) {
        output[i] = input[i] * mul[c] + add[c];
        if (++c == channels) c = 0;
    }
    return KILN_NN_OK;
}
