/**
 * @file mcu_rnn_internal.h
 * @brief Shared integer steps of the mcu_rnn.h kernels (not public API), matching the Java
 *        `dev.mcugen.ir.sim.RecurrentMath`, `GateKernel` and `QActivation.apply` one for one.
 */
#ifndef MCU_RNN_INTERNAL_H
#define MCU_RNN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "mcu_activation.h"
#include "mcu_fixed.h"
#include "mcu_matvec.h"
#include "mcu_nn_internal.h"
#include "mcu_rnn.h"

/** RecurrentMath.sat32. */
static inline int32_t mcu_rnn_sat32(int64_t x)
{
    return x < INT32_MIN ? INT32_MIN : (x > INT32_MAX ? INT32_MAX : (int32_t)x);
}

/** clamp(x, lo, hi) of an int64 (RecurrentMath.saturate). */
static inline int32_t mcu_rnn_clamp64(int64_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : (x > hi ? hi : (int32_t)x);
}

/** RecurrentMath.mulShift: rdivpot(a * b, shift) of two int16 values (exact in int32). */
static inline int32_t mcu_rnn_mul_shift(int32_t a, int32_t b, int32_t shift)
{
    return mcu_rdivpot_s32(a * b, shift);
}

/**
 * Row r of QMatVec on an int8 vector, before the rescale is applied: sat32(bias + sum w x), summed
 * exactly in int64 (|w x| <= 127 * 128 per term). Any weight layout (packed ones element by element:
 * the gates read those four rows at a time, mcu_rnn_gate_s8_s8).
 */
static inline int32_t mcu_rnn_row_acc_s8(const mcu_rnn_matvec_t *m, int32_t r, const int8_t *x)
{
    const int8_t *w = m->weights + (size_t)r * (size_t)m->cols;
    int64_t acc = m->bias[r];
    int32_t c;
    if (m->weight_layout != MCU_WLAYOUT_PLAIN) {
        for (c = 0; c < m->cols; c++) {
            acc += mcu_matvec_weight(m->weights, m->weight_layout, m->cols, r, c) * (int32_t)x[c];
        }
        return mcu_rnn_sat32(acc);
    }
    /* int32 partial sums (exact: |w x| <= 127 * 128), one int64 addition per row */
    {
        int32_t a32 = 0;
        for (c = 0; c < m->cols; c++) {
            a32 += (int32_t)w[c] * (int32_t)x[c];
        }
        acc += a32;
    }
    return mcu_rnn_sat32(acc);
}

/**
 * Row r of QMatVec on an int16 vector (the int16 states, and x / h / m with --precision int16),
 * before the rescale: sat32(bias + sum w x), summed exactly in int64 (|w x| <= 127 * 32768 per term,
 * so the int64 sum cannot overflow for any cols < 2^47; QMatVec.wideAccumulator may be true). Any
 * weight layout (the generator keeps int16-input matrices PLAIN).
 */
static inline int32_t mcu_rnn_row_acc_s16(const mcu_rnn_matvec_t *m, int32_t r, const int16_t *x)
{
    const int8_t *w = m->weights + (size_t)r * (size_t)m->cols;
    int64_t acc = m->bias[r];
    int32_t c;
    if (m->weight_layout != MCU_WLAYOUT_PLAIN) {
        for (c = 0; c < m->cols; c++) {
            acc += mcu_matvec_weight(m->weights, m->weight_layout, m->cols, r, c) * (int32_t)x[c];
        }
        return mcu_rnn_sat32(acc);
    }
    c = 0;
#ifdef MCU_MATVEC_HAVE_DSP
    /* SMLAD on chunks of up to 256 columns, each exact in int32, summed in int64 */
    for (; c + 4 <= m->cols; c += 256) {
        const int32_t n = (m->cols - c < 256 ? m->cols - c : 256) & ~(int32_t)3;
        acc += mcu_matvec_dsp_dot_s16(w + c, x + c, n);
        if (n < 256) {
            c += n;
            break;
        }
    }
#endif
#ifdef __ARM_ARCH_6M__
    /* Cortex-M0 has no 64-bit multiply-accumulate: int32 partial sums over at most 256 columns
     * (exact: 127 * 32768 * 256 < 2^30), summed in int64 */
    while (c < m->cols) {
        const int32_t end = m->cols - c > 256 ? c + 256 : m->cols;
        int32_t a32 = 0;
        for (; c < end; c++) {
            a32 += (int32_t)w[c] * (int32_t)x[c];
        }
        acc += a32;
    }
#endif
    for (; c < m->cols; c++) {
        acc += (int32_t)w[c] * (int32_t)x[c];
    }
    return mcu_rnn_sat32(acc);
}

