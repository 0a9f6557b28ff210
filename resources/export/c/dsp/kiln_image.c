/* Kiln DSP: image block; port of src/shared/dsp/image.ts. */
#include "kiln_image.h"

#include <math.h>

/* PIL's luma weights, per 0...255 step */
#define KILN_LUMA_R (0.299f / 255.0f)
#define KILN_LUMA_G (0.587f / 255.0f)
#define KILN_LUMA_B (0.114f / 255.0f)

int kiln_image_run(const kiln_image_config_t *config, const float *in, float *out)
{
    uint32_t i;
    for (i = 0; i < config->pixels; i++) {
        const float v = in[i];
        uint32_t packed;
        float r, g, b;
        if (!(v >= 0.0f && v <= 16777215.0f)) return isnan(v) ? KILN_DSP_ERR_NOT_FINITE : KILN_DSP_ERR_INPUT_RANGE;
        packed = (uint32_t)v; /* truncates fractions, as numpy's uint32 cast */
        r = (float)((packed >> 16) & 0xffu);
        g = (float)((packed >> 8) & 0xffu);
        b = (float)(packed & 0xffu);
        if (config->grayscale) {
            out[i] = KILN_LUMA_R * r + KILN_LUMA_G * g + KILN_LUMA_B * b;
        } else {
            out[3 * i] = r / 255.0f;
            out[3 * i + 1] = g / 255.0f;
            out[3 * i + 2] = b / 255.0f;
        }
    }
    return KILN_DSP_OK;
}
