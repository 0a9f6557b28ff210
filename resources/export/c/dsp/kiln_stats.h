/* Kiln DSP: descriptive statistics in float32, with numpy/scipy's definitions
 * (population moments, scipy.stats.skew, Fisher scipy.stats.kurtosis). */
#ifndef KILN_STATS_H
#define KILN_STATS_H

#include "kiln_dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    float mean;
    float m2; /* central moments divided by n */
    float m3;
    float m4;
} kiln_moments_t;

/* mean and 2nd...4th central moments of x[0...n) (x[i * stride]) */
void kiln_moments(const float *x, size_t n, size_t stride, kiln_moments_t *out);
/* m3 / m2^1.5, 0 for a (numerically) constant signal where scipy gives NaN */
float kiln_skewness(const kiln_moments_t *m);
/* m4 / m2^2 - 3, 0 for a constant signal */
float kiln_kurtosis(const kiln_moments_t *m);

#ifdef __cplusplus
}
#endif

#endif
