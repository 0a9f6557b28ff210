/*
 * Test harness for a generated library (host only). argv[1]:
 *   features    each stdin line: KILN_FEATURE_COUNT floats -> kiln_classify_features
 *   windows     each line: KILN_DSP_INPUT_FRAME_SIZE floats -> kiln_run_classifier
 *   continuous  each line: KILN_SLICE_SIZE floats -> kiln_run_classifier_continuous
 * Prints per line: "status | quantized... | scores... | anomaly" (%.9g, so float32 round-trips).
 */
#include <stdio.h>
#include <stdlib.h>
#include "kiln_classifier.h"

#define MAX_VALUES (KILN_DSP_INPUT_FRAME_SIZE > KILN_FEATURE_COUNT ? KILN_DSP_INPUT_FRAME_SIZE : KILN_FEATURE_COUNT)

static float values[MAX_VALUES + 1];
static size_t value_count;

static int get_values(size_t offset, size_t length, float *out) {
    size_t i;
    if (offset + length > value_count) return -1;
    for (i = 0; i < length; i++) out[i] = values[offset + i];
    return 0;
}

static int read_line(size_t n) {
    size_t i;
    for (i = 0; i < n; i++)
        if (scanf("%f", &values[i]) != 1) return 0;
    value_count = n;
    return 1;
}

static void print_result(int status, const kiln_result_t *r) {
    size_t i;
    printf("%d |", status);
#if KILN_PRECISION_INT8
    for (i = 0; i < KILN_OUTPUT_COUNT; i++) printf(" %d", (int)r->quantized[i]);
#endif
    printf(" |");
    for (i = 0; i < KILN_OUTPUT_COUNT; i++) printf(" %.9g", (double)r->classification[i].value);
    printf(" | %.9g\n", (double)r->anomaly);
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "features";
    kiln_result_t result = {0};
    kiln_signal_t signal;
    signal.get_data = get_values;
    if (mode[0] == 'f') {
        while (read_line(KILN_FEATURE_COUNT)) print_result(kiln_classify_features(values, &result), &result);
    } else if (mode[0] == 'w') {
        signal.total_length = KILN_DSP_INPUT_FRAME_SIZE;
        while (read_line(KILN_DSP_INPUT_FRAME_SIZE)) print_result(kiln_run_classifier(&signal, &result), &result);
    } else {
        kiln_run_classifier_init();
        signal.total_length = KILN_SLICE_SIZE;
        while (read_line(KILN_SLICE_SIZE)) print_result(kiln_run_classifier_continuous(&signal, &result), &result);
    }
    return 0;
}
