/**
 * @file mcu_matvec_dsp.h
 * @brief Cortex-M4/M7/M33/M55 (`__ARM_FEATURE_DSP`, GCC inline assembly) inner loops of mcu_matvec.h on
 *        MCU_WLAYOUT_DSP_PAIRS. Private; included by mcu_matvec.h only, which documents the
 *        arithmetic (two rows per halfword, A and B accumulators, 512-column chunks).
 *
 * Alignment: LDRD and LDM fault on unaligned addresses, so the prepared input (mcu_matvec_s8_t.xs,
 * the struct's first member) and the packed weights (emitted with MCU_ALIGN4 by the generator) must
 * be word aligned.
 */
#ifndef MCU_MATVEC_DSP_H
#define MCU_MATVEC_DSP_H

#include <stdint.h>
#include <string.h>

#include <arm_acle.h>

/**
 * DSP_PAIRS input preparation of n columns (n a multiple of 4): per word of x, SXTB16 gives
 * (x_j, x_{j+2}) and SXTB16 of the word rotated by 8 gives (x_{j+1}, x_{j+3}); returns sum x.
 */
static inline int32_t mcu_matvec_dsp_prepare_words(const int8_t *x, int32_t n, int16_t *xs)
{
    int32_t sum = 0;
    int32_t k;
    for (k = 0; k < n; k += 4) {
        uint32_t v;
        int32_t lo;
        int32_t hi;
        __builtin_memcpy(&v, x + k, 4u); /* LDR: unaligned access is allowed for single-word loads */
        lo = __sxtb16((int32_t)v);
        hi = __sxtb16((int32_t)((v >> 8) | (v << 24)));
        __builtin_memcpy(xs + k, &lo, 4u); /* the builtin: -ffreestanding would call memcpy */
        __builtin_memcpy(xs + k + 2, &hi, 4u);
        sum = __smlad(lo, 0x00010001, sum);
        sum = __smlad(hi, 0x00010001, sum);
    }
    return sum;
}

/* One block of 4 columns for 4 rows: 2 loads, 4 UXTB16, 8 SMLAD (14 instructions, 16 MACs). */
#define MCU_MATVEC_DSP_STEP                                                                                  \
    "ldrd %[x0], %[x1], [%[xp]], #8\n\t"                                                                     \
    "ldmia %[wp]!, {%[w0], %[w1], %[w2], %[w3]}\n\t"                                                         \
    "smlad %[a0], %[w0], %[x0], %[a0]\n\t"                                                                   \
    "uxtb16 %[w0], %[w0]\n\t"                                                                                \
    "smlad %[b0], %[w0], %[x0], %[b0]\n\t"                                                                   \
    "smlad %[a1], %[w1], %[x0], %[a1]\n\t"                                                                   \
    "uxtb16 %[w1], %[w1]\n\t"                                                                                \
    "smlad %[b1], %[w1], %[x0], %[b1]\n\t"                                                                   \
    "smlad %[a0], %[w2], %[x1], %[a0]\n\t"                                                                   \
    "uxtb16 %[w2], %[w2]\n\t"                                                                                \
    "smlad %[b0], %[w2], %[x1], %[b0]\n\t"                                                                   \
    "smlad %[a1], %[w3], %[x1], %[a1]\n\t"                                                                   \
    "uxtb16 %[w3], %[w3]\n\t"                                                                                \
    "smlad %[b1], %[w3], %[x1], %[b1]\n\t"

/**
 * acc[0..3] = (A0, B0, A1, B1) accumulated over nblocks blocks of 4 columns (mcu_matvec.h), the
 * weights of the group from w, the prepared input from xs: 8 blocks (32 columns) per loop iteration,
 * the rest one at a time first.
 */
MCU_MATVEC_INLINE void mcu_matvec_dsp_block(const int8_t *w, const int16_t *xs, int32_t nblocks, uint32_t acc[4])
{
    /* LDM needs its register list ascending: the four weight words get fixed registers. */
    register uint32_t w0 __asm__("r2");
    register uint32_t w1 __asm__("r3");
    register uint32_t w2 __asm__("r4");
    register uint32_t w3 __asm__("r5");
    uint32_t a0 = acc[0];
    uint32_t b0 = acc[1];
    uint32_t a1 = acc[2];
    uint32_t b1 = acc[3];
    uint32_t x0;
    uint32_t x1;
    const int8_t *wp = w;
    const int16_t *xp = xs;
    const int16_t *const mid = xs + 4 * (nblocks & 7);
    const int16_t *const end = xs + 4 * nblocks;
    while (xp != mid) {
        __asm__ volatile(MCU_MATVEC_DSP_STEP
                         : [a0] "+r"(a0), [b0] "+r"(b0), [a1] "+r"(a1), [b1] "+r"(b1), [xp] "+r"(xp), [wp] "+r"(wp),
                           [x0] "=&r"(x0), [x1] "=&r"(x1), [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2),
                           [w3] "=&r"(w3)
                         :
                         : "memory");
    }
    if (xp != end) {
        __asm__ volatile("1:\n\t" MCU_MATVEC_DSP_STEP MCU_MATVEC_DSP_STEP MCU_MATVEC_DSP_STEP MCU_MATVEC_DSP_STEP
                         MCU_MATVEC_DSP_STEP MCU_MATVEC_DSP_STEP MCU_MATVEC_DSP_STEP MCU_MATVEC_DSP_STEP
                         "cmp %[xp], %[end]\n\t"
                         "bne 1b\n\t"
                         : [a0] "+r"(a0), [b0] "+r"(b0), [a1] "+r"(a1), [b1] "+r"(b1), [xp] "+r"(xp), [wp] "+r"(wp),
                           [x0] "=&r"(x0), [x1] "=&r"(x1), [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2),
                           [w3] "=&r"(w3)
                         : [end] "r"(end)
                         : "memory", "cc");
    }
    acc[0] = a0;
    acc[1] = b0;
    acc[2] = a1;
    acc[3] = b1;
}

/* MCU_MATVEC_DSP_STEP stays defined: mcu_conv_rows_impl.h runs the same step over its rows */

/**
 * One row of int8 weights (row-major, any alignment) times an int16 vector, n columns (a multiple of
 * 4, n <= 256 so the int32 sum is exact: 127 * 32768 * 256 < 2^30): per 4 columns one LDR of the
 * weights, SXTB16 and SXTB16 ROR 8 (w_j, w_{j+2}) and (w_{j+1}, w_{j+3}), two PKH to pair them as
 * x's halfwords come, (w_j, w_{j+1}) and (w_{j+2}, w_{j+3}), and two SMLAD.
 */
static inline int32_t mcu_matvec_dsp_dot_s16(const int8_t *w, const int16_t *x, int32_t n)
{
    int32_t acc = 0;
    int32_t k;
    for (k = 0; k < n; k += 4) {
        uint32_t v;
        int32_t x01;
        int32_t x23;
        int32_t a;
        int32_t b;
        int32_t lo;
        int32_t hi;
        __builtin_memcpy(&v, w + k, 4u);
        __builtin_memcpy(&x01, x + k, 4u);
        __builtin_memcpy(&x23, x + k + 2, 4u);
        a = __sxtb16((int32_t)v);
        b = __sxtb16((int32_t)((v >> 8) | (v << 24)));
        __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(lo) : "r"(a), "r"(b));
        __asm__("pkhtb %0, %1, %2, asr #16" : "=r"(hi) : "r"(b), "r"(a));
        acc = __smlad(lo, x01, acc);
        acc = __smlad(hi, x23, acc);
    }
    return acc;
}

#endif /* MCU_MATVEC_DSP_H */
