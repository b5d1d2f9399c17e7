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
#include "mcu_activation_internal.h"
#include "mcu_fixed.h"
#include "mcu_matvec.h"
#include "mcu_nn_internal.h"
#include "mcu_rnn.h"

#if defined(__ARM_FEATURE_DSP) && !defined(MCU_PORTABLE_ONLY)
#include <arm_acle.h> /* __qadd, __ssat */
#endif

/*
 * Layer norm runs once per gate and step, outside the row loops; kept out of line (where the compiler
 * allows saying so) so that it does not take registers from the gate loops it would be inlined into.
 */
#if defined(__GNUC__)
#define MCU_RNN_COLD __attribute__((noinline, cold))
#else
#define MCU_RNN_COLD
#endif

/** RecurrentMath.sat32. */
static inline int32_t mcu_rnn_sat32(int64_t x)
{
    return x < INT32_MIN ? INT32_MIN : (x > INT32_MAX ? INT32_MAX : (int32_t)x);
}

/**
 * sat16(sat32(x)) of an exact int64 sum: saturating to int32 first cannot change the int16 result (it
 * is monotone and keeps [-32768, 32767]), so one clamp of the int64 does both.
 */
static inline int16_t mcu_rnn_sat16_s64(int64_t x)
{
    return (int16_t)(x < INT16_MIN ? INT16_MIN : (x > INT16_MAX ? INT16_MAX : x));
}

/**
 * sat16(sat32(a + b)) with a + b exact (the gate sum of GateKernel.run without a peephole). On cores
 * with the DSP extension QADD is sat32 of the exact sum and SSAT the int16 clamp: two instructions
 * for what costs a 64-bit add and two 64-bit compares in the portable form.
 */
static inline int16_t mcu_rnn_add_sat16(int32_t a, int32_t b)
{
#if defined(__ARM_FEATURE_DSP) && !defined(MCU_PORTABLE_ONLY)
    return (int16_t)mcu_ssat16_acle(__qadd(a, b));
#else
    return mcu_rnn_sat16_s64((int64_t)a + (int64_t)b);
#endif
}

/** clamp(x, lo, hi) of an int64 (RecurrentMath.saturate). */
static inline int32_t mcu_rnn_clamp64(int64_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : (x > hi ? hi : (int32_t)x);
}

/**
 * rdivpot(x, shift) for |x| <= 2^30 (products of two int16, the GRU's convex combination), shift in
 * [0, 31]: x is never INT32_MIN, so the mask-free mcu_rdivpot_nomin_s32() applies.
 */
static inline int32_t mcu_rnn_round_shift(int32_t x, int32_t shift)
{
    return shift > 0 ? mcu_rdivpot_nomin_s32(x, shift) : x;
}

