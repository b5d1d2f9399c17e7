/**
 * @file mcu_sub8_internal.h
 * @brief Dot products of one row of a packed weight matrix narrower than 8 bits (::mcu_sub8_matrix_t,
 *        mcu_nn.h states the layout and the code) with an int8 or int16 vector: the portable scalar
 *        path, correct on every target. Private; included by the `_s8w4` / `_s8w2` / `_sub8_` kernels.
 *
 * With the weights `w_c = code_scale * k_c - code_offset`, the row's dot product is computed as
 * `code_scale * sum_c k_c x_c - code_offset * sum_c x_c`, both sums exact: the same integer as
 * `sum_c w_c x_c` over the decoded int8 weights (Java `IntTensor` values), which is what the
 * simulator computes.
 */
#ifndef MCU_SUB8_INTERNAL_H
#define MCU_SUB8_INTERNAL_H

#include "mcu_nn.h"

#include <stddef.h>

/** Bytes of one packed row of `cols` codes of `bits` (4 or 2) bits: ceil(cols * bits / 8). */
static inline int32_t mcu_sub8_row_bytes(int32_t cols, int32_t bits)
{
    const int32_t per = 8 / bits;
    return (cols + per - 1) / per;
}

/** The decoded weight w[r][c] of `m` (`cols` columns): code_scale * k - code_offset of its packed field k. */
static inline int32_t mcu_sub8_weight(const mcu_sub8_matrix_t *m, int32_t cols, int32_t r, int32_t c)
{
    const int32_t per = 8 / m->bits;
    const uint8_t *w = m->codes + (size_t)r * (size_t)mcu_sub8_row_bytes(cols, m->bits);
    const int32_t k = (w[c / per] >> (m->bits * (c % per))) & ((1 << m->bits) - 1);
    return m->code_scale * k - m->code_offset;
}

/**
 * sum_c w[r][c] x_c of row r of `m` (`cols` columns) with an int8 vector x, exactly: |w x| <= 15 * 128,
 * so for cols <= 2^19 the sums stay below 2^31 (the combination is formed in int64 and is itself
 * below 2^31 in magnitude).
 */
static inline int32_t mcu_sub8_dot_s8(const mcu_sub8_matrix_t *m, int32_t cols, int32_t r, const int8_t *x)
{
    const uint8_t *w = m->codes + (size_t)r * (size_t)mcu_sub8_row_bytes(cols, m->bits);
    int32_t kx = 0;
    int32_t sx = 0;
    int32_t c = 0;
    if (m->bits == 4) {
        for (; c + 2 <= cols; c += 2) {
            const int32_t b = w[c >> 1];
            kx += (b & 15) * x[c] + (b >> 4) * x[c + 1];
            sx += x[c] + x[c + 1];
        }
        if (c < cols) {
            kx += (w[c >> 1] & 15) * x[c];
            sx += x[c];
        }
    } else {
        for (; c + 4 <= cols; c += 4) {
            const int32_t b = w[c >> 2];
            kx += (b & 3) * x[c] + ((b >> 2) & 3) * x[c + 1] + ((b >> 4) & 3) * x[c + 2] + (b >> 6) * x[c + 3];
            sx += x[c] + x[c + 1] + x[c + 2] + x[c + 3];
        }
        for (; c < cols; c++) {
            kx += ((w[c >> 2] >> (2 * (c & 3))) & 3) * x[c];
            sx += x[c];
        }
    }
    return (int32_t)((int64_t)m->code_scale * kx - (int64_t)m->code_offset * sx);
}

/** Largest input length whose 4-bit dot products take the prepared SIMD path (2 bytes of stack a column). */
#define MCU_SUB8_PREP_COLS 256

#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(MCU_MATVEC_PORTABLE)
#include <arm_acle.h>
#define MCU_SUB8_HAVE_DSP 1
#endif

/**
 * An int8 vector read by many packed rows: its sum (the `code_offset` term of every row) taken once,
 * and on cores with the DSP extension, for up to MCU_SUB8_PREP_COLS columns, its values as halfword
 * pairs in the order a word of 4-bit codes unpacks to: for each block of 8 columns j..j+7 the words
 * (x_j, x_j+4), (x_j+2, x_j+6), (x_j+1, x_j+5), (x_j+3, x_j+7) (low, high halfword). UXTB16 of
 * `W & 0x0F0F0F0F` and of `(W >> 4) & 0x0F0F0F0F`, each also rotated by 8, gives the codes of a word W
 * (columns j..j+7, low nibble first) in the same pairs, and SMLAD forms two products k x per
 * instruction, exactly (|k x| <= 15 * 128).
 */
typedef struct {
    const int8_t *x;
    int32_t cols;
    int32_t sum;      /**< sum_c x_c */
    int32_t prepared; /**< 1 when `pairs` holds the full blocks of 8 columns */
#ifdef MCU_SUB8_HAVE_DSP
    uint32_t pairs[MCU_SUB8_PREP_COLS / 2];
#endif
} mcu_sub8_vec_s8_t;