/**
 * Columns of the prepared-input buffers of the gates (two on the stack: 256 bytes each on DSP,
 * 512 on Cortex-M3); wider inputs are prepared per chunk.
 */
#define MCU_RNN_MATVEC_CHUNK 128

/** QActivation.hardSigmoid: clamp(16384 + round(x 2^(15-f) / 5), 0, 32767). */
static inline int16_t mcu_rnn_hard_sigmoid(int32_t x, int32_t frac_bits)
{
    const int32_t n = x * ((int32_t)1 << (15 - frac_bits));
    const int32_t q = (n + (n >= 0 ? 2 : -2)) / 5;
    return (int16_t)mcu_clamp_s32(16384 + q, 0, 32767);
}

/** QActivation.apply on one int16 value. */
static inline int16_t mcu_rnn_activation(const mcu_rnn_act_t *a, int32_t x)
{
    int32_t m;
    int16_t v;
    switch (a->function) {
    case MCU_RNN_ACT_SIGMOID:
    case MCU_RNN_ACT_TANH:
        m = 15 - a->input_frac_bits;
        v = (int16_t)x;
        if (m > 7) {
            v = mcu_sat_s16(mcu_shl_sat_s32(x, m - 7));
            m = 7;
        }
        if (a->function == MCU_RNN_ACT_SIGMOID) {
            return a->impl == MCU_RNN_IMPL_POLY ? mcu_sigmoid_poly_s16(v, m) : mcu_sigmoid_lut_s16(v, m);
        }
        return a->impl == MCU_RNN_IMPL_POLY ? mcu_tanh_poly_s16(v, m) : mcu_tanh_lut_s16(v, m);
    case MCU_RNN_ACT_HARD_SIGMOID:
        return mcu_rnn_hard_sigmoid(x, a->input_frac_bits);
    case MCU_RNN_ACT_RELU:
        return (int16_t)(x > 0 ? x : 0);
    default:
        return (int16_t)x;
    }
}

/** RecurrentMath.isqrt: floor(sqrt(x)) for 0 <= x < 2^62, bit by bit. */
static inline uint64_t mcu_rnn_isqrt(uint64_t x)
{
    uint64_t result = 0;
    uint64_t bit = (uint64_t)1 << 62;
    uint64_t rem = x;
    while (bit > x) {
        bit >>= 2;
    }
    while (bit != 0) {
        if (rem >= result + bit) {
            rem -= result + bit;
            result = (result >> 1) + bit;
        } else {
            result >>= 1;
        }
        bit >>= 2;
    }
    return result;
}

/** Bit length of a positive value (64 - numberOfLeadingZeros). */
static inline int32_t mcu_rnn_bit_length(uint64_t x)
{
    int32_t n = 0;
    while (x != 0) {
        n++;
        x >>= 1;
    }
    return n;
}

/**
 * RecurrentMath.layerNorm in place: `v[0..n)` holds the int16 accumulator on entry and the int16
 * pre-activation on return.
 */
