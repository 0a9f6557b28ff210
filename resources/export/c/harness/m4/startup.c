/* Kiln test harness: vector table and reset handler for a Cortex-M under QEMU with semihosting.
 * Copies .data, zeroes .bss, enables the FPU when the build uses one, opens the semihosting
 * console and exits with main()'s return value (QEMU passes it back as its exit code). */
#include <stdint.h>
#include <stdlib.h>

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_top;
extern void initialise_monitor_handles(void);
extern int main(void);
void kiln_reset_handler(void);
void kiln_fault_handler(void);

__attribute__((section(".kiln_vectors"), used)) static void (*const kiln_vectors[16])(void) = {
    (void (*)(void))(uintptr_t)&__stack_top,
    kiln_reset_handler,
    kiln_fault_handler, /* NMI */
    kiln_fault_handler, /* HardFault */
    kiln_fault_handler, /* MemManage */
    kiln_fault_handler, /* BusFault */
    kiln_fault_handler, /* UsageFault */
};

void kiln_fault_handler(void) {
  /* a fault in the program under test: leave QEMU with a code the runner recognises */
  exit(99);
}

/* plain loops, not memcpy/memset calls: the library, not the harness, then owns those in the map */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void kiln_reset_handler(void) {
  uint32_t *src = &__data_load, *dst = &__data_start;
  while (dst < &__data_end) *dst++ = *src++;
  for (dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
#if defined(__ARM_FP)
  /* CPACR: full access to coprocessors 10 and 11 (the FPU) */
  *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
  __asm volatile("dsb\n\tisb" ::: "memory");
#endif
  initialise_monitor_handles();
  exit(main());
}
