/*
 * Maths shared by the Kiln DSP blocks, in float32 arithmetic only so that every IEEE 754
 * target computes the same bits (C library logf implementations differ in the last ulp).
 */
#include <math.h>

#include "kiln_dsp.h"

/*
 * ln x = e·ln 2 + ln m with x = m·2^e, m in [√½, √2); ln m = 2·atanh(s), s = (m−1)/(m+1),
 * |s| ≤ 0.1716, summed as 2s + 2s³/3 + … + 2s⁹/9 (the next term is below 1e-9 relative).
 * ln 2 is split in a part with a short mantissa, so that e·ln2_hi is exact, and the rest.
 */
float kiln_dsp_logf(float x)
{
    union {
        float f;
        uint32_t u;
    } v;
    int e;
    float m, f, s, z, r;
    const float ln2_hi = 0.693145751953125f;
    const float ln2_lo = 1.42860682e-06f;
    if (!(x > 0.0f)) return x == 0.0f ? -HUGE_VALF : NAN;
    if (x > 3.40282347e+38f) return x;
    v.f = x;
    e = 0;
    if (v.u < 0x00800000u) {
        /* subnormal: scale into the normal range first */
        v.f = x * 8388608.0f;
        e = -23;
    }
    e += (int)(v.u >> 23) - 127;
    v.u = (v.u & 0x007fffffu) | 0x3f800000u;
    m = v.f;
    if (m > 1.41421356f) {
        m = 0.5f * m;
        e += 1;
    }
    f = m - 1.0f;
    s = f / (2.0f + f);
    z = s * s;
    r = z * (0.666666667f + z * (0.4f + z * (0.285714286f + z * 0.222222222f)));
    return (float)e * ln2_hi + ((float)e * ln2_lo + (2.0f * s + s * r));
}
