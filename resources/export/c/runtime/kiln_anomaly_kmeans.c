#include <math.h>
#include "kiln_anomaly.h"

float kiln_anomaly_kmeans(const kiln_kmeans_params *p, const float *features) {
    const int32_t d = p->in.count;
    float best = INFINITY;
    int32_t c, j;
    for (c = 0; c < p->clusters; c++) {
        const float *centroid = p->centroids + (size_t)c * (size_t)d;
        float d2 = 0.0f, score;
        for (j = 0; j < d; j++) {
            const float z = (features[p->in.axes[j]] - p->in.mean[j]) / p->in.std[j];
            const float diff = z - centroid[j];
            d2 += diff * diff;
        }
        score = sqrtf(d2) - p->radii[c];
        if (score < best) best = score;
    }
    return best;
}
