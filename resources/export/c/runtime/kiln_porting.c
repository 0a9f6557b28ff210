/* Default porting hooks. They are weak (GCC / Clang): a definition in your firmware replaces them. */
#include <stdarg.h>
#include <stdio.h>
#include "kiln_classifier.h"

#if defined(__GNUC__)
#define KILN_WEAK __attribute__((weak))
#else
#define KILN_WEAK
#endif

KILN_WEAK int64_t kiln_timer_us(void) { return 0; }

KILN_WEAK int kiln_printf(const char *format, ...) {
    va_list args;
    int n;
    va_start(args, format);
    n = vprintf(format, args);
    va_end(args);
    return n;
}
