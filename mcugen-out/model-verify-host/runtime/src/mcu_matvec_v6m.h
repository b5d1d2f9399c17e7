/**
 * @file mcu_matvec_v6m.h
 * @brief ARMv6-M (Cortex-M0/M0+, `__ARM_ARCH_6M__`, GCC inline assembly) inner loop of mcu_matvec.h
 *        on MCU_WLAYOUT_ROWMAJOR. Private; included by mcu_matvec.h only.
 *
 * ARMv6-M has no 64-bit multiply result, no multiply-accumulate and no DSP: a MAC is a load, MULS
 * (32 x 32 -> low 32) and ADD. The dot products are accumulated in int32, which is exact: |w x| <=
 * 127 * 128 per term and `|dot| <= 16256 cols < 2^31` (mcu_matvec.h); the caller adds the bias as in
 * the PLAIN loop, whose int32 bound the compiler proves.
 *
 * One column for the 4 rows of a group: LDRSB x_c, then per row LDRSB w[r][c], MULS, ADD into an
 * accumulator in a high register (r8-r11: the 8 low registers hold the 6 base pointers / index and the
 * two temporaries). LDRSB has register offsets only, so all 5 arrays are addressed from their ends
 * with one negative column index counting up to 0: 13 instructions per column plus ADDS, and one BNE
 * per 4 columns (unrolled), i.e. 57 instructions per 16 MACs. Loading a word of 4 weights and
 * extracting the bytes (SXTB, LSLS + ASRS) costs more on ARMv6-M than LDRSB per weight.
 */
#ifndef MCU_MATVEC_V6M_H
#define MCU_MATVEC_V6M_H

#include <stddef.h>
#include <stdint.h>

#include "mcu_fixed.h"
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

/*
 * The loop wants all 8 low registers (r0-r7). Where GCC keeps r7 as the frame pointer (-O0, -Os,
 * -fno-omit-frame-pointer) only 7 are free: the input's end pointer then lives in a high register and
 * is moved into v before its load (one more instruction per column). -fno-omit-frame-pointer with
 * -O1..-O3 is not detectable here: define MCU_MATVEC_V6M_FRAME_POINTER for it.
 */
#if defined(__OPTIMIZE__) && !defined(__OPTIMIZE_SIZE__) && !defined(MCU_MATVEC_V6M_FRAME_POINTER)
#define MCU_MATVEC_V6M_XE "l"
#define MCU_MATVEC_V6M_LOAD_X "ldrsb %[v], [%[xe], %[c]]\n\t"
#else
#define MCU_MATVEC_V6M_XE "h"
#define MCU_MATVEC_V6M_LOAD_X                                                                               \
    "mov %[v], %[xe]\n\t"                                                                                   \
    "ldrsb %[v], [%[v], %[c]]\n\t"
#endif

/* One column c (index register) for the 4 rows: 13 instructions, then the index moves on. */
#define MCU_MATVEC_V6M_COLUMN                                                                               \
    MCU_MATVEC_V6M_LOAD_X                                                                                   \
    "ldrsb %[t], [%[w0], %[c]]\n\t"                                                                         \
    "muls %[t], %[v], %[t]\n\t"                                                                             \
    "add %[a0], %[t]\n\t"                                                                                   \
    "ldrsb %[t], [%[w1], %[c]]\n\t"                                                                         \
    "muls %[t], %[v], %[t]\n\t"                                                                             \
    "add %[a1], %[t]\n\t"                                                                                   \
    "ldrsb %[t], [%[w2], %[c]]\n\t"                                                                         \
    "muls %[t], %[v], %[t]\n\t"                                                                             \
    "add %[a2], %[t]\n\t"                                                                                   \
    "ldrsb %[t], [%[w3], %[c]]\n\t"                                                                         \
    "muls %[t], %[v], %[t]\n\t"                                                                             \
    "add %[a3], %[t]\n\t"                                                                               \
    "adds %[c], #1\n\t"

/**
 * dot[0..3] = the exact dot products of the 4 rows at w (row stride cols_p) with x[0..cols): the
 * columns in multiples of 4 by the assembly loop, the last (cols mod 4) in C.
 */
