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
