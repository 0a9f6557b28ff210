#include "kiln_nn_support.h"

kiln_nn_status kiln_lut_s8(int32_t size, const int8_t table[256], const int8_t *input, int8_t *output) {
    int32_t i;
    if (size < 0) return KILN_NN_ARG_ERROR;
    for (i = 0; i < size; i++) output[i] = table[(int32_t)input[i] + 128];
    return KILN_NN_OK;
}
