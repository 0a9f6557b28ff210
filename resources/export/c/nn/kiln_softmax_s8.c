#include "kiln_nn_support.h"

kiln_nn_status kiln_softmax_s8(int32_t size, const int32_t exp_table[256], const int8_t *input, int8_t *output) {
    int32_t i, max = -128;
    uint32_t sum = 0;
    if (size < 1) return KILN_NN_ARG_ERROR;
    for (i = 0; i < size; i++)
        if (input[i] > max) max = input[i];
    for (i = 0; i < size; i++) sum += (uint32_t)exp_table[max - input[i]];
    for (i = 0; i < size; i++) {
        /* all terms are non-negative: unsigned division is C's truncation = floor */
        const uint32_t e = (uint32_t)exp_table[max - input[i]];
        int32_t y = (int32_t)((e * 256u + sum / 2u) / sum) - 128;
        if (y > 127) y = 127;
        if (y < -128) y = -128;
        output[i] = (int8_t)y;
    }
    return KILN_NN_OK;
}
