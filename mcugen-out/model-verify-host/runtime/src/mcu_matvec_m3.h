/**
 * @file mcu_matvec_m3.h
 * @brief Cortex-M3 (`__ARM_ARCH_7M__`: no DSP extension, GCC inline assembly) inner loop of
 *        mcu_matvec.h on MCU_WLAYOUT_ROWS4. Private; included by mcu_matvec.h only.
 *
 * Without SIMD the floor is one LDRSB and one MLA per MAC. The input is prepared once per call as
 * int32 (mcu_matvec_s8_t's int32 buffer), so one LDM loads 4 inputs that serve the 4 rows of a
 * group: per 4 columns x 4 rows, 1 LDM + 16 LDRSB + 16 MLA (2.06 instructions per MAC), 16 columns
 * per loop iteration. Every partial sum is exact in int32 (|dot| <= 16256 cols, mcu_matvec.h).
 */
#ifndef MCU_MATVEC_M3_H
#define MCU_MATVEC_M3_H

#include <stdint.h>

/* One row of the group times one prepared input: the weight byte, then the multiply-accumulate. */
#define MCU_MATVEC_M3_MAC(acc, xk)                                                                           \
    "ldrsb %[t], [%[wp]], #1\n\t"                                                                            \
    "mla %[" acc "], %[t], %[" xk "], %[" acc "]\n\t"
/* One column for the 4 rows. */
#define MCU_MATVEC_M3_COL(xk)                                                                                \
    MCU_MATVEC_M3_MAC("a0", xk) MCU_MATVEC_M3_MAC("a1", xk) MCU_MATVEC_M3_MAC("a2", xk) MCU_MATVEC_M3_MAC("a3", xk)
/* 4 columns: 4 inputs by LDM, then 16 MACs. */
#define MCU_MATVEC_M3_STEP                                                                                   \
    "ldmia %[xp]!, {%[x0], %[x1], %[x2], %[x3]}\n\t" MCU_MATVEC_M3_COL("x0") MCU_MATVEC_M3_COL("x1")         \
        MCU_MATVEC_M3_COL("x2") MCU_MATVEC_M3_COL("x3")

/**
 * acc[0..3] += the dot products of the group's 4 rows (weights from w, ROWS4 order) with the n
 * prepared inputs xw (n a multiple of 4): 16 columns per iteration, the rest 4 at a time first.
 */
