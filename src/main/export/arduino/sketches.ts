/** The example sketches of the Arduino library: a pasted window, and an accelerometer read continuously. */

/** values of one window as C float literals, 8 per line */
function windowLiterals(window: ArrayLike<number>): string {
  const parts: string[] = [];
  for (let i = 0; i < window.length; i++) {
    const v = Math.fround(window[i]!);
    parts.push(`${Number.isInteger(v) ? v.toFixed(1) : String(v)}f`);
  }
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i += 8) lines.push('  ' + parts.slice(i, i + 8).join(', ') + ',');
  return lines.join('\n');
}

const PRINT_RESULT = `static void print_result(const kiln_result_t *result) {
  Serial.print("DSP ");
  Serial.print((long)result->timing.dsp_us);
  Serial.print(" us, classification ");
  Serial.print((long)result->timing.classification_us);
  Serial.println(" us");
  for (size_t i = 0; i < KILN_OUTPUT_COUNT; i++) {
    Serial.print("  ");
    Serial.print(result->classification[i].label);
    Serial.print(": ");
    Serial.println(result->classification[i].value, 5);
  }
#if KILN_HAS_ANOMALY
  Serial.print("  anomaly: ");
  Serial.println(result->anomaly, 3);
#endif
}`;

/** examples/static_buffer: classify one window pasted into the sketch, once a second */
export function staticBufferSketch(header: string, window: ArrayLike<number> | null, frameSize: number): string {
  const values = window
    ? windowLiterals(window)
    : `  /* paste ${frameSize} raw values here (interleaved axes), e.g. copied from Kiln's sample page */\n  0.0f,`;
  return `/*
 * Classifies one window of raw sensor values pasted below and prints the scores every second.
 * Paste KILN_DSP_INPUT_FRAME_SIZE values (interleaved axes) copied from a sample in Kiln.
 */
#include <${header}>
#include <string.h>

static const float window_values[] = {
${values}
};

static int get_window(size_t offset, size_t length, float *out) {
  if (offset + length > sizeof(window_values) / sizeof(window_values[0])) return -1;
  memcpy(out, window_values + offset, length * sizeof(float));
  return 0;
}

${PRINT_RESULT}

void setup() {
  Serial.begin(115200);
  while (!Serial) {
  }
  Serial.println("Kiln static buffer example");
}

void loop() {
  if (sizeof(window_values) / sizeof(window_values[0]) != KILN_DSP_INPUT_FRAME_SIZE) {
    Serial.print("The window has ");
    Serial.print((int)(sizeof(window_values) / sizeof(window_values[0])));
    Serial.print(" values; the impulse needs ");
    Serial.println(KILN_DSP_INPUT_FRAME_SIZE);
    delay(1000);
    return;
  }
  kiln_signal_t signal = {get_window, KILN_DSP_INPUT_FRAME_SIZE};
  kiln_result_t result;
  kiln_status_t status = kiln_run_classifier(&signal, &result);
  if (status != KILN_OK) {
    Serial.print("kiln_run_classifier failed: ");
    Serial.println((int)status);
  } else {
    print_result(&result);
  }
  delay(1000);
}
`;
}

/** Arduino library the accelerometer example reads (the Nano 33 BLE Sense's LSM9DS1) */
export const ACCELEROMETER_LIBRARY = 'Arduino_LSM9DS1';

/** examples/accelerometer_continuous: sample the IMU at the impulse's rate and classify every slice */
export function accelerometerContinuousSketch(header: string): string {
  return `/*
 * Reads the accelerometer of an Arduino Nano 33 BLE Sense at the impulse's sampling rate and
 * classifies continuously: every KILN_SLICE_SIZE values (a quarter of the window by default)
 * the slice joins a rolling window and the latest window is classified.
 */
#include <${header}>
#include <${ACCELEROMETER_LIBRARY}.h>

#if KILN_RAW_SAMPLES_PER_FRAME != 3
#error "This example reads the three accelerometer axes; the impulse expects a different number of axes"
#endif

/* the IMU reports g; Kiln's accelerometer data is in m/s2 */
static const float G_TO_MS2 = 9.80665f;

static float slice[KILN_SLICE_SIZE];
static size_t slice_fill = 0;
static unsigned long next_sample_us = 0;

static int get_slice(size_t offset, size_t length, float *out) {
  if (offset + length > KILN_SLICE_SIZE) return -1;
  for (size_t i = 0; i < length; i++) out[i] = slice[offset + i];
  return 0;
}

${PRINT_RESULT}

void setup() {
  Serial.begin(115200);
  while (!Serial) {
  }
  if (!IMU.begin()) {
    Serial.println("Could not start the IMU");
    while (1) {
    }
  }
  kiln_run_classifier_init();
  next_sample_us = micros();
}

void loop() {
  if ((long)(micros() - next_sample_us) < 0) return;
  next_sample_us += (unsigned long)(KILN_INTERVAL_MS * 1000.0f);
  float x, y, z;
  if (!IMU.accelerationAvailable() || !IMU.readAcceleration(x, y, z)) return;
  slice[slice_fill++] = x * G_TO_MS2;
  slice[slice_fill++] = y * G_TO_MS2;
  slice[slice_fill++] = z * G_TO_MS2;
  if (slice_fill < KILN_SLICE_SIZE) return;
  slice_fill = 0;
  kiln_signal_t signal = {get_slice, KILN_SLICE_SIZE};
  kiln_result_t result;
  kiln_status_t status = kiln_run_classifier_continuous(&signal, &result);
  if (status == KILN_OK) {
    print_result(&result);
  } else if (status != KILN_WINDOW_FILLING) {
    Serial.print("kiln_run_classifier_continuous failed: ");
    Serial.println((int)status);
  }
}
`;
}