/** RecurrentMath.mulShift: rdivpot(a * b, shift) of two int16 values (exact in int32). */
static inline int32_t mcu_rnn_mul_shift(int32_t a, int32_t b, int32_t shift)
{
    return mcu_rnn_round_shift(a * b, shift);
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

/*
 * Four PLAIN rows at once on an int16 vector (the GRU's recurrent product on the int16 state) where
 * there is no SMLAD: one load of x_c serves the 4 rows. Every partial sum over at most
 * MCU_RNN_S16_CHUNK columns is exact in int32 (127 * 32768 * 511 < 2^31); the chunks are summed in
 * int64 with the bias, so acc[q] is mcu_rnn_row_acc_s16() of row r0 + q, another summation order of
 * the same exact integers.
 */
#if !defined(MCU_MATVEC_HAVE_DSP) && !defined(__ARM_ARCH_6M__)
#define MCU_RNN_HAVE_ROWS4_S16 1
#define MCU_RNN_S16_CHUNK 511

#if defined(__ARM_ARCH_7M__) && defined(__GNUC__) && !defined(MCU_MATVEC_PORTABLE)
/* One column of the 4 rows: LDRSB of each row's weight, MLA with the column's input v. */
#define MCU_RNN_M3_MAC(p, a) "ldrsb %[t], [%[" p "]], #1\n\t" "mla %[" a "], %[t], %[v], %[" a "]\n\t"
#define MCU_RNN_M3_COL                                                                                       \
    "ldrsh %[v], [%[xp]], #2\n\t" MCU_RNN_M3_MAC("p0", "a0") MCU_RNN_M3_MAC("p1", "a1") MCU_RNN_M3_MAC("p2", "a2") \
        MCU_RNN_M3_MAC("p3", "a3")
/**
 * Cortex-M3: a[q] += sum over k in [0, n) of w_q[k] x[k], n a positive multiple of 4, for the 4 rows
 * w_q = w + q * stride: one LDRSH per column serves the 4 rows (LDRSB + MLA per MAC), 4 columns per
 * iteration. The caller keeps n <= MCU_RNN_S16_CHUNK, so the int32 sums are exact.
 */
static inline __attribute__((always_inline)) void mcu_rnn_m3_rows4_s16(const int8_t *w, int32_t stride,
                                                                        const int16_t *x, int32_t n, int32_t a[4])
{
    const int8_t *p0 = w;
    const int8_t *p1 = w + stride;
    const int8_t *p2 = p1 + stride;
    const int8_t *p3 = p2 + stride;
    const int16_t *xp = x;
    const int16_t *const end = x + n;
    int32_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    int32_t v, t;
    __asm__ volatile("1:\n\t" MCU_RNN_M3_COL MCU_RNN_M3_COL MCU_RNN_M3_COL MCU_RNN_M3_COL
                     "cmp %[xp], %[end]\n\t"
                     "bne 1b\n\t"
                     : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [xp] "+r"(xp), [p0] "+r"(p0),
                       [p1] "+r"(p1), [p2] "+r"(p2), [p3] "+r"(p3), [v] "=&r"(v), [t] "=&r"(t)
                     : [end] "r"(end)
                     : "memory", "cc");
    a[0] = a0;
    a[1] = a1;
    a[2] = a2;
    a[3] = a3;
}
#undef MCU_RNN_M3_COL
#undef MCU_RNN_M3_MAC
#endif

/** acc[q] = mcu_rnn_row_acc_s16(m, r0 + q, x) for q in 0..3 (PLAIN weights, r0 + 3 < rows). */
#define MCU_ROWS4_NAME mcu_rnn_rows4_acc_s16
#define MCU_ROWS4_T int16_t
#if defined(__ARM_ARCH_7M__) && defined(__GNUC__) && !defined(MCU_MATVEC_PORTABLE)
#define MCU_ROWS4_M3_ASM 1
#else
#define MCU_ROWS4_M3_ASM 0
#endif
#include "mcu_rnn_rows4_impl.h"

/**
 * acc[q] = mcu_rnn_row_acc_s8(m, r0 + q, x) for q in 0..3 (PLAIN weights, r0 + 3 < rows): as
 * mcu_rnn_rows4_acc_s16() on an int8 vector (|w x| <= 127 * 128, the same chunks are exact).
 */
#define MCU_ROWS4_NAME mcu_rnn_rows4_acc_s8
#define MCU_ROWS4_T int8_t
#define MCU_ROWS4_M3_ASM 0
#include "mcu_rnn_rows4_impl.h"
#endif

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

/**
 * The `integer_bits` of the sigmoid / tanh input for QActivation input_frac_bits f, and the left
 * shift that first saturates an input coarser than Q7.8 to Q7.8 (0 when none).
 */
static inline int32_t mcu_rnn_act_m(int32_t frac_bits, int32_t *pre_shift)
{
    const int32_t m = 15 - frac_bits;
    *pre_shift = m > 7 ? m - 7 : 0;
    return m > 7 ? 7 : m;
}

/** QActivation.apply on one int16 value. */
static inline int16_t mcu_rnn_activation(const mcu_rnn_act_t *a, int32_t x)
{
    int32_t pre;
    int32_t m;
    int16_t v;
    switch (a->function) {
    case MCU_RNN_ACT_SIGMOID:
    case MCU_RNN_ACT_TANH:
        m = mcu_rnn_act_m(a->input_frac_bits, &pre);
        v = pre > 0 ? mcu_sat_s16(mcu_shl_sat_s32(x, pre)) : (int16_t)x;
        if (a->function == MCU_RNN_ACT_SIGMOID) {
            return a->impl == MCU_RNN_IMPL_POLY ? mcu_sigmoid_poly_s16(v, m) : mcu_sigmoid_lut_inline_s16(v, m);
        }
        return a->impl == MCU_RNN_IMPL_POLY ? mcu_tanh_poly_s16(v, m) : mcu_tanh_lut_inline_s16(v, m);
    case MCU_RNN_ACT_HARD_SIGMOID:
        return mcu_rnn_hard_sigmoid(x, a->input_frac_bits);
    case MCU_RNN_ACT_RELU:
        return (int16_t)(x > 0 ? x : 0);
    default:
        return (int16_t)x;
    }
}

/**
 * QActivation.apply on `v[0..n)` in place, `out[i] = act(v[i])` (out may equal v). The function,
 * the implementation and the input format are the same for every element, so they are decided once
 * here, not per element: each case is a tight loop, and the Q3.12 gate format (m = 3, no pre-shift),
 * the common case, gets loops with m a constant so the table index arithmetic folds.
 */
static inline void mcu_rnn_activation_vec(const mcu_rnn_act_t *a, const int16_t *v, int16_t *out, int32_t n)
{
    int32_t pre;
    const int32_t m = mcu_rnn_act_m(a->input_frac_bits, &pre);
    const int32_t lut = a->impl != MCU_RNN_IMPL_POLY;
    int32_t i;
    if ((a->function == MCU_RNN_ACT_SIGMOID || a->function == MCU_RNN_ACT_TANH) && pre > 0) {
        for (i = 0; i < n; i++) {
            out[i] = mcu_rnn_activation(a, v[i]);
        }
    } else if (a->function == MCU_RNN_ACT_SIGMOID && lut && m == MCU_GATE_INTEGER_BITS) {
        for (i = 0; i < n; i++) {
            out[i] = mcu_sigmoid_lut_inline_s16(v[i], MCU_GATE_INTEGER_BITS);
        }
    } else if (a->function == MCU_RNN_ACT_TANH && lut && m == MCU_GATE_INTEGER_BITS) {
        for (i = 0; i < n; i++) {
            out[i] = mcu_tanh_lut_inline_s16(v[i], MCU_GATE_INTEGER_BITS);
        }
    } else if (a->function == MCU_RNN_ACT_SIGMOID && lut) {
        for (i = 0; i < n; i++) {
            out[i] = mcu_sigmoid_lut_inline_s16(v[i], m);
        }
    } else if (a->function == MCU_RNN_ACT_TANH && lut) {
        for (i = 0; i < n; i++) {
            out[i] = mcu_tanh_lut_inline_s16(v[i], m);
        }
    } else if (a->function == MCU_RNN_ACT_SIGMOID) {
        for (i = 0; i < n; i++) {
            out[i] = mcu_sigmoid_poly_s16(v[i], m);
        }
    } else if (a->function == MCU_RNN_ACT_TANH) {
        for (i = 0; i < n; i++) {
            out[i] = mcu_tanh_poly_s16(v[i], m);
        }
    } else if (a->function == MCU_RNN_ACT_HARD_SIGMOID) {
        for (i = 0; i < n; i++) {
            out[i] = mcu_rnn_hard_sigmoid(v[i], a->input_frac_bits);
        }
    } else if (a->function == MCU_RNN_ACT_RELU) {
        for (i = 0; i < n; i++) {
            out[i] = (int16_t)(v[i] > 0 ? v[i] : 0);
        }
    } else if (out != v) {
        for (i = 0; i < n; i++) {
            out[i] = v[i];
        }
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
#if defined(__GNUC__) && !defined(MCU_PORTABLE_ONLY)
    /* CLZ (twice on 32-bit cores) instead of up to 64 loop turns, twice per layer-norm gate and step */
    return x == 0 ? 0 : 64 - __builtin_clzll(x);
#else
    int32_t n = 0;
    while (x != 0) {
        n++;
        x >>= 1;
    }
    return n;
#endif
}

/**
 * RecurrentMath.layerNorm in place: `v[0..n)` holds the int16 accumulator on entry and the int16
 * pre-activation on return.
 */
MCU_RNN_COLD static void mcu_rnn_layer_norm(const mcu_rnn_gate_t *g, int16_t *v, int32_t n)
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
    const int32_t sx = mcu_nn_rescale(acc_x, &g->input.rescale);
    const int32_t sh = mcu_nn_rescale(acc_h, &g->recurrent.rescale);
    if (g->peephole != NULL) {
        /* three terms: sat32 of the exact sum, not of a saturated partial sum */
        return mcu_rnn_sat16_s64((int64_t)sx + sh + mcu_nn_rescale((int32_t)g->peephole[j] * (int32_t)c[j],
                                                                   &g->peephole_rescale));
    }
    return mcu_rnn_add_sat16(sx, sh);
}

/*
 * The lean gate sum. GateKernel.run's row value sat16(sat32(R_in(acc_x) + R_rec(acc_h))) (no
 * peephole) when both rescales are of the multiplier form with shift e = -right, right >= 1 (the
 * usual one: accumulator scales are far below a Q3.12 step) and both accumulators are |acc| < 2^30:
 * then mcu_matvec_requant_x2() gives R(acc) exactly (its proof), |R(acc)| <= |acc| + 1 <= 2^30 as
 * M < 2^31, so the int32 sum of the two is exact and sat32 is the identity: one saturation to int16.
 * The constants are loaded once per gate (mcu_rnn_lean_init()); the bound on |acc| is tested per
 * row on what is cheap there (the bias, with a per-gate bound on the dot products), and a row that
 * fails it takes mcu_rnn_gate_sum(): the same integers, the long way.
 */

/** Largest int8-input columns with |dot| <= 127 * 128 cols < 2^29 (so |bias + dot| < 2^30 when |bias| < 2^29). */
#define MCU_RNN_LEAN_COLS_S8 33025

/** The per-gate constants of mcu_rnn_gate_sum_lean(). */
typedef struct {
    int32_t mx, halfx, rx; /**< input rescale: multiplier, 2^(right-1), right */
    int32_t mh, halfh, rh; /**< recurrent rescale, likewise */
} mcu_rnn_lean_t;

/** 1 when r is of the multiplier form with shift in [-31, -1] (mcu_matvec_requant_x2()'s domain). */
static inline int32_t mcu_rnn_lean_form(const mcu_rescale_t *r)
{
    return r->multiplier != 0 && r->shift <= -1 && r->shift >= -31;
}

/** 1 (and k filled) when both rescales are of the lean form (the sum of two rescaled products). */
static inline int32_t mcu_rnn_lean_pair(const mcu_rescale_t *in, const mcu_rescale_t *rec, mcu_rnn_lean_t *k)
{
    if (!mcu_rnn_lean_form(in) || !mcu_rnn_lean_form(rec)) {
        return 0;
    }
    k->mx = in->multiplier;
    k->rx = -in->shift;
    k->halfx = (int32_t)((uint32_t)1 << (k->rx - 1));
    k->mh = rec->multiplier;
    k->rh = -rec->shift;
    k->halfh = (int32_t)((uint32_t)1 << (k->rh - 1));
    return 1;
}

/** 1 (and k filled) when the lean sum applies to gate g (no peephole, both rescales of the form). */
static inline int32_t mcu_rnn_lean_init(const mcu_rnn_gate_t *g, mcu_rnn_lean_t *k)
{
    return g->peephole == NULL && mcu_rnn_lean_pair(&g->input.rescale, &g->recurrent.rescale, k);
}

/** 1 when a lies in [-2^30, 2^30) (mcu_rnn_gate_sum_lean()'s domain). */
static inline int32_t mcu_rnn_below30(int32_t a)
{
    return (((uint32_t)a + ((uint32_t)1 << 30)) >> 31) == 0u;
}

/** 1 when b lies in [-2^29, 2^29) (one add and a shift). */
static inline int32_t mcu_rnn_below29(int32_t b)
{
    return (((uint32_t)b + ((uint32_t)1 << 29)) >> 30) == 0u;
}

/** mcu_rnn_gate_sum() without a peephole for |acc_x|, |acc_h| < 2^30 and a lean gate (see above). */
MCU_MATVEC_INLINE int16_t mcu_rnn_gate_sum_lean(const mcu_rnn_lean_t *k, int32_t acc_x, int32_t acc_h)
{
    return mcu_sat_s16(mcu_matvec_requant_x2(2 * acc_x, k->mx, k->halfx, k->rx)
                       + mcu_matvec_requant_x2(2 * acc_h, k->mh, k->halfh, k->rh));
}

/** GateKernel.run after the sums, in place on `v[0..units)`: layer norm (when present), then the activation. */
static inline void mcu_rnn_gate_finish(const mcu_rnn_gate_t *g, int16_t *v)
{
    if (g->ln_coefficients != NULL) {
        mcu_rnn_layer_norm(g, v, g->input.rows);
    }
    mcu_rnn_activation_vec(&g->activation, v, v, g->input.rows);
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
    mcu_rnn_lean_t k = {0, 0, 0, 0, 0, 0}; /* set by mcu_rnn_lean_init() when lean (zeroed: -Wmaybe-uninitialized) */
    const int32_t lean = packed && mcu_rnn_lean_init(g, &k) && g->input.cols <= MCU_RNN_LEAN_COLS_S8
                         && g->recurrent.cols <= MCU_RNN_LEAN_COLS_S8;
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
            if (lean) {
                /* |dot| < 2^29 (the columns bound): with |bias| < 2^29 each sum is exact in int32 and < 2^30 */
                const int32_t *bxp = g->input.bias + 4 * q4;
                const int32_t *bhp = g->recurrent.bias + 4 * q4;
                for (q = 0; q < n; q++) {
                    const int32_t b1 = bxp[q];
                    const int32_t b2 = bhp[q];
                    if (mcu_rnn_below29(b1) && mcu_rnn_below29(b2)) {
                        out[4 * q4 + q] = mcu_rnn_gate_sum_lean(&k, b1 + ax[q], b2 + ah[q]);
                    } else {
                        out[4 * q4 + q] = mcu_rnn_gate_sum(g, 4 * q4 + q, mcu_rnn_sat32((int64_t)b1 + ax[q]),
                                                           mcu_rnn_sat32((int64_t)b2 + ah[q]), c);
                    }
                }
                continue;
            }
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
    mcu_rnn_lean_t k = {0, 0, 0, 0, 0, 0}; /* set by mcu_rnn_lean_init() when lean (zeroed: -Wmaybe-uninitialized) */
    const int32_t lean = packed && mcu_rnn_lean_init(g, &k) && g->input.cols <= MCU_RNN_LEAN_COLS_S8;
    int32_t q4;
    mcu_matvec_s8_begin(&mx, g->input.weight_layout, g->input.weights, g->input.cols, x, bx.h, bx.w,
                        MCU_RNN_MATVEC_CHUNK);
    for (q4 = 0; 4 * q4 < rows; q4++) {
        int32_t ax[4];
        int32_t q;
        const int32_t n = rows - 4 * q4 < 4 ? rows - 4 * q4 : 4;
        if (packed) {
            mcu_matvec_s8_group(&mx, q4, ax);
            if (lean) {
                /* the input sum as in mcu_rnn_gate_s8_s8; the recurrent one arrives saturated, tested as it is */
                const int32_t *bxp = g->input.bias + 4 * q4;
                int32_t ah[4];
#ifdef MCU_RNN_HAVE_ROWS4_S16
                if (n == 4 && g->recurrent.weight_layout == MCU_WLAYOUT_PLAIN) {
                    mcu_rnn_rows4_acc_s16(&g->recurrent, 4 * q4, h, ah);
                } else
#endif
                {
                    for (q = 0; q < n; q++) {
                        ah[q] = mcu_rnn_row_acc_s16(&g->recurrent, 4 * q4 + q, h);
                    }
                }
                for (q = 0; q < n; q++) {
                    const int32_t b1 = bxp[q];
                    const int32_t a2 = ah[q];
                    if (mcu_rnn_below29(b1) && mcu_rnn_below30(a2)) {
                        out[4 * q4 + q] = mcu_rnn_gate_sum_lean(&k, b1 + ax[q], a2);
                    } else {
                        out[4 * q4 + q] = mcu_rnn_gate_sum(g, 4 * q4 + q, mcu_rnn_sat32((int64_t)b1 + ax[q]), a2, c);
                    }
                }
                continue;
            }
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