MCU_MATVEC_INLINE void mcu_matvec_rows4_block(const int8_t *w, const int32_t *xw, int32_t n, int32_t acc[4])
{
    /* LDM needs its register list ascending: the four inputs get fixed registers. */
    register int32_t x0 __asm__("r2");
    register int32_t x1 __asm__("r3");
    register int32_t x2 __asm__("r4");
    register int32_t x3 __asm__("r5");
    int32_t a0 = acc[0];
    int32_t a1 = acc[1];
    int32_t a2 = acc[2];
    int32_t a3 = acc[3];
    int32_t t;
    const int8_t *wp = w;
    const int32_t *xp = xw;
    const int32_t *const mid = xw + (n & 15);
    const int32_t *const end = xw + n;
    while (xp != mid) {
        __asm__ volatile(MCU_MATVEC_M3_STEP
                         : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [xp] "+r"(xp), [wp] "+r"(wp),
                           [t] "=&r"(t), [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3)
                         :
                         : "memory");
    }
    if (xp != end) {
        __asm__ volatile("1:\n\t" MCU_MATVEC_M3_STEP MCU_MATVEC_M3_STEP MCU_MATVEC_M3_STEP MCU_MATVEC_M3_STEP
                         "cmp %[xp], %[end]\n\t"
                         "bne 1b\n\t"
                         : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [xp] "+r"(xp), [wp] "+r"(wp),
                           [t] "=&r"(t), [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3)
                         : [end] "r"(end)
                         : "memory", "cc");
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/*
 * Two time steps at once (mcu_matvec_rows4_pair2()): the prepared input is X_c = x0_c + 2^23 x1_c,
 * one 64-bit SMLAL per weight and row accumulates w X, i.e. the MACs of both steps, so one LDRSB
 * and one SMLAL serve 2 MACs. Two rows of the group per pass (their accumulator pairs, 4 inputs by
 * LDM, the weight pointer and a temporary take the free registers): per 4 columns x 2 rows, 1 LDM
 * + 8 LDRSB + 8 SMLAL for 16 MACs.
 */
#define MCU_MATVEC_M3_P2_COL(xk)                                                                             \
    "ldrsb %[t], [%[wp], #1]\n\t"                                                                            \
    "smlal %[l1], %[h1], %[t], %[" xk "]\n\t"                                                                \
    "ldrsb %[t], [%[wp]], #4\n\t"                                                                            \
    "smlal %[l0], %[h0], %[t], %[" xk "]\n\t"
#define MCU_MATVEC_M3_P2_STEP                                                                                \
    "ldmia %[xp]!, {%[x0], %[x1], %[x2], %[x3]}\n\t" MCU_MATVEC_M3_P2_COL("x0") MCU_MATVEC_M3_P2_COL("x1")   \
        MCU_MATVEC_M3_P2_COL("x2") MCU_MATVEC_M3_P2_COL("x3")

/**
 * (lo0, hi0), (lo1, hi1) (64-bit accumulators as words) += the sums of w_r X and w_{r+1} X over the n prepared inputs
 * xw (n a positive multiple of 4) for two adjacent rows of a ROWS4 group: w points at row r's byte
 * of column 0 (the group's base plus 0 or 2), the column stride is 4 bytes.
 */
MCU_MATVEC_INLINE void mcu_matvec_rows4_pair2_block(const int8_t *w, const int32_t *xw, int32_t n, uint32_t *lo0,
                                                    uint32_t *hi0, uint32_t *lo1, uint32_t *hi1)
{
    register int32_t x0 __asm__("r2");
    register int32_t x1 __asm__("r3");
    register int32_t x2 __asm__("r4");
    register int32_t x3 __asm__("r5");
    uint32_t l0 = *lo0;
    uint32_t l1 = *lo1;
    uint32_t h0 = *hi0;
    uint32_t h1 = *hi1;
    int32_t t;
    const int8_t *wp = w;
    const int32_t *xp = xw;
    const int32_t *const mid = xw + (n & 15);
    const int32_t *const end = xw + n;
    while (xp != mid) {
        __asm__ volatile(MCU_MATVEC_M3_P2_STEP
                         : [l0] "+r"(l0), [h0] "+r"(h0), [l1] "+r"(l1), [h1] "+r"(h1), [xp] "+r"(xp), [wp] "+r"(wp),
                           [t] "=&r"(t), [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3)
                         :
                         : "memory");
    }
    if (xp != end) {
        __asm__ volatile("1:\n\t" MCU_MATVEC_M3_P2_STEP MCU_MATVEC_M3_P2_STEP MCU_MATVEC_M3_P2_STEP
                             MCU_MATVEC_M3_P2_STEP "cmp %[xp], %[end]\n\t"
                                                   "bne 1b\n\t"
                         : [l0] "+r"(l0), [h0] "+r"(h0), [l1] "+r"(l1), [h1] "+r"(h1), [xp] "+r"(xp), [wp] "+r"(wp),
                           [t] "=&r"(t), [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3)
                         : [end] "r"(end)
                         : "memory", "cc");
    }
    *lo0 = l0;
    *lo1 = l1;
    *hi0 = h0;
    *hi1 = h1;
}

#undef MCU_MATVEC_M3_P2_STEP
#undef MCU_MATVEC_M3_P2_COL
#undef MCU_MATVEC_M3_STEP
#undef MCU_MATVEC_M3_COL
#undef MCU_MATVEC_M3_MAC

#endif /* MCU_MATVEC_M3_H */
