/* Kiln DSP: second-order sections and decimation; port of src/shared/dsp/filters.ts
 * (sosFilter, decimate). */
#include "kiln_iir.h"

/* One section over the whole buffer, in place. Running the cascade section by section gives
 * the same bits as sample by sample (each section only sees its predecessor's output) and keeps
 * the coefficients and state in registers. */
static void run_section(const float *c, float z0, float z1, float *x, size_t n)
{
    const float b0 = c[0], b1 = c[1], b2 = c[2], a1 = c[3], a2 = c[4];
    size_t i;
    for (i = 0; i < n; i++) {
        const float v = x[i];
        const float y = b0 * v + z0;
        z0 = b1 * v - a1 * y + z1;
        z1 = b2 * v - a2 * y;
        x[i] = y;
    }
}

void kiln_sos_filter(const kiln_sos_t *sos, float *x, size_t n)
{
    uint8_t s;
    for (s = 0; s < sos->sections; s++) run_section(sos->coefficients + 5 * s, 0.0f, 0.0f, x, n);
}

size_t kiln_decimate(const kiln_decimator_t *decimator, float *x, size_t n)
{
    const size_t ratio = decimator->ratio;
    float x0, offset;
    size_t i, m = 0;
    uint8_t s;
    if (n == 0) return 0;
    x0 = x[0];
    for (i = 0; i < n; i++) x[i] -= x0;
    for (s = 0; s < decimator->sos.sections; s++) run_section(decimator->sos.coefficients + 5 * s, 0.0f, 0.0f, x, n);
    offset = decimator->dc_gain * x0;
    /* i >= m * ratio, so keeping samples in place never overwrites an unread one */
    for (i = 0; i < n; i += ratio) x[m++] = x[i] + offset;
    return m;
}
