/* Kiln test harness: region markers for the instruction counter, a stack high-water probe, and
 * the line format the runner parses. On the host (no __arm__) the markers and the probe do
 * nothing, so one harness main builds for both and their outputs can be compared. */
#ifndef KILN_HARNESS_H
#define KILN_HARNESS_H
#include <stdint.h>

/* The QEMU plugin snapshots its instruction total each time this function runs; the runner
 * turns consecutive snapshots into per-region counts. */
void kiln_mark(void);

#if defined(__arm__)
#define KILN_STACK_PATTERN 0xA5C3F00Du
extern uint32_t __stack_limit;
extern uint32_t *kiln_stack_painted_top;

/* Paints the free stack below the caller's stack pointer; inlined so the caller's frame is the
 * reference point of kiln_stack_used(). */
static inline __attribute__((always_inline)) void kiln_stack_paint(void) {
  uint32_t *sp;
  __asm volatile("mov %0, sp" : "=r"(sp));
  kiln_stack_painted_top = sp;
  for (volatile uint32_t *p = &__stack_limit; p < sp;) *p++ = KILN_STACK_PATTERN;
}
#else
static inline void kiln_stack_paint(void) {}
#endif

/* Bytes of stack written since kiln_stack_paint(): from the painted top down to the lowest word
 * no longer holding the pattern (0 on the host). */
uint32_t kiln_stack_used(void);

/* Prints "kiln-stack <bytes>", the line the runner reads the high-water mark from. */
void kiln_report_stack(uint32_t bytes);

#endif
