#include <math.h>
#include "kiln_nn.h"

kiln_nn_status kiln_activation_f32(int32_t size, kiln_activation act, const float *input, float *output) {
    int32_t i;
    if (size < 0) return KILN_NN_ARG_ERROR;
    for (i = 0; i < size; i++) {
        const float x = input[i];
        switch (act) {
        case KILN_ACT_RELU: output[i] = x > 0.0f ? x : 0.0f; break;
        case KILN_ACT_RELU6: output[i] = x > 0.0f ? (x < 6.0f ? x : 6.0f) : 0.0f; break;
        case KILN_ACT_TANH: output[i] = tanhf(x); break;
        case KILN_ACT_SIGMOID: output[i] = 1.0f / (1.0f + expf(-x)); break;
        case KILN_ACT_LINEAR:
        default: output[i] = x; break;
        }
    }
    return KILN_NN_OK;
}
