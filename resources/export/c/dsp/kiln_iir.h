/* Kiln DSP: IIR filters as second-order sections (direct form II transposed, as
 * scipy.signal.sosfilt), and Edge Impulse's decimation (Chebyshev I low-pass, then every
 * ratio-th sample). Coefficients are designed at export time and stored as const data. */
#ifndef KILN_IIR_H
#define KILN_IIR_H

#include "kiln_dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KILN_SOS_MAX_SECTIONS 4

typedef struct {
    uint8_t sections;          /* 1...KILN_SOS_MAX_SECTIONS */
    const float *coefficients; /* 5 per section: b0, b1, b2, a1, a2 (a0 = 1) */
} kiln_sos_t;

typedef struct {
    uint8_t ratio;
    kiln_sos_t sos;
    const float *zi; /* 2 per section: state of the unit-step steady state (sosfilt_zi) */
} kiln_decimator_t;

/* filters x[0...n) in place from a zero state */
void kiln_sos_filter(const kiln_sos_t *sos, float *x, size_t n);
/* filters x[0...n) in place, started in the steady state of x[0], keeping every ratio-th
 * sample; returns the new length ceil(n / ratio) */
size_t kiln_decimate(const kiln_decimator_t *decimator, float *x, size_t n);

#ifdef __cplusplus
}
#endif

#endif
