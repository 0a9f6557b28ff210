/* Kiln DSP: flatten block; port of src/shared/dsp/flatten.ts. */
#include "kiln_flatten.h"

#include <math.h>

#include "kiln_stats.h"

int kiln_flatten_run(const kiln_flatten_config_t *config, const float *in, float *out, float *scratch)
{
    const uint32_t readings = config->readings;
    const uint16_t axes = config->axes;
    const uint8_t enabled = config->statistics;
    float *column = scratch;
    uint16_t a;
    uint32_t r;
    if (readings == 0) return KILN_DSP_ERR_CONFIG;
    for (a = 0; a < axes; a++) {
        float lo = INFINITY, hi = -INFINITY, squares = 0.0f;
        kiln_moments_t m;
        for (r = 0; r < readings; r++) {
            const float v = in[r * axes + a] * config->scale;
            if (!isfinite(in[r * axes + a])) return KILN_DSP_ERR_NOT_FINITE;
            column[r] = v;
            if (v < lo) lo = v;
            if (v > hi) hi = v;
            squares += v * v;
        }
        kiln_moments(column, readings, 1, &m);
        if (enabled & KILN_FLATTEN_AVERAGE) *out++ = m.mean;
        if (enabled & KILN_FLATTEN_MINIMUM) *out++ = lo;
        if (enabled & KILN_FLATTEN_MAXIMUM) *out++ = hi;
        if (enabled & KILN_FLATTEN_RMS) *out++ = sqrtf(squares / (float)readings);
        if (enabled & KILN_FLATTEN_STDEV) *out++ = sqrtf(m.m2);
        if (enabled & KILN_FLATTEN_SKEWNESS) *out++ = kiln_skewness(&m);
        if (enabled & KILN_FLATTEN_KURTOSIS) *out++ = kiln_kurtosis(&m);
    }
    return KILN_DSP_OK;
}