static inline void mcu_rnn_layer_norm(const mcu_rnn_gate_t *g, int16_t *v, int32_t n)
{
    int64_t s = 0;
    int64_t q = 0;
    int64_t d;
    int32_t i;
    int32_t multiplier = 0;
    int32_t shift = 0;
    for (i = 0; i < n; i++) {
        s += v[i];
        q += (int32_t)v[i] * (int32_t)v[i];
    }
    d = (int64_t)n * q - s * s;
    if (d != 0) {
        const int32_t k = (62 - mcu_rnn_bit_length((uint64_t)d)) / 2;
        const uint64_t r = mcu_rnn_isqrt((uint64_t)d << (2 * k));
        int32_t bits = mcu_rnn_bit_length(r);
        uint64_t m = (((uint64_t)1 << (30 + bits)) + r / 2) / r;
        if (m == (uint64_t)1 << 31) {
            m = (uint64_t)1 << 30;
            bits--;
        }
        multiplier = (int32_t)m;
        shift = 11 + k - bits;
    }
    for (i = 0; i < n; i++) {
        int32_t norm = 0;
        int32_t acc;
        if (d != 0) {
            const int32_t centred = (int32_t)((int64_t)n * v[i] - s);
            norm = mcu_sat_s16(mcu_requant_s32(centred, multiplier, shift));
        }
        acc = mcu_rnn_sat32((int64_t)norm * g->ln_coefficients[i] + g->ln_bias[i]);
        v[i] = mcu_sat_s16(mcu_nn_rescale(acc, &g->ln_rescale));
    }
}

/**
 * GateKernel.run, row j before layer norm and activation: `sat16(sat32(R_in(acc_x) + R_rec(acc_h)
 * [+ R_p(P_j c_j)]))` from the two raw matVec accumulators of the row (`mcu_rnn_row_acc_*`).
 */
static inline int16_t mcu_rnn_gate_sum(const mcu_rnn_gate_t *g, int32_t j, int32_t acc_x, int32_t acc_h,
                                       const int16_t *c)
{
    int64_t sum = (int64_t)mcu_nn_rescale(acc_x, &g->input.rescale) + mcu_nn_rescale(acc_h, &g->recurrent.rescale);
    if (g->peephole != NULL) {
        sum += mcu_nn_rescale((int32_t)g->peephole[j] * (int32_t)c[j], &g->peephole_rescale);
    }
    return mcu_sat_s16(mcu_rnn_sat32(sum));
}

/** GateKernel.run after the sums, in place on `v[0..units)`: layer norm (when present), then the activation. */
static inline void mcu_rnn_gate_finish(const mcu_rnn_gate_t *g, int16_t *v)
{
    const int32_t units = g->input.rows;
    int32_t j;
    if (g->ln_coefficients != NULL) {
        mcu_rnn_layer_norm(g, v, units);
    }
    for (j = 0; j < units; j++) {
        v[j] = mcu_rnn_activation(&g->activation, v[j]);
    }
}

/*
 * GateKernel.run: `out[0..units)` = the gate's activation for input x, recurrent input h and cell c
 * (read only with a peephole, may be NULL without), one function per (x, h) element type pair.
 */

/**
 * x int8, h int8 (mcu_lstm_step_s8). With both matrices packed (mcu_matvec.h), four rows per pass of
 * each: the dot products are exact, so sat32(bias + dot) is the row accumulator of the PLAIN loop.
 * One call of mcu_rnn_gate_sum for both paths (code size).
 */
