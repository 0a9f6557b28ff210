/* Kiln DSP: raw data block; port of src/shared/dsp/raw.ts. */
#include "kiln_raw.h"

#include <math.h>

int kiln_raw_run(const kiln_raw_config_t *config, const float *in, float *out)
{
    uint32_t i;
    const float scale = config->scale;
    for (i = 0; i < config->length; i++) {
        if (!isfinite(in[i])) return KILN_DSP_ERR_NOT_FINITE;
        out[i] = in[i] * scale;
    }
    return KILN_DSP_OK;
}
