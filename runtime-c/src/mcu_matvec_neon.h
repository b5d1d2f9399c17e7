/**
 * @file mcu_matvec_neon.h
 * @brief AArch64 NEON (`__ARM_NEON`, `__aarch64__`) inner loop of mcu_matvec.h on
 *        MCU_WLAYOUT_ROWMAJOR: four rows of a group against the int8 input, 16 columns per register.
 *        Private; included by mcu_matvec.h only.
 *
 * Per row and 16 columns: SMULL (low 8 lanes, int8 x int8 -> int16), SMLAL2 (the high 8 lanes into
 * the same int16 lanes) and SADALP (pairwise add into the row's int32 lanes): 3 instructions per 16
 * MACs. The int16 lanes cannot overflow: each holds two products, |w x| <= 127 * 128 = 16256, and
 * 2 * 16256 = 32512 <= 32767 (weights are symmetric in [-127, 127]: -128 never occurs, the generator
 * and the quantizer guarantee it). The int32 lanes hold partial sums of the exact dot product, which
 * fits int32 (mcu_matvec.h), so the result equals the portable sum whatever the order. The default
 * -march=armv8-a has no SDOT, so the widening multiply-accumulate is the fastest exact form.
 *
 * The input x holds exactly `cols` values (no padding), so the vector loop reads x only in whole
 * 16- or 8-column steps below `cols` and the last (cols mod 8) columns are scalar. Weights are read
 * at the same columns (their padding is never needed). Unaligned vector loads are allowed on AArch64.
 */
#ifndef MCU_MATVEC_NEON_H
#define MCU_MATVEC_NEON_H

#include <stddef.h>
#include <stdint.h>

#include <arm_neon.h>

/** One row's 16 columns: acc += pairwise(w_lo x_lo + w_hi x_hi), the int16 step exact (see above). */
static inline int32x4_t mcu_matvec_neon_mac16(int32x4_t acc, int8x16_t w, int8x16_t x)
{
    int16x8_t p = vmull_s8(vget_low_s8(w), vget_low_s8(x));
    p = vmlal_high_s8(p, w, x);
    return vpadalq_s16(acc, p);
}

/* One row's 64 columns: LD1 of 4 weight registers, then per register SMULL, SMLAL2, SADALP. */
#define MCU_MATVEC_NEON_ROW64(wq, acc)                                                                      \
    "ld1 {v20.16b, v21.16b, v22.16b, v23.16b}, [%[" wq "]], #64\n\t"                                        \
    "smull v24.8h, v20.8b, v16.8b\n\t"                                                                      \
    "smull v25.8h, v21.8b, v17.8b\n\t"                                                                      \
    "smlal2 v24.8h, v20.16b, v16.16b\n\t"                                                                   \
    "smlal2 v25.8h, v21.16b, v17.16b\n\t"                                                                   \
    "sadalp %[" acc "].4s, v24.8h\n\t"                                                                      \
    "sadalp %[" acc "].4s, v25.8h\n\t"                                                                      \
    "smull v24.8h, v22.8b, v18.8b\n\t"                                                                      \
    "smull v25.8h, v23.8b, v19.8b\n\t"                                                                      \
    "smlal2 v24.8h, v22.16b, v18.16b\n\t"                                                                   \
    "smlal2 v25.8h, v23.16b, v19.16b\n\t"                                                                   \
    "sadalp %[" acc "].4s, v24.8h\n\t"                                                                      \
    "sadalp %[" acc "].4s, v25.8h\n\t"

/**
 * dot[0..3] += the exact dot products of the 4 rows at w (row stride cols_p) with x[0..cols):
 * 64 columns per iteration in inline assembly (one LD1 of the input's 4 registers shared by the 4
 * rows, one LD1 of 4 registers per row: 5 loads and 48 multiply-accumulates for 256 MACs), then 32,
 * 16 and 8 columns with intrinsics, then scalar.
 */
