/* The int8 dot products on a widened operand: the portable path and the Cortex-M DSP-extension path. */
#include "kiln_nn_support.h"

/* -O2 for these loops even in -Os builds: at -Os gcc spills the accumulators of the inner loop. */
#if defined(__GNUC__) && !defined(__clang__)
#define KILN_DOT_ATTR __attribute__((optimize("O2")))
#else
#define KILN_DOT_ATTR
#endif

#if KILN_DSP_EXT
/* one group of four: two SMLADs per row on the widened pairs */
#define KILN_GROUP2(s, w0, w1, a0, a1)                                  \
    do {                                                                \
        const int32_t x02_ = kiln_load32(s), x13_ = kiln_load32((s) + 2); \
        const int32_t wa_ = kiln_load32(w0), wb_ = kiln_load32(w1);     \
        a0 = __smlad(__sxtb16(wa_), x02_, a0);                          \
        a1 = __smlad(__sxtb16(wb_), x02_, a1);                          \
        a0 = __smlad(kiln_sxtb16_ror8(wa_), x13_, a0);                  \
        a1 = __smlad(kiln_sxtb16_ror8(wb_), x13_, a1);                  \
    } while (0)
#define KILN_GROUP1(s, w, a)                                            \
    do {                                                                \
        const int32_t wa_ = kiln_load32(w);                             \
        a = __smlad(__sxtb16(wa_), kiln_load32(s), a);                  \
        a = __smlad(kiln_sxtb16_ror8(wa_), kiln_load32((s) + 2), a);    \
    } while (0)
#else
#define KILN_GROUP2(s, w0, w1, a0, a1)                                               \
    do {                                                                             \
        a0 += (s)[0] * (w0)[0] + (s)[1] * (w0)[2] + (s)[2] * (w0)[1] + (s)[3] * (w0)[3]; \
        a1 += (s)[0] * (w1)[0] + (s)[1] * (w1)[2] + (s)[2] * (w1)[1] + (s)[3] * (w1)[3]; \
    } while (0)
#define KILN_GROUP1(s, w, a)                                                     \
    do {                                                                         \
        a += (s)[0] * (w)[0] + (s)[1] * (w)[2] + (s)[2] * (w)[1] + (s)[3] * (w)[3]; \
    } while (0)
#endif

/* *acc0 += s . w0 and *acc1 += s . w1 over n values (s widened, w plain int8). Eight values per
   pass, then one group of four, then the last n % 4 one by one. */
KILN_DOT_ATTR void kiln_dot2_widened(const int16_t *s, const int8_t *w0, const int8_t *w1, int32_t n, int32_t *acc0, int32_t *acc1) {
    int32_t a0 = *acc0, a1 = *acc1;
    int32_t passes = n >> 3, r;
    if (passes > 0) {
        do {
            KILN_GROUP2(s, w0, w1, a0, a1);
            KILN_GROUP2(s + 4, w0 + 4, w1 + 4, a0, a1);
            s += 8;
            w0 += 8;
            w1 += 8;
        } while (--passes);
    }
    if (n & 4) {
        KILN_GROUP2(s, w0, w1, a0, a1);
        s += 4;
        w0 += 4;
        w1 += 4;
    }
    for (r = 0; r < (n & 3); r++) {
        a0 += s[r] * w0[r];
        a1 += s[r] * w1[r];
    }
    *acc0 = a0;
    *acc1 = a1;
}

/*
 * acc[k] += s . row_k for a block of four weight rows stored interleaved (kiln_nn.h, "weight
 * layout"): for each group of four inputs, the four rows' four bytes one after the other (16
 * bytes), then the last n % 4 weights of each row, row after row. One pointer walks the block, so
 * every load of the input feeds four rows without running out of registers.
 */
KILN_DOT_ATTR void kiln_dot4_interleaved(const int16_t *s, const int8_t *w, int32_t n, int32_t *acc) {
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    int32_t groups = n >> 2, r;
    const int32_t tail = n & 3;
    if (groups > 0) {
        do {
#if KILN_DSP_EXT
            /* word-aligned block: the compiler may fetch it with LDRD / LDM */
            int32_t x[2], t[4];
            memcpy(x, KILN_ASSUME_ALIGNED4(s), 8);
            memcpy(t, KILN_ASSUME_ALIGNED4(w), 16);
            a0 = __smlad(__sxtb16(t[0]), x[0], a0);
            a0 = __smlad(kiln_sxtb16_ror8(t[0]), x[1], a0);
            a1 = __smlad(__sxtb16(t[1]), x[0], a1);
            a1 = __smlad(kiln_sxtb16_ror8(t[1]), x[1], a1);
            a2 = __smlad(__sxtb16(t[2]), x[0], a2);
            a2 = __smlad(kiln_sxtb16_ror8(t[2]), x[1], a2);
            a3 = __smlad(__sxtb16(t[3]), x[0], a3);
            a3 = __smlad(kiln_sxtb16_ror8(t[3]), x[1], a3);
#else
            KILN_GROUP1(s, w, a0);
            KILN_GROUP1(s, w + 4, a1);
            KILN_GROUP1(s, w + 8, a2);
            KILN_GROUP1(s, w + 12, a3);
#endif
            s += 4;
            w += 16;
        } while (--groups);
    }
    for (r = 0; r < tail; r++) {
        a0 += s[r] * w[r];
        a1 += s[r] * w[tail + r];
        a2 += s[r] * w[2 * tail + r];
        a3 += s[r] * w[3 * tail + r];
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/* *acc += s . w over n values (s widened). */
KILN_DOT_ATTR void kiln_dot1_widened(const int16_t *s, const int8_t *w, int32_t n, int32_t *acc) {
    int32_t a = *acc;
    int32_t groups = n >> 2, r;
    if (groups > 0) {
        do {
            KILN_GROUP1(s, w, a);
            s += 4;
            w += 4;
        } while (--groups);
    }
    for (r = 0; r < (n & 3); r++) a += s[r] * w[r];
    *acc = a;
}