static inline __attribute__((always_inline)) void mcu_matvec_v6m_rows4(const int8_t *w, const int8_t *x, int32_t cols,
                                                                      int32_t cols_p, int32_t dot[4])
{
    const int32_t n4 = cols & ~(int32_t)3;
    int32_t a0 = 0;
    int32_t a1 = 0;
    int32_t a2 = 0;
    int32_t a3 = 0;
    int32_t c;
    if (n4 > 0) {
        const int8_t *const xe = x + n4;
        const int8_t *const w0 = w + n4;
        const int8_t *const w1 = w0 + cols_p;
        const int8_t *const w2 = w1 + cols_p;
        const int8_t *const w3 = w2 + cols_p;
        int32_t t;
        int32_t v;
        c = -n4;
        __asm__ volatile(".syntax unified\n\t" /* GCC wraps Thumb-1 inline asm in divided syntax */
                         "1:\n\t" MCU_MATVEC_V6M_COLUMN MCU_MATVEC_V6M_COLUMN MCU_MATVEC_V6M_COLUMN
                             MCU_MATVEC_V6M_COLUMN "bne 1b\n\t"
                         : [a0] "+h"(a0), [a1] "+h"(a1), [a2] "+h"(a2), [a3] "+h"(a3), [c] "+l"(c), [t] "=&l"(t),
                           [v] "=&l"(v)
                         : [xe] MCU_MATVEC_V6M_XE(xe), [w0] "l"(w0), [w1] "l"(w1), [w2] "l"(w2), [w3] "l"(w3)
                         : "memory", "cc");
    }
    for (c = n4; c < cols; c++) {
        const int32_t v = (int32_t)x[c];
        a0 += (int32_t)w[c] * v;
        a1 += (int32_t)w[(size_t)cols_p + (size_t)c] * v;
        a2 += (int32_t)w[2 * (size_t)cols_p + (size_t)c] * v;
        a3 += (int32_t)w[3 * (size_t)cols_p + (size_t)c] * v;
    }
    dot[0] = a0;
    dot[1] = a1;
    dot[2] = a2;
    dot[3] = a3;
}

/** dot[0..3] += the exact dot products of the 4 rows at w (row stride cols_p) with x[0..cols). */
static inline void mcu_matvec_rowmajor_fast(const int8_t *w, const int8_t *x, int32_t cols, int32_t cols_p,
                                            int32_t dot[4])
{
    int32_t d[4];
    mcu_matvec_v6m_rows4(w, x, cols, cols_p, d);
    dot[0] += d[0];
    dot[1] += d[1];
    dot[2] += d[2];
    dot[3] += d[3];
}

#undef MCU_MATVEC_V6M_COLUMN
#undef MCU_MATVEC_V6M_LOAD_X
#undef MCU_MATVEC_V6M_XE

/**
 * One input row of mcu_fully_connected_s8* on MCU_WLAYOUT_ROWMAJOR (int8 input, int32 accumulator):
 * y[o] = clamp(R_o(bias_o + dot_o) + zp, act_min, act_max), 4 units per pass. `size` is sizeof the
 * output element (1, 2 or 4). The bias + dot sum is the PLAIN loop's accumulator (int32 bound proven
 * by the compiler). A per-tensor power-of-two rescale with a negative exponent (the solver's pot mode,
 * `--rescale auto` on cortex-m0) is mcu_rdivpot_s32() with its mask and threshold hoisted out of
 * the loop: ASRS, and one compare for the rounding; every other form is mcu_nn_rescale().
 */
static inline void mcu_matvec_fc_rowmajor(const mcu_fc_params_t *p, const int8_t *x, void *y, size_t size)
{
    const int32_t units = p->units;
    const int32_t cols = p->input_size;
    const int32_t cols_p = (cols + 3) & ~(int32_t)3;
    const mcu_rescale_t *const rs = p->rescale;
    const int32_t per_channel = p->rescale_count != 1;
    const int32_t pot = !per_channel && rs->multiplier == 0 && rs->shift < 0;
    const int32_t e = pot ? -rs->shift : 1;
    const uint32_t mask = ((uint32_t)1 << e) - 1u; /* e in [1, 31] */
    const int32_t half = (int32_t)(mask >> 1);
    /* clamp(v + zp, act_min, act_max) == clamp(v, act_min - zp, act_max - zp) + zp (no overflow) */
    const int32_t zp = p->output_zp;
    const int32_t lo = p->act_min - zp;
    const int32_t hi = p->act_max - zp;
    int32_t o;
    for (o = 0; o < units; o += 4) {
        const int32_t n = units - o < 4 ? units - o : 4;
        int32_t dot[4];
        int32_t q;
        mcu_matvec_v6m_rows4(p->weights + (size_t)o * (size_t)cols_p, x, cols, cols_p, dot);
        for (q = 0; q < n; q++) {
            const int32_t acc = p->bias[o + q] + dot[q];
            int32_t v;
            if (pot) {
                v = mcu_asr_s32(acc, e) + ((int32_t)((uint32_t)acc & mask) > half + (acc < 0));
            } else {
                v = mcu_nn_rescale(acc, per_channel ? &rs[o + q] : rs);
            }
            v = (v < lo ? lo : (v > hi ? hi : v)) + zp;
            if (size == 1) {
                ((int8_t *)y)[o + q] = (int8_t)v;
            } else if (size == 2) {
                ((int16_t *)y)[o + q] = (int16_t)v;
            } else {
                ((int32_t *)y)[o + q] = v;
            }
        }
    }
}

#endif /* MCU_MATVEC_V6M_H */
