#include <string.h>
#include "kiln_classifier.h"
#include "kiln_impulse.h"

static float kiln_window[KILN_DSP_INPUT_FRAME_SIZE];
static float kiln_features[KILN_FEATURE_COUNT];
/* continuous mode: values of the rolling window received so far (saturates at the window size) */
static size_t kiln_window_filled = 0;

kiln_status_t kiln_classify_features(const float *features, kiln_result_t *result) {
    float scores[KILN_OUTPUT_COUNT];
    int8_t quantized[KILN_OUTPUT_COUNT];
    int64_t t0, t1, t2;
    size_t i;
    if (features == NULL || result == NULL) return KILN_ERR_ARGUMENT;
    t0 = kiln_timer_us();
    if (kiln_impulse_network(features, scores, quantized) != 0) return KILN_ERR_NETWORK;
    t1 = kiln_timer_us();
    if (kiln_impulse_anomaly(features, &result->anomaly) != 0) return KILN_ERR_ANOMALY;
    t2 = kiln_timer_us();
    for (i = 0; i < KILN_OUTPUT_COUNT; i++) {
        result->classification[i].label = kiln_labels[i];
        result->classification[i].value = scores[i];
#if KILN_PRECISION_INT8
        result->quantized[i] = quantized[i];
#endif
    }
    result->timing.classification_us = t1 - t0;
    result->timing.anomaly_us = t2 - t1;
    return KILN_OK;
}

static kiln_status_t kiln_classify_window(kiln_result_t *result) {
    int64_t t0 = kiln_timer_us(), t1;
    kiln_status_t status;
    if (kiln_impulse_dsp(kiln_window, kiln_features) != 0) return KILN_ERR_DSP;
    t1 = kiln_timer_us();
    status = kiln_classify_features(kiln_features, result);
    result->timing.dsp_us = t1 - t0;
    return status;
}

kiln_status_t kiln_run_classifier(const kiln_signal_t *signal, kiln_result_t *result) {
    if (signal == NULL || result == NULL || signal->get_data == NULL) return KILN_ERR_ARGUMENT;
    if (signal->total_length != KILN_DSP_INPUT_FRAME_SIZE) return KILN_ERR_SHAPE;
    if (signal->get_data(0, KILN_DSP_INPUT_FRAME_SIZE, kiln_window) != 0) return KILN_ERR_SIGNAL;
    return kiln_classify_window(result);
}

void kiln_run_classifier_init(void) {
    kiln_window_filled = 0;
    memset(kiln_window, 0, sizeof kiln_window);
}

kiln_status_t kiln_run_classifier_continuous(const kiln_signal_t *signal, kiln_result_t *result) {
    const size_t keep = KILN_DSP_INPUT_FRAME_SIZE - KILN_SLICE_SIZE;
    if (signal == NULL || result == NULL || signal->get_data == NULL) return KILN_ERR_ARGUMENT;
    if (signal->total_length != KILN_SLICE_SIZE) return KILN_ERR_SHAPE;
    /* the window slides by one slice: oldest values out, the new slice in at the end */
    memmove(kiln_window, kiln_window + KILN_SLICE_SIZE, keep * sizeof(float));
    if (signal->get_data(0, KILN_SLICE_SIZE, kiln_window + keep) != 0) return KILN_ERR_SIGNAL;
    kiln_window_filled += KILN_SLICE_SIZE;
    if (kiln_window_filled < KILN_DSP_INPUT_FRAME_SIZE) return KILN_WINDOW_FILLING;
    kiln_window_filled = KILN_DSP_INPUT_FRAME_SIZE;
    return kiln_classify_window(result);
}
