/* Kiln DSP: image block (packed 0xRRGGBB pixels to R, G, B in 0...1, or to luma). */
#ifndef KILN_IMAGE_H
#define KILN_IMAGE_H

#include "kiln_dsp.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint32_t pixels;   /* width * height (* frames) */
    uint8_t grayscale; /* 0: RGB, 3 values per pixel; 1: one ITU-R 601-2 luma value */
} kiln_image_config_t;

/* in: one packed 0xRRGGBB integer (as a float) per pixel; returns KILN_DSP_ERR_INPUT_RANGE for
 * a value outside 0...0xFFFFFF, KILN_DSP_ERR_NOT_FINITE for a NaN, else KILN_DSP_OK */
int kiln_image_run(const kiln_image_config_t *config, const float *in, float *out);

#ifdef __cplusplus
}
#endif

#endif
