#include "kiln_harness.h"

#include <stdio.h>

#if defined(__arm__)
uint32_t *kiln_stack_painted_top;

__attribute__((noipa)) void kiln_mark(void) { __asm volatile("" ::: "memory"); }

uint32_t kiln_stack_used(void) {
  const volatile uint32_t *p = &__stack_limit;
  while (p < kiln_stack_painted_top && *p == KILN_STACK_PATTERN) p++;
  return (uint32_t)((uintptr_t)kiln_stack_painted_top - (uintptr_t)p);
}
#else
void kiln_mark(void) {}
uint32_t kiln_stack_used(void) { return 0; }
#endif

void kiln_report_stack(uint32_t bytes) { printf("kiln-stack %lu\n", (unsigned long)bytes); }
