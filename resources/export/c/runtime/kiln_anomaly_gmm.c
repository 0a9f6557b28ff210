#include <math.h>
#include "kiln_anomaly.h"

/* Largest feature count and component count a GMM block handles (stack buffers). */
#ifndef KILN_GMM_MAX_AXES
#define KILN_GMM_MAX_AXES 256
#endif
#ifndef KILN_GMM_MAX_COMPONENTS
#define KILN_GMM_MAX_COMPONENTS 64
#endif

float kiln_anomaly_gmm(const kiln_gmm_params *p, const float *features) {
    const int32_t d = p->in.count;
    float zrow[KILN_GMM_MAX_AXES], sol[KILN_GMM_MAX_AXES], terms[KILN_GMM_MAX_COMPONENTS];
    float max = -INFINITY, sum = 0.0f;
    int32_t c, i;
    if (d > KILN_GMM_MAX_AXES || p->components > KILN_GMM_MAX_COMPONENTS) return NAN;
    for (i = 0; i < d; i++) zrow[i] = (features[p->in.axes[i]] - p->in.mean[i]) / p->in.std[i];
    for (c = 0; c < p->components; c++) {
        const float *mean = p->means + (size_t)c * (size_t)d;
        float maha = 0.0f;
        if (!p->full) {
            const float *inv_var = p->cov + (size_t)c * (size_t)d;
            for (i = 0; i < d; i++) {
                const float diff = zrow[i] - mean[i];
                maha += diff * diff * inv_var[i];
            }
        } else {
            /* solve L s = z - mean by forward substitution; maha = |s|^2 */
            const float *l = p->cov + (size_t)c * (size_t)d * (size_t)d;
            for (i = 0; i < d; i++) {
                float s = zrow[i] - mean[i];
                int32_t j;
                for (j = 0; j < i; j++) s -= l[i * d + j] * sol[j];
                sol[i] = s / l[i * d + i];
                maha += sol[i] * sol[i];
            }
        }
        terms[c] = p->log_const[c] - 0.5f * maha;
        if (terms[c] > max) max = terms[c];
    }
    for (c = 0; c < p->components; c++) sum += expf(terms[c] - max);
    return -(max + logf(sum));
}
