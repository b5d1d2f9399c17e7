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
#include <string.h>

#include <arm_neon.h>

#include "mcu_nn.h"

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
 * The exact dot products of the 4 rows at w (row stride cols_p) with x[0..cols), as one vector:
 * 64 columns per iteration in inline assembly (one LD1 of the input's 4 registers shared by the 4
 * rows, one LD1 of 4 registers per row: 5 loads and 48 multiply-accumulates for 256 MACs), then 32,
 * 16 and 8 columns with intrinsics, then scalar.
 */
/* always inlined: a call per group of 4 rows costs more than the 4 rows of a short matrix */
static inline __attribute__((always_inline)) int32x4_t mcu_matvec_neon_rows4(const int8_t *w, const int8_t *x, int32_t cols, int32_t cols_p)
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
    if (c < cols) {
        int32_t d[4] = {0, 0, 0, 0};
        for (; c < cols; c++) {
            const int32_t v = (int32_t)x[c];
            d[0] += (int32_t)w0[c] * v;
            d[1] += (int32_t)w1[c] * v;
            d[2] += (int32_t)w2[c] * v;
            d[3] += (int32_t)w3[c] * v;
        }
        sums = vaddq_s32(sums, vld1q_s32(d));
    }
    return sums;
}

/** dot[0..3] += the exact dot products of the 4 rows at w (row stride cols_p) with x[0..cols). */
static inline void mcu_matvec_rowmajor_fast(const int8_t *w, const int8_t *x, int32_t cols, int32_t cols_p,
                                            int32_t dot[4])
{
    vst1q_s32(dot, vaddq_s32(vld1q_s32(dot), mcu_matvec_neon_rows4(w, x, cols, cols_p)));
}

/**
 * mcu_nn_rescale() (mcu_nn_internal.h) of 4 lanes, each with its own multiplier M (0: power of two)
 * and shift s, the same integers as the scalar mcu_nn_rescale() gives lane by lane:
 * - `left = max(s, 0)`: SQSHL saturates exactly as mcu_shl_sat_s32();
 * - M != 0: SQRDMULH is srdhm (nudge, truncation, INT32_MIN * INT32_MIN saturating), kept by a mask;
 *   M == 0 (mcu_mul_pot_s32()) skips it;
 * - `right = min(s, 0)`: rdivpot(v, -right) rounds ties away from zero, SRSHL by a negative amount
 *   rounds them up (floor(v / 2^e + 1/2)); gemmlowp's fixup subtracts 1 from negative v first
 *   (`(v & right) >> 31` is -1 exactly when v < 0 and right < 0; SQADD), which moves a negative tie
 *   down and no other value across a rounding boundary. v = INT32_MIN saturates instead of moving,
 *   which is still exact: INT32_MIN / 2^e has no remainder. SRSHL adds its rounding constant in
 *   wider precision, so large positive v does not overflow. right = 0 leaves v unchanged.
 */
static inline int32x4_t mcu_matvec_neon_rescale(int32x4_t x, int32x4_t mult, int32x4_t shift)
{
    const int32x4_t zero = vdupq_n_s32(0);
    const int32x4_t right = vminq_s32(shift, zero);
    int32x4_t v = vqshlq_s32(x, vmaxq_s32(shift, zero));
    v = vbslq_s32(vtstq_s32(mult, mult), vqrdmulhq_s32(v, mult), v);
    v = vqaddq_s32(v, vshrq_n_s32(vandq_s32(v, right), 31));
    return vrshlq_s32(v, right);
}

/** Stores the n (1..4) first lanes of v (already in the output type's range) as elements of `size` bytes. */
static inline void mcu_matvec_neon_store(int32x4_t v, void *y, size_t size, int32_t n)
{
    if (n == 4 && size == 1) {
        const int16x4_t h = vmovn_s32(v);
        const int32_t b = vget_lane_s32(vreinterpret_s32_s8(vmovn_s16(vcombine_s16(h, h))), 0);
        memcpy(y, &b, 4u);
    } else if (n == 4 && size == 2) {
        vst1_s16((int16_t *)y, vmovn_s32(v));
    } else if (n == 4) {
        vst1q_s32((int32_t *)y, v);
    } else {
        int32_t t[4];
        int32_t q;
        vst1q_s32(t, v);
        for (q = 0; q < n; q++) {
            if (size == 1) {
                ((int8_t *)y)[q] = (int8_t)t[q];
            } else if (size == 2) {
                ((int16_t *)y)[q] = (int16_t)t[q];
            } else {
                ((int32_t *)y)[q] = t[q];
            }
        }
    }
}

/**
 * One input row of mcu_fully_connected_s8* on MCU_WLAYOUT_ROWMAJOR (int8 input, int32 accumulator):
 * y[o] = clamp(R_o(bias_o + dot_o) + zp, act_min, act_max) for all units, 4 units per pass, the
 * output stage vectorized too (mcu_matvec_neon_rescale(); per-channel rescales are loaded as 4
 * {multiplier, shift} pairs with LD2). `size` is sizeof the output element (1, 2 or 4). The bias + dot
 * sum is the PLAIN loop's accumulator, whose int32 bound the compiler proves, so it cannot wrap.
 */
static inline void mcu_matvec_fc_rowmajor(const mcu_fc_params_t *p, const int8_t *x, void *y, size_t size)
{
    const int32_t units = p->units;
    const int32_t cols = p->input_size;
    const int32_t cols_p = (cols + 3) & ~(int32_t)3;
    const int32_t per_channel = p->rescale_count != 1;
    /* clamp(v + zp, act_min, act_max) == clamp(v, act_min - zp, act_max - zp) + zp (no overflow) */
    const int32x4_t zp = vdupq_n_s32(p->output_zp);
    const int32x4_t lo = vdupq_n_s32(p->act_min - p->output_zp);
    const int32x4_t hi = vdupq_n_s32(p->act_max - p->output_zp);
    int32x4_t mult = vdupq_n_s32(p->rescale[0].multiplier);
    int32x4_t shift = vdupq_n_s32(p->rescale[0].shift);
    int32_t g;
    for (g = 0; 4 * g < units; g++) {
        const int32_t o = 4 * g;
        const int32_t n = units - o < 4 ? units - o : 4;
        int32x4_t acc = mcu_matvec_neon_rows4(p->weights + (size_t)o * (size_t)cols_p, x, cols, cols_p);
        if (n == 4) {
            acc = vaddq_s32(acc, vld1q_s32(p->bias + o));
            if (per_channel) {
                const int32x4x2_t r = vld2q_s32(&p->rescale[o].multiplier);
                mult = r.val[0];
                shift = r.val[1];
            }
        } else {
            int32_t b[4] = {0, 0, 0, 0};
            int32_t m[4] = {0, 0, 0, 0};
            int32_t s[4] = {0, 0, 0, 0};
            int32_t q;
            for (q = 0; q < n; q++) {
                b[q] = p->bias[o + q];
                m[q] = p->rescale[per_channel ? o + q : 0].multiplier;
                s[q] = p->rescale[per_channel ? o + q : 0].shift;
            }
            acc = vaddq_s32(acc, vld1q_s32(b));
            mult = vld1q_s32(m);
            shift = vld1q_s32(s);
        }
        acc = vaddq_s32(vminq_s32(vmaxq_s32(mcu_matvec_neon_rescale(acc, mult, shift), lo), hi), zp);
        mcu_matvec_neon_store(acc, (int8_t *)y + (size_t)o * size, size, n);
    }
}

#undef MCU_MATVEC_NEON_ROW64

#endif /* MCU_MATVEC_NEON_H */
