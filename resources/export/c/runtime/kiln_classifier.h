/*
 * Kiln's impulse runtime: feed a window of raw sensor values, get per-label scores, an anomaly
 * score and timings. One static arena, no heap. Generated constants are in kiln_model_metadata.h.
 */
#ifndef KILN_CLASSIFIER_H
#define KILN_CLASSIFIER_H

#include <stddef.h>
#include <stdint.h>
#include "kiln_model_metadata.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes (0 = success). */
typedef enum {
    KILN_OK = 0,
    /* continuous mode: the rolling window is not full yet, no result */
    KILN_WINDOW_FILLING = 1,
    KILN_ERR_SHAPE = -1,      /* signal length is not what the impulse expects */
    KILN_ERR_SIGNAL = -2,     /* get_data returned an error */
    KILN_ERR_DSP = -3,        /* a DSP block failed */
    KILN_ERR_NETWORK = -4,    /* a kernel refused its arguments */
    KILN_ERR_ANOMALY = -5,
    KILN_ERR_ARGUMENT = -6    /* a NULL pointer */
} kiln_status_t;

/* A window of interleaved readings (reading r, axis a at r * KILN_RAW_SAMPLES_PER_FRAME + a),
   read through a callback so it may live in a ring buffer. get_data returns 0 on success. */
typedef struct {
    int (*get_data)(size_t offset, size_t length, float *out);
    size_t total_length;
} kiln_signal_t;

typedef struct {
    const char *label;
    float value;
} kiln_classification_t;

typedef struct {
    /* microseconds, from kiln_timer_us() */
    int64_t dsp_us;
    int64_t classification_us;
    int64_t anomaly_us;
} kiln_timing_t;

typedef struct {
    /* per-label scores (classification) or the one predicted value (regression, label "value") */
    kiln_classification_t classification[KILN_OUTPUT_COUNT];
#if KILN_PRECISION_INT8
    /* the int8 network output the scores were dequantized from */
    int8_t quantized[KILN_OUTPUT_COUNT];
#endif
    /* anomaly score (higher = more unusual); 0 when the impulse has no anomaly block */
    float anomaly;
    kiln_timing_t timing;
} kiln_result_t;

/* Runs DSP, the network and the anomaly block on one window of KILN_DSP_INPUT_FRAME_SIZE values. */
kiln_status_t kiln_run_classifier(const kiln_signal_t *signal, kiln_result_t *result);

/* Network and anomaly block on KILN_FEATURE_COUNT features (as the DSP blocks produce them). */
kiln_status_t kiln_classify_features(const float *features, kiln_result_t *result);

/* Continuous mode: `signal` holds one slice of KILN_SLICE_SIZE values (KILN_SLICES_PER_WINDOW
   slices make a window). The slice joins a rolling window; once it is full every call classifies
   the latest window. Returns KILN_WINDOW_FILLING until then. */
kiln_status_t kiln_run_classifier_continuous(const kiln_signal_t *signal, kiln_result_t *result);

/* Resets the continuous mode's rolling window. */
void kiln_run_classifier_init(void);

/* Porting hooks, weak defaults in kiln_porting.c: a microsecond timer (default: 0) and printf
   (default: vprintf to stdout). Define your own to override them. */
int64_t kiln_timer_us(void);
int kiln_printf(const char *format, ...);

#ifdef __cplusplus
}
#endif

#endif /* KILN_CLASSIFIER_H */