/** Prepares `x` (`cols` values) for the rows of a packed matrix of `bits` bits. */
static inline void mcu_sub8_vec_s8(mcu_sub8_vec_s8_t *v, const int8_t *x, int32_t cols, int32_t bits)
{
    int32_t c;
    int32_t sum = 0;
    for (c = 0; c < cols; c++) {
        sum += x[c];
    }
    v->x = x;
    v->cols = cols;
    v->sum = sum;
    v->prepared = 0;
#ifdef MCU_SUB8_HAVE_DSP
    if (bits == 4 && cols >= 8 && cols <= MCU_SUB8_PREP_COLS) {
        for (c = 0; c + 8 <= cols; c += 8) {
            uint32_t *p = v->pairs + c / 2;
            const int8_t *b = x + c;
            p[0] = (uint32_t)(uint16_t)b[0] | (uint32_t)(uint16_t)b[4] << 16;
            p[1] = (uint32_t)(uint16_t)b[2] | (uint32_t)(uint16_t)b[6] << 16;
            p[2] = (uint32_t)(uint16_t)b[1] | (uint32_t)(uint16_t)b[5] << 16;
            p[3] = (uint32_t)(uint16_t)b[3] | (uint32_t)(uint16_t)b[7] << 16;
        }
        v->prepared = 1;
    }
#else
    (void)bits;
#endif
}

/**
 * sum_c w[r][c] x_c of row r of `m` with the prepared vector `v`: the integer of mcu_sub8_dot_s8(),
 * `code_scale * sum_c k_c x_c - code_offset * sum_c x_c`, one byte of codes per step.
 */
static inline int32_t mcu_sub8_dot_vec_s8(const mcu_sub8_matrix_t *m, int32_t r, const mcu_sub8_vec_s8_t *v)
{
    const int32_t cols = v->cols;
    const int8_t *x = v->x;
    const uint8_t *w = m->codes + (size_t)r * (size_t)mcu_sub8_row_bytes(cols, m->bits);
    int32_t kx = 0;
    if (m->bits == 4) {
        const uint8_t *end = w + cols / 2;
#ifdef MCU_SUB8_HAVE_DSP
        if (v->prepared) {
            const uint32_t *p = v->pairs;
            const uint8_t *blocks = w + (cols / 8) * 4;
            while (w < blocks) {
                uint32_t word;
                uint32_t lo;
                uint32_t hi;
                __builtin_memcpy(&word, w, 4); /* 8 codes (an unaligned load) */
                lo = word & 0x0F0F0F0Fu;        /* k_j, k_j+2, k_j+4, k_j+6 */
                hi = (word >> 4) & 0x0F0F0F0Fu; /* k_j+1, k_j+3, k_j+5, k_j+7 */
                kx = __smlad((int32_t)__uxtb16(lo), (int32_t)p[0], kx);
                kx = __smlad((int32_t)__uxtb16((lo >> 8) | (lo << 24)), (int32_t)p[1], kx);
                kx = __smlad((int32_t)__uxtb16(hi), (int32_t)p[2], kx);
                kx = __smlad((int32_t)__uxtb16((hi >> 8) | (hi << 24)), (int32_t)p[3], kx);
                p += 4;
                w += 4;
                x += 8;
            }
        }
#endif
        while (w < end) {
            const int32_t b = *w++;
            kx += (b & 15) * x[0] + (b >> 4) * x[1];
            x += 2;
        }
        if ((cols & 1) != 0) {
            kx += (*w & 15) * x[0];
        }
    } else {
        const uint8_t *end = w + cols / 4;
        int32_t c;
        while (w < end) {
            const int32_t b = *w++;
            kx += (b & 3) * x[0] + ((b >> 2) & 3) * x[1] + ((b >> 4) & 3) * x[2] + (b >> 6) * x[3];
            x += 4;
        }
        for (c = 0; c < (cols & 3); c++) {
            kx += ((*w >> (2 * c)) & 3) * x[c];
        }
    }
    return (int32_t)((int64_t)m->code_scale * kx - (int64_t)m->code_offset * v->sum);
}

/**
 * sum_c w[r][c] x_c of row r of `m` with an int16 vector x (a recurrent layer's int16 state), exactly
 * in int64 (|w x| <= 15 * 32768 per term).
 */
static inline int64_t mcu_sub8_dot_s16(const mcu_sub8_matrix_t *m, int32_t cols, int32_t r, const int16_t *x)
{
    const uint8_t *w = m->codes + (size_t)r * (size_t)mcu_sub8_row_bytes(cols, m->bits);
    const int32_t per = 8 / m->bits;
    const int32_t mask = (1 << m->bits) - 1;
    int64_t kx = 0;
    int64_t sx = 0;
    int32_t c;
    for (c = 0; c < cols; c++) {
        const int32_t k = (w[c / per] >> (m->bits * (c % per))) & mask;
        kx += (int64_t)k * x[c];
        sx += x[c];
    }
    return m->code_scale * kx - m->code_offset * sx;
}

#endif /* MCU_SUB8_INTERNAL_H */
