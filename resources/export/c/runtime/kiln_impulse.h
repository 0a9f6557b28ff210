/* What the generated kiln_model.c provides to the runtime (internal). */
#ifndef KILN_IMPULSE_H
#define KILN_IMPULSE_H

#include <stdint.h>
#include "kiln_model_metadata.h"

#ifdef __cplusplus
extern "C" {
#endif

/* DSP blocks: KILN_DSP_INPUT_FRAME_SIZE interleaved window values -> KILN_FEATURE_COUNT features. 0 = ok. */
int kiln_impulse_dsp(const float *window, float *features);

/* The network on the first KILN_NN_INPUT_FRAME_SIZE features -> KILN_OUTPUT_COUNT scores. 0 = ok. */
int kiln_impulse_network(const float *features, float *scores, int8_t *quantized);

/* The anomaly block on the features -> score (0 when there is none). 0 = ok. */
int kiln_impulse_anomaly(const float *features, float *score);

extern const char *const kiln_labels[KILN_OUTPUT_COUNT];

#ifdef __cplusplus
}
#endif

#endif /* KILN_IMPULSE_H */
