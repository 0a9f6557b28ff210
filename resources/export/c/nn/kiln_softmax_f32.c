#include <math.h>
#include "kiln_nn.h"

kiln_nn_status kiln_softmax_f32(int32_t size, const float *input, float *output) {
    int32_t i;
    float max, sum = 0.0f;
    if (size < 1) return KILN_NN_ARG_ERROR;
    max = input[0];
    for (i = 1; i < size; i++)
        if (input[i] > max) max = input[i];
    for (i = 0; i < size; i++) {
        output[i] = expf(input[i] - max);
        sum += output[i];
    }
    for (i = 0; i < size; i++) output[i] /= sum;
    return KILN_NN_OK;
}