static inline void mcu_matvec_rowmajor_fast(const int8_t *w, const int8_t *x, int32_t cols, int32_t cols_p,
                                            int32_t dot[4])
{
    const int8_t *w0 = w;
    const int8_t *w1 = w + (size_t)cols_p;
    const int8_t *w2 = w + 2 * (size_t)cols_p;
    const int8_t *w3 = w + 3 * (size_t)cols_p;
    const int8_t *xp = x;
    int32x4_t a0 = vdupq_n_s32(0);
    int32x4_t a1 = vdupq_n_s32(0);
    int32x4_t a2 = vdupq_n_s32(0);
    int32x4_t a3 = vdupq_n_s32(0);
    int32x4_t sums;
    int64_t n64 = (int64_t)(cols >> 6);
    int32_t c = (cols >> 6) << 6;
    if (n64 > 0) {
        __asm__ volatile("1:\n\t"
                         "ld1 {v16.16b, v17.16b, v18.16b, v19.16b}, [%[xp]], #64\n\t" MCU_MATVEC_NEON_ROW64(
                             "w0", "a0") MCU_MATVEC_NEON_ROW64("w1", "a1") MCU_MATVEC_NEON_ROW64("w2", "a2")
                             MCU_MATVEC_NEON_ROW64("w3", "a3") "subs %[n], %[n], #1\n\t"
                                                               "b.ne 1b\n\t"
                         : [a0] "+w"(a0), [a1] "+w"(a1), [a2] "+w"(a2), [a3] "+w"(a3), [w0] "+r"(w0), [w1] "+r"(w1),
                           [w2] "+r"(w2), [w3] "+r"(w3), [xp] "+r"(xp), [n] "+r"(n64)
                         :
                         : "memory", "cc", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25");
        /* the pointers now stand at column c */
        w0 -= c;
        w1 -= c;
        w2 -= c;
        w3 -= c;
    }
    if (c + 32 <= cols) {
        const int8x16_t x0 = vld1q_s8(x + c);
        const int8x16_t x1 = vld1q_s8(x + c + 16);
        a0 = mcu_matvec_neon_mac16(a0, vld1q_s8(w0 + c), x0);
        a1 = mcu_matvec_neon_mac16(a1, vld1q_s8(w1 + c), x0);
        a2 = mcu_matvec_neon_mac16(a2, vld1q_s8(w2 + c), x0);
        a3 = mcu_matvec_neon_mac16(a3, vld1q_s8(w3 + c), x0);
        a0 = mcu_matvec_neon_mac16(a0, vld1q_s8(w0 + c + 16), x1);
        a1 = mcu_matvec_neon_mac16(a1, vld1q_s8(w1 + c + 16), x1);
        a2 = mcu_matvec_neon_mac16(a2, vld1q_s8(w2 + c + 16), x1);
        a3 = mcu_matvec_neon_mac16(a3, vld1q_s8(w3 + c + 16), x1);
        c += 32;
    }
    if (c + 16 <= cols) {
        const int8x16_t x0 = vld1q_s8(x + c);
        a0 = mcu_matvec_neon_mac16(a0, vld1q_s8(w0 + c), x0);
        a1 = mcu_matvec_neon_mac16(a1, vld1q_s8(w1 + c), x0);
        a2 = mcu_matvec_neon_mac16(a2, vld1q_s8(w2 + c), x0);
        a3 = mcu_matvec_neon_mac16(a3, vld1q_s8(w3 + c), x0);
        c += 16;
    }
    if (c + 8 <= cols) {
        /* 8 columns: one SMULL per row (a single product per int16 lane), SADALP into the sums */
        const int8x8_t x0 = vld1_s8(x + c);
        a0 = vpadalq_s16(a0, vmull_s8(vld1_s8(w0 + c), x0));
        a1 = vpadalq_s16(a1, vmull_s8(vld1_s8(w1 + c), x0));
        a2 = vpadalq_s16(a2, vmull_s8(vld1_s8(w2 + c), x0));
        a3 = vpadalq_s16(a3, vmull_s8(vld1_s8(w3 + c), x0));
        c += 8;
    }
    /* horizontal sums of the 4 rows in one vector: ADDP, ADDP */
    sums = vpaddq_s32(vpaddq_s32(a0, a1), vpaddq_s32(a2, a3));
    vst1q_s32(dot, vaddq_s32(vld1q_s32(dot), sums));
    for (; c < cols; c++) {
        const int32_t v = (int32_t)x[c];
        dot[0] += (int32_t)w0[c] * v;
        dot[1] += (int32_t)w1[c] * v;
        dot[2] += (int32_t)w2[c] * v;
        dot[3] += (int32_t)w3[c] * v;
    }
}

#undef MCU_MATVEC_NEON_ROW64

#endif /* MCU_MATVEC_NEON_H */
