/*
 * Kiln DSP library: status codes and includes shared by every DSP block.
 *
 * Every DSP source is compiled with "kiln_dsp_config.h", which the exporter writes with one
 * #define per entry of the planned blocks' `defines` (for example KILN_FFT_256): that is how
 * only the FFT sizes and blocks the impulse uses end up in the build.
 *
 * All arithmetic is float32 (+ - * / and sqrtf, which IEEE 754 defines exactly) and logs use
 * kiln_dsp_logf below instead of the C library's, so the host and the board give bit-identical
 * features (contraction is switched off below).
 */
#ifndef KILN_DSP_H
#define KILN_DSP_H

#include <stddef.h>
#include <stdint.h>

/*
 * No fused multiply-add: GCC's default (-std=gnu99, as Arduino builds) and clang contract a·b + c
 * into one rounding, which the Cortex-M4F's VFMA does differently from the host. Every source
 * that includes this header is compiled with contraction off, so features match bit for bit.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "kiln_dsp_config.h"

#ifdef __cplusplus
extern "C" {
#endif

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

/** Natural logarithm in float32 arithmetic only (within 2 ulp; 0 gives -inf, x < 0 NaN). */
float kiln_dsp_logf(float x);

#ifdef __cplusplus
}
#endif

#endif /* KILN_DSP_H */
