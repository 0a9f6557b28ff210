/* Anomaly blocks (K-means, Gaussian mixture) over chosen features, standardised per axis first. */
#ifndef KILN_ANOMALY_H
#define KILN_ANOMALY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Which features a block reads and how they are standardised: z_j = (features[axes[j]] - mean[j]) / std[j]. */
typedef struct {
    int32_t count;
    const int32_t *axes;
    const float *mean;
    const float *std;
} kiln_anomaly_axes;

typedef struct {
    kiln_anomaly_axes in;
    int32_t clusters;
    const float *centroids; /* clusters x count, standardised units */
    const float *radii;     /* per cluster */
} kiln_kmeans_params;

/* min over clusters of |z - centroid| - radius (<= 0 inside a known cluster). */
float kiln_anomaly_kmeans(const kiln_kmeans_params *p, const float *features);

typedef struct {
    kiln_anomaly_axes in;
    int32_t components;
    int32_t full;           /* 0: diagonal covariance, 1: full */
    const float *means;     /* components x count */
    /* diagonal: 1 / variance, components x count; full: lower Cholesky factor, components x count x count */
    const float *cov;
    /* per component: log(weight) - (count * log(2 pi) + log det) / 2 */
    const float *log_const;
} kiln_gmm_params;

/* Negative log-likelihood of the standardised features under the mixture. */
float kiln_anomaly_gmm(const kiln_gmm_params *p, const float *features);

#ifdef __cplusplus
}
#endif

#endif /* KILN_ANOMALY_H */
