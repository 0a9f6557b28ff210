/* Kiln test harness main: classifies the windows compiled in as data (kiln_harness_windows.c)
 * with the exported library and prints, per window, the int8 outputs, the scores, the anomaly
 * score and the DSP features (floats as their IEEE-754 bit patterns, so the runner compares the
 * host and the Cortex-M builds exactly). Marks bracket three regions per window for the
 * instruction counter: the whole kiln_run_classifier call, the DSP alone, the network (and
 * anomaly block) alone. The same file builds for the host, where the marks do nothing. */
#include <stdio.h>
#include <string.h>

#include "kiln_classifier.h"
#include "kiln_harness.h"
#include "kiln_impulse.h"

extern const uint32_t kiln_harness_window_count;
extern const uint32_t kiln_harness_windows[][KILN_DSP_INPUT_FRAME_SIZE];

static const uint32_t *current_window;

static int harness_get_data(size_t offset, size_t length, float *out) {
  if (offset + length > KILN_DSP_INPUT_FRAME_SIZE) return -1;
  memcpy(out, current_window + offset, length * sizeof(float));
  return 0;
}

static unsigned long float_bits(float v) {
  uint32_t u;
  memcpy(&u, &v, sizeof u);
  return (unsigned long)u;
}

static void print_row(const char *tag, unsigned w, const float *values, size_t n) {
  printf("kiln-row %s %u", tag, w);
  for (size_t i = 0; i < n; i++) printf(" %lu", float_bits(values[i]));
  printf("\n");
}

int main(void) {
  static float window[KILN_DSP_INPUT_FRAME_SIZE];
  static float features[KILN_FEATURE_COUNT];
  static float scores[KILN_OUTPUT_COUNT];
  uint32_t stack_max = 0;
  for (unsigned w = 0; w < kiln_harness_window_count; w++) {
    kiln_signal_t signal = {harness_get_data, KILN_DSP_INPUT_FRAME_SIZE};
    kiln_result_t full, split;
    current_window = kiln_harness_windows[w];
    memcpy(window, current_window, sizeof window);

    kiln_stack_paint();
    kiln_mark();
    kiln_status_t status = kiln_run_classifier(&signal, &full);
    kiln_mark();
    int dsp_status = kiln_impulse_dsp(window, features);
    kiln_mark();
    kiln_status_t net_status = kiln_classify_features(features, &split);
    kiln_mark();
    uint32_t used = kiln_stack_used();
    if (used > stack_max) stack_max = used;

    if (status != KILN_OK || dsp_status != 0 || net_status != KILN_OK) {
      printf("kiln-error %u %d %d %d\n", w, (int)status, dsp_status, (int)net_status);
      return 2;
    }
    for (size_t i = 0; i < KILN_OUTPUT_COUNT; i++) scores[i] = full.classification[i].value;
    print_row("scores", w, scores, KILN_OUTPUT_COUNT);
    for (size_t i = 0; i < KILN_OUTPUT_COUNT; i++) scores[i] = split.classification[i].value;
    print_row("split-scores", w, scores, KILN_OUTPUT_COUNT);
    print_row("anomaly", w, &full.anomaly, 1);
    print_row("features", w, features, KILN_FEATURE_COUNT);
#if KILN_PRECISION_INT8
    printf("kiln-row int8 %u", w);
    for (size_t i = 0; i < KILN_OUTPUT_COUNT; i++) printf(" %d", (int)full.quantized[i]);
    printf("\n");
#endif
  }
  kiln_report_stack(stack_max);
  return 0;
}
