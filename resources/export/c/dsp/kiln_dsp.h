/* Kiln DSP: status codes shared by every DSP block of the exported library. */
#ifndef KILN_DSP_H
#define KILN_DSP_H

#include <stddef.h>
#include <stdint.h>

enum {
    KILN_DSP_OK = 0,
    /** a NULL input, output, scratch or config pointer */
    KILN_DSP_ERR_NULL = -1,
    /** an FFT length that is not a power of two compiled into this library */
    KILN_DSP_ERR_FFT_LENGTH = -2,
    /** the input window holds a NaN or an infinity */
    KILN_DSP_ERR_NOT_FINITE = -3,
    /** a block configuration that does not describe a valid block */
    KILN_DSP_ERR_CONFIG = -4,
    /** an input value outside the block's range (an image pixel outside 0...0xFFFFFF) */
    KILN_DSP_ERR_INPUT_RANGE = -5
};

#endif
