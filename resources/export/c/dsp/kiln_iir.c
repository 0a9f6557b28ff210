/* Kiln DSP: second-order sections and decimation; port of src/shared/dsp/filters.ts
 * (sosFilter, decimate). */
#include "kiln_iir.h"

static float run_sections(const kiln_sos_t *sos, float *z, float v)
{
    const float *c = sos->coefficients;
    uint8_t s;
    for (s = 0; s < sos->sections; s++, c += 5, z += 2) {
        const float y = c[0] * v + z[0];
        z[0] = c[1] * v - c[3] * y + z[1];
        z[1] = c[2] * v - c[4] * y;
        v = y;
    }
    return v;
}

void kiln_sos_filter(const kiln_sos_t *sos, float *x, size_t n)
{
    float z[2 * KILN_SOS_MAX_SECTIONS] = {0};
    size_t i;
    for (i = 0; i < n; i++) x[i] = run_sections(sos, z, x[i]);
}

size_t kiln_decimate(const kiln_decimator_t *decimator, float *x, size_t n)
{
    float z[2 * KILN_SOS_MAX_SECTIONS];
    const size_t ratio = decimator->ratio;
    size_t i, m = 0, phase = 0;
    uint8_t k;
    if (n == 0) return 0;
    for (k = 0; k < 2 * decimator->sos.sections; k++) z[k] = decimator->zi[k] * x[0];
    for (i = 0; i < n; i++) {
        const float v = run_sections(&decimator->sos, z, x[i]);
        /* i >= m * ratio, so writing in place never overwrites an unread sample */
        if (phase == 0) x[m++] = v;
        if (++phase == ratio) phase = 0;
    }
    return m;
}
