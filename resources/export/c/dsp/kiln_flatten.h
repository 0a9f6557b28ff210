/* Kiln DSP: flatten block (per axis, the enabled statistics of the window, axis-major). */
#ifndef KILN_FLATTEN_H
#define KILN_FLATTEN_H

#include "kiln_dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* statistics in output order; config.statistics is a mask of these */
#define KILN_FLATTEN_AVERAGE 0x01u
#define KILN_FLATTEN_MINIMUM 0x02u
#define KILN_FLATTEN_MAXIMUM 0x04u
#define KILN_FLATTEN_RMS 0x08u
#define KILN_FLATTEN_STDEV 0x10u
#define KILN_FLATTEN_SKEWNESS 0x20u
#define KILN_FLATTEN_KURTOSIS 0x40u

typedef struct {
    uint16_t axes;
    uint32_t readings;
    float scale; /* scale-axes */
    uint8_t statistics;
} kiln_flatten_config_t;

/* in: readings * axes interleaved (in[r * axes + a]); out: axes * enabled statistics;
 * scratch: readings floats. Returns KILN_DSP_OK, or KILN_DSP_ERR_NOT_FINITE for a NaN or
 * infinite input. */
int kiln_flatten_run(const kiln_flatten_config_t *config, const float *in, float *out, float *scratch);

#ifdef __cplusplus
}
#endif

#endif
