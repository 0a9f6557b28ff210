/* Kiln DSP: IIR filters as second-order sections (direct form II transposed, as
 * scipy.signal.sosfilt), and Edge Impulse's decimation (Chebyshev I low-pass, then every
 * ratio-th sample). Coefficients are designed at export time and stored as const data. */
#ifndef KILN_IIR_H
#define KILN_IIR_H

#include "kiln_dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint8_t sections;
    const float *coefficients; /* 5 per section: b0, b1, b2, a1, a2 (a0 = 1) */
} kiln_sos_t;

typedef struct {
    uint8_t ratio;
    kiln_sos_t sos;
    float dc_gain; /* the cascade's gain at 0 Hz */
} kiln_decimator_t;

/* filters x[0...n) in place from a zero state */
void kiln_sos_filter(const kiln_sos_t *sos, float *x, size_t n);
/* filters x[0...n) in place, started in the steady state of x[0], keeping every ratio-th
 * sample; returns the new length ceil(n / ratio). Runs as dc_gain * x[0] + the filter of
 * x - x[0] from a zero state (the same in exact arithmetic): in float32 the recursion then
 * only carries the signal's variation, not its offset (gravity on an accelerometer). */
size_t kiln_decimate(const kiln_decimator_t *decimator, float *x, size_t n);

#ifdef __cplusplus
}
#endif

#endif