static inline void mcu_rnn_gate_s8_s8(const mcu_rnn_gate_t *g, const int8_t *x, const int8_t *h, const int16_t *c,
                                      int16_t *out)
{
    const int32_t rows = g->input.rows;
    const int32_t packed = g->input.weight_layout != MCU_WLAYOUT_PLAIN && g->recurrent.weight_layout != MCU_WLAYOUT_PLAIN;
    MCU_MATVEC_BUFFER(bx, MCU_RNN_MATVEC_CHUNK);
    MCU_MATVEC_BUFFER(bh, MCU_RNN_MATVEC_CHUNK);
    mcu_matvec_s8_t mx;
    mcu_matvec_s8_t mh;
    int32_t q4;
    mcu_matvec_s8_begin(&mx, g->input.weight_layout, g->input.weights, g->input.cols, x, bx.h, bx.w,
                        MCU_RNN_MATVEC_CHUNK);
    mcu_matvec_s8_begin(&mh, g->recurrent.weight_layout, g->recurrent.weights, g->recurrent.cols, h, bh.h, bh.w,
                        MCU_RNN_MATVEC_CHUNK);
    for (q4 = 0; 4 * q4 < rows; q4++) {
        int32_t ax[4];
        int32_t ah[4];
        int32_t q;
        const int32_t n = rows - 4 * q4 < 4 ? rows - 4 * q4 : 4;
        if (packed) {
            mcu_matvec_s8_group(&mx, q4, ax);
            mcu_matvec_s8_group(&mh, q4, ah);
            for (q = 0; q < n; q++) {
                ax[q] = mcu_rnn_sat32((int64_t)g->input.bias[4 * q4 + q] + ax[q]);
                ah[q] = mcu_rnn_sat32((int64_t)g->recurrent.bias[4 * q4 + q] + ah[q]);
            }
        } else {
            for (q = 0; q < n; q++) {
                ax[q] = mcu_rnn_row_acc_s8(&g->input, 4 * q4 + q, x);
                ah[q] = mcu_rnn_row_acc_s8(&g->recurrent, 4 * q4 + q, h);
            }
        }
        for (q = 0; q < n; q++) {
            out[4 * q4 + q] = mcu_rnn_gate_sum(g, 4 * q4 + q, ax[q], ah[q], c);
        }
    }
    mcu_rnn_gate_finish(g, out);
}

/** x int8, h int16 (mcu_gru_step_s8: the int16 state); a packed input matrix four rows per pass. */
static inline void mcu_rnn_gate_s8_s16(const mcu_rnn_gate_t *g, const int8_t *x, const int16_t *h, const int16_t *c,
                                       int16_t *out)
{
    const int32_t rows = g->input.rows;
    const int32_t packed = g->input.weight_layout != MCU_WLAYOUT_PLAIN;
    MCU_MATVEC_BUFFER(bx, MCU_RNN_MATVEC_CHUNK);
    mcu_matvec_s8_t mx;
    int32_t q4;
    mcu_matvec_s8_begin(&mx, g->input.weight_layout, g->input.weights, g->input.cols, x, bx.h, bx.w,
                        MCU_RNN_MATVEC_CHUNK);
    for (q4 = 0; 4 * q4 < rows; q4++) {
        int32_t ax[4];
        int32_t q;
        const int32_t n = rows - 4 * q4 < 4 ? rows - 4 * q4 : 4;
        if (packed) {
            mcu_matvec_s8_group(&mx, q4, ax);
            for (q = 0; q < n; q++) {
                ax[q] = mcu_rnn_sat32((int64_t)g->input.bias[4 * q4 + q] + ax[q]);
            }
        } else {
            for (q = 0; q < n; q++) {
                ax[q] = mcu_rnn_row_acc_s8(&g->input, 4 * q4 + q, x);
            }
        }
        for (q = 0; q < n; q++) {
            out[4 * q4 + q] = mcu_rnn_gate_sum(g, 4 * q4 + q, ax[q], mcu_rnn_row_acc_s16(&g->recurrent, 4 * q4 + q, h), c);
        }
    }
    mcu_rnn_gate_finish(g, out);
}

/** x int16, h int16 (the s16 kernels). */
static inline void mcu_rnn_gate_s16_s16(const mcu_rnn_gate_t *g, const int16_t *x, const int16_t *h,
                                        const int16_t *c, int16_t *out)
{
    int32_t j;
    for (j = 0; j < g->input.rows; j++) {
        out[j] = mcu_rnn_gate_sum(g, j, mcu_rnn_row_acc_s16(&g->input, j, x),
                                  mcu_rnn_row_acc_s16(&g->recurrent, j, h), c);
    }
    mcu_rnn_gate_finish(g, out);
}

#endif /* MCU_RNN_INTERNAL_H */
