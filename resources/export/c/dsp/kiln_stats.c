/* Kiln DSP: descriptive statistics (see kiln_stats.h); port of src/shared/dsp/statistics.ts. */
#include "kiln_stats.h"

#include <math.h>

void kiln_moments(const float *x, size_t n, size_t stride, kiln_moments_t *out)
{
    float s = 0.0f, s2 = 0.0f, s3 = 0.0f, s4 = 0.0f, mu, fn;
    size_t i;
    out->mean = out->m2 = out->m3 = out->m4 = 0.0f;
    if (n == 0) return;
    fn = (float)n;
    for (i = 0; i < n; i++) s += x[i * stride];
    mu = s / fn;
    for (i = 0; i < n; i++) {
        float d = x[i * stride] - mu;
        float d2 = d * d;
        s2 += d2;
        s3 += d2 * d;
        s4 += d2 * d2;
    }
    out->mean = mu;
    out->m2 = s2 / fn;
    out->m3 = s3 / fn;
    out->m4 = s4 / fn;
}

/* scipy's "all values equal up to rounding" test, where it returns NaN */
static int degenerate(const kiln_moments_t *m)
{
    float t = 1e-15f * m->mean;
    return m->m2 == 0.0f || m->m2 <= t * t;
}

float kiln_skewness(const kiln_moments_t *m)
{
    return degenerate(m) ? 0.0f : m->m3 / (m->m2 * sqrtf(m->m2));
}

float kiln_kurtosis(const kiln_moments_t *m)
{
    /* divided twice rather than by m2^2, which overflows float32 first */
    return degenerate(m) ? 0.0f : m->m4 / m->m2 / m->m2 - 3.0f;
}
