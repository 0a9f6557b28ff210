/* Kiln DSP: raw data block (the window's values times scale-axes). */
#ifndef KILN_RAW_H
#define KILN_RAW_H

#include "kiln_dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint32_t length; /* readings * axes */
    float scale;     /* scale-axes */
} kiln_raw_config_t;

/* out[i] = in[i] * scale for the whole window; returns KILN_DSP_OK, or KILN_DSP_ERR_NOT_FINITE
 * for a NaN or infinite input */
int kiln_raw_run(const kiln_raw_config_t *config, const float *in, float *out);

#ifdef __cplusplus
}
#endif

#endif
