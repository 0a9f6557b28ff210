#include "kiln_nn_support.h"

int32_t kiln_requantize(int32_t acc, int32_t multiplier, int32_t shift) { return kiln_requant_one(acc, multiplier, shift); }
