/*
 * Inner helpers the kernels share (not part of the public API): requantization and the int8 dot
 * products, portable and Cortex-M DSP-extension paths side by side.
 */
#ifndef KILN_NN_SUPPORT_H
#define KILN_NN_SUPPORT_H

#include <string.h>
#include "kiln_nn.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP == 1 && !defined(KILN_NO_DSP_EXT)
#include <arm_acle.h>
#define KILN_DSP_EXT 1
#define KILN_DSP_NATIVE 1
#elif defined(KILN_EMULATE_DSP_EXT) && !defined(KILN_NO_DSP_EXT)
/* Host emulation of the two ACLE intrinsics used below, so a host test can run the DSP path's
   data layout and loop structure. Not for production builds. */
#define KILN_DSP_EXT 1
static inline int32_t kiln_emu_sxtb16(int32_t x) {
    uint32_t u = (uint32_t)x;
    int32_t lo = (int8_t)(u & 0xffu);
    int32_t hi = (int8_t)((u >> 16) & 0xffu);
    return (int32_t)(((uint32_t)(uint16_t)(int16_t)hi << 16) | (uint16_t)(int16_t)lo);
}
static inline int32_t kiln_emu_smlad(int32_t a, int32_t b, int32_t acc) {
    int32_t alo = (int16_t)((uint32_t)a & 0xffffu), ahi = (int16_t)((uint32_t)a >> 16);
    int32_t blo = (int16_t)((uint32_t)b & 0xffffu), bhi = (int16_t)((uint32_t)b >> 16);
    return (int32_t)((uint32_t)acc + (uint32_t)(alo * blo) + (uint32_t)(ahi * bhi));
}
#define __sxtb16(x) kiln_emu_sxtb16((int32_t)(x))
#define __smlad(a, b, c) kiln_emu_smlad((a), (b), (c))
#else
#define KILN_DSP_EXT 0
#endif

/* Requantization runs once per output value: always inlined, a call costs as much as the work. */
#if defined(__GNUC__)
#define KILN_INLINE static inline __attribute__((always_inline))
#else
#define KILN_INLINE static inline
#endif

/* Hot kernels are compiled at -O2 even in -Os builds: at -Os gcc keeps the per-output
   requantization constants and loop bounds on the stack. */
#if defined(__GNUC__) && !defined(__clang__)
#define KILN_HOT __attribute__((optimize("O2")))
#else
#define KILN_HOT
#endif

/*
 * The rounded high 32 bits of 2*a*b (gemmlowp's SaturatingRoundingDoublingHighMul), saturating
 * only for INT32_MIN * INT32_MIN. gemmlowp adds a nudge of 2^30 (1 - 2^30 below zero) and divides
 * by 2^31 truncating toward zero; for a negative product, trunc((ab + 1 - 2^30) / 2^31) equals
 * floor((ab + 2^30) / 2^31), so both signs are one 64-bit add and an arithmetic shift: on a
 * Cortex-M4 an SMULL, an ADDS/ADC pair and the shift, without branches.
 */
KILN_INLINE int32_t kiln_srdhm(int32_t a, int32_t b) {
    if (b == INT32_MIN && a == INT32_MIN) return INT32_MAX;
    return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)1 << 30)) >> 31);
}

/* x / 2^exponent (exponent 0..31) rounded half away from zero (gemmlowp's RoundingDivideByPOT);
   exponent 0 gives x back (mask 0, no remainder can pass the threshold). */
KILN_INLINE int32_t kiln_rdbpot(int32_t x, int32_t exponent) {
    const int32_t mask = (int32_t)((((uint32_t)1) << exponent) - 1u);
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + ((x & mask) > threshold ? 1 : 0);
}

/* shift > 0: left shift before the multiply; shift <= 0: rounding right shift by -shift after it */
KILN_INLINE int32_t kiln_requant_one(int32_t acc, int32_t multiplier, int32_t shift) {
    if (shift > 0) return kiln_srdhm((int32_t)((uint32_t)acc << shift), multiplier);
    return kiln_rdbpot(kiln_srdhm(acc, multiplier), shift < -31 ? 31 : -shift);
}

KILN_INLINE int8_t kiln_clamp_s8(int32_t v, const kiln_output_s8 *o) {
    v += o->output_zero_point;
    if (v < o->act_min) v = o->act_min;
    if (v > o->act_max) v = o->act_max;
    return (int8_t)v;
}

#if KILN_DSP_EXT
/* SXTB16 of the word rotated right by 8 (bytes 1 and 3). ACLE has no intrinsic for the rotated
   form and gcc does not fold a rotate into it, so on the target it is the one inline instruction. */
static inline int32_t kiln_sxtb16_ror8(int32_t x) {
#if defined(KILN_DSP_NATIVE) && defined(__GNUC__)
    int32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
#else
    return __sxtb16((int32_t)(((uint32_t)x >> 8) | ((uint32_t)x << 24)));
#endif
}

static inline int32_t kiln_load32(const void *p) {
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}
#endif

#if defined(__GNUC__)
#define KILN_ASSUME_ALIGNED4(p) __builtin_assume_aligned((p), 4)
#else
#define KILN_ASSUME_ALIGNED4(p) (p)
#endif


/*
 * The DSP path multiplies a "widened" operand: groups of four int8 values x0..x3 stored as int16
 * in the order x0 x2 x1 x3 (what SXTB16 and SXTB16-with-ROR-8 give from one word), the last
 * n % 4 values as plain int16. kiln_widen_s8 writes it; kiln_widened_index maps a position.
 */
static inline int32_t kiln_widened_index(int32_t j, int32_t n) {
    static const int8_t order[4] = {0, 2, 1, 3};
    return j < (n & ~3) ? (j & ~3) + order[j & 3] : j;
}

static inline void kiln_widen_s8(const int8_t *x, int32_t n, int16_t *s) {
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s[0] = x[i];
        s[1] = x[i + 2];
        s[2] = x[i + 1];
        s[3] = x[i + 3];
        s += 4;
    }
    for (; i < n; i++) *s++ = x[i];
}

/* The dot products (kiln_dot_s8.c), out of line: inside a kernel the register pressure makes -Os
   spill the inner loop's accumulators to the stack. */

/* *acc0 += s . w0 and *acc1 += s . w1 over n values (s widened, w plain int8). */
void kiln_dot2_widened(const int16_t *s, const int8_t *w0, const int8_t *w1, int32_t n, int32_t *acc0, int32_t *acc1);

/* acc[k] += s . row_k for a block of four weight rows stored interleaved (kiln_nn.h, "weight layout"). */
void kiln_dot4_interleaved(const int16_t *s, const int8_t *w, int32_t n, int32_t *acc);

/* *acc += s . w over n values (s widened). */
void kiln_dot1_widened(const int16_t *s, const int8_t *w, int32_t n, int32_t *acc);

#endif /* KILN_NN_SUPPORT_H */
