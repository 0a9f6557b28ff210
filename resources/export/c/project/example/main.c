/*
 * Classifies one window read from a file: raw values one per line or comma/space separated
 * (interleaved axes, KILN_DSP_INPUT_FRAME_SIZE of them). Usage: classify window.csv
 */
#include <stdio.h>
#include <stdlib.h>
#include "kiln_classifier.h"

static float window[KILN_DSP_INPUT_FRAME_SIZE];

static int get_window(size_t offset, size_t length, float *out) {
    size_t i;
    if (offset + length > KILN_DSP_INPUT_FRAME_SIZE) return -1;
    for (i = 0; i < length; i++) out[i] = window[offset + i];
    return 0;
}

int main(int argc, char **argv) {
    FILE *f;
    size_t n = 0, i;
    int c;
    kiln_signal_t signal;
    kiln_result_t result;
    kiln_status_t status;
    if (argc != 2) {
        fprintf(stderr, "usage: %s <window file: %d values>\n", argv[0], KILN_DSP_INPUT_FRAME_SIZE);
        return 2;
    }
    f = fopen(argv[1], "r");
    if (f == NULL) {
        perror(argv[1]);
        return 2;
    }
    while (n < KILN_DSP_INPUT_FRAME_SIZE) {
        float v;
        if (fscanf(f, "%f", &v) == 1) {
            window[n++] = v;
            continue;
        }
        c = fgetc(f); /* skip a separator (comma, semicolon) */
        if (c == EOF) break;
    }
    fclose(f);
    if (n != KILN_DSP_INPUT_FRAME_SIZE) {
        fprintf(stderr, "%s: %lu values, the impulse needs %d\n", argv[1], (unsigned long)n, KILN_DSP_INPUT_FRAME_SIZE);
        return 2;
    }
    signal.get_data = get_window;
    signal.total_length = KILN_DSP_INPUT_FRAME_SIZE;
    status = kiln_run_classifier(&signal, &result);
    if (status != KILN_OK) {
        fprintf(stderr, "kiln_run_classifier failed: %d\n", (int)status);
        return 1;
    }
    for (i = 0; i < KILN_OUTPUT_COUNT; i++) printf("%s: %.5f\n", result.classification[i].label, result.classification[i].value);
#if KILN_HAS_ANOMALY
    printf("anomaly: %.5f\n", result.anomaly);
#endif
    printf("timing: dsp %ld us, classification %ld us, anomaly %ld us\n", (long)result.timing.dsp_us, (long)result.timing.classification_us,
           (long)result.timing.anomaly_us);
    return 0;
}
