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
#include "mcu_norm_internal.h"
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
        /* InverseSqrt: 2^10 / sqrt(d), the Q5.10 normalized value of QLayerNorm */
        mcu_norm_inv_sqrt(d, 10, &multiplier, &shift);
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
#ifdef MCU_MATVEC_HAVE_ROWS4
/*
 * Cortex-M3: mcu_matvec_requant_x2() of both accumulators in 17 instructions, the constants loaded
 * by LDRD pairs in the asm (in registers for the row, not spilled around a loop that holds the
 * block's accumulators). srdhm's h = floor((x2 M + 2^31) / 2^32) is the high word of SMULL plus the
 * carry out of adding 2^31 to the low word, i.e. hi + (lo >> 31); then rdivpot's
 * asr(h + half - (h < 0), right); SSAT is the int16 saturation.
 */
MCU_MATVEC_INLINE int16_t mcu_rnn_gate_sum_lean(const mcu_rnn_lean_t *k, int32_t acc_x, int32_t acc_h)
{
    int32_t r;
    int32_t t;
    int32_t lo;
    int32_t hi;
    int32_t m;
    int32_t half;
    int32_t sh;
    __asm__("lsl %[t], %[ax], #1\n\t"
            "ldrd %[m], %[half], [%[k]]\n\t"
            "smull %[lo], %[hi], %[t], %[m]\n\t"
            "add %[hi], %[hi], %[lo], lsr #31\n\t"
            "add %[r], %[hi], %[half]\n\t"
            "sub %[r], %[r], %[hi], lsr #31\n\t"
            "ldrd %[sh], %[m], [%[k], #8]\n\t"
            "asr %[r], %[r], %[sh]\n\t"
            "lsl %[t], %[ah], #1\n\t"
            "smull %[lo], %[hi], %[t], %[m]\n\t"
            "add %[hi], %[hi], %[lo], lsr #31\n\t"
            "ldrd %[half], %[sh], [%[k], #16]\n\t"
            "add %[t], %[hi], %[half]\n\t"
            "sub %[t], %[t], %[hi], lsr #31\n\t"
            "asr %[t], %[t], %[sh]\n\t"
            "add %[r], %[r], %[t]\n\t"
            "ssat %[r], #16, %[r]\n\t"
            : [r] "=&r"(r), [t] "=&r"(t), [lo] "=&r"(lo), [hi] "=&r"(hi), [m] "=&r"(m), [half] "=&r"(half),
              [sh] "=&r"(sh)
            : [ax] "r"(acc_x), [ah] "r"(acc_h), [k] "r"(k), "m"(*k));
    return (int16_t)r;
}
#else
MCU_MATVEC_INLINE int16_t mcu_rnn_gate_sum_lean(const mcu_rnn_lean_t *k, int32_t acc_x, int32_t acc_h)
{
    return mcu_sat_s16(mcu_matvec_requant_x2(2 * acc_x, k->mx, k->halfx, k->rx)
                       + mcu_matvec_requant_x2(2 * acc_h, k->mh, k->halfh, k->rh));
}
#endif

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
 * `pre`, when not NULL, holds the gate's input accumulators sat32(bias + W x) already
 * (mcu_rnn_input2_s8(): the batched input projection of a sequence) and x is not read.
 */

/** sat32(b + dot) of an exact dot product (one add when both are below 2^29). */
static inline int32_t mcu_rnn_bias_add(int32_t b, int32_t dot)
{
    return mcu_rnn_below29(b) && mcu_rnn_below29(dot) ? b + dot : mcu_rnn_sat32((int64_t)b + dot);
}

/**
 * Row j of the two-step product from its accumulator (mcu_matvec_pair2_split()): the first chunk
 * stores the dot products, later ones add theirs, the last adds the bias, saturated:
 * sat32(b + d) of the exact |d| < 2^29 (the columns bound) is one add when |b| < 2^29.
 */
MCU_MATVEC_INLINE void mcu_rnn_pair2_store(const int32_t *bias, int32_t j, uint32_t lo, uint32_t hi, int32_t first,
                                           int32_t last, int32_t *acc0, int32_t *acc1)
{
    int32_t d0;
    int32_t d1;
    mcu_matvec_pair2_split(lo, hi, &d0, &d1);
    if (!first) {
        d0 += acc0[j];
        d1 += acc1[j];
    }
    if (last) {
        const int32_t b = bias[j];
        if (mcu_rnn_below29(b)) {
            d0 += b;
            d1 += b;
        } else {
            d0 = mcu_rnn_sat32((int64_t)b + d0);
            d1 = mcu_rnn_sat32((int64_t)b + d1);
        }
    }
    acc0[j] = d0;
    acc1[j] = d1;
}

/**
 * The two-step product of columns [c0, c0 + n) of every row (prepared in xw), two rows per pass (j,
 * j + 1 within a group of 4; the layout pads rows to the group), into acc0 / acc1 as
 * mcu_rnn_pair2_store() says.
 */
MCU_MATVEC_INLINE void mcu_rnn_pair2_rows(const mcu_rnn_matvec_t *m, const int32_t *xw, int32_t c0, int32_t n,
                                          int32_t first, int32_t last, int32_t *acc0, int32_t *acc1)
{
    const int32_t rows = m->rows;
    const size_t group = 4u * (size_t)mcu_matvec_padded(m->cols);
    const int8_t *wg = m->weights + 4u * (size_t)c0;
    int32_t j;
    for (j = 0; j < rows; j += 4) {
        uint32_t lo0 = MCU_MATVEC_PAIR2_START;
        uint32_t lo1 = MCU_MATVEC_PAIR2_START;
        uint32_t hi0 = 0u;
        uint32_t hi1 = 0u;
        mcu_matvec_rows4_pair2_block(wg, xw, n, &lo0, &hi0, &lo1, &hi1);
        mcu_rnn_pair2_store(m->bias, j, lo0, hi0, first, last, acc0, acc1);
        if (j + 1 < rows) {
            mcu_rnn_pair2_store(m->bias, j + 1, lo1, hi1, first, last, acc0, acc1);
        }
        if (j + 2 < rows) {
            lo0 = MCU_MATVEC_PAIR2_START;
            lo1 = MCU_MATVEC_PAIR2_START;
            hi0 = 0u;
            hi1 = 0u;
            mcu_matvec_rows4_pair2_block(wg + 2, xw, n, &lo0, &hi0, &lo1, &hi1);
            mcu_rnn_pair2_store(m->bias, j + 2, lo0, hi0, first, last, acc0, acc1);
            if (j + 3 < rows) {
                mcu_rnn_pair2_store(m->bias, j + 3, lo1, hi1, first, last, acc0, acc1);
            }
        }
        wg += group;
    }
}

/**
 * The input product of a gate matrix for one or two time steps: acc0[r] = sat32(bias_r + W_r x0)
 * and, when x1 is not NULL, acc1[r] likewise for x1: the row accumulators of mcu_rnn_row_acc_s8(),
 * which the gates read through `pre`. ROWS4 with two steps takes the two-step product (mcu_matvec.h:
 * one weight load and one 64-bit multiply-accumulate per 2 MACs); the other layouts compute each
 * step's product as the gates would. Dense columns up to MCU_RNN_LEAN_COLS_S8 keep |dot| < 2^29.
 */
static inline void mcu_rnn_input2_s8(const mcu_rnn_matvec_t *m, const int8_t *x0, const int8_t *x1, int32_t *acc0,
                                     int32_t *acc1)
{
    const int32_t rows = m->rows;
    const int32_t cols_p = mcu_matvec_padded(m->cols);
    int32_t r;
    int32_t s;
    if (m->weight_layout == MCU_WLAYOUT_ROWS4 && x1 != NULL && m->cols <= MCU_RNN_LEAN_COLS_S8) {
        int32_t xw[MCU_RNN_MATVEC_CHUNK]; /* word aligned: LDM */
        int32_t c0;
        if (cols_p <= MCU_RNN_MATVEC_CHUNK) {
            /* the common case, one chunk: first and last are constants in the inlined rows loop */
            mcu_matvec_pair2_prepare(x0, x1, m->cols, 0, cols_p, xw);
            mcu_rnn_pair2_rows(m, xw, 0, cols_p, 1, 1, acc0, acc1);
            return;
        }
        for (c0 = 0; c0 < cols_p; c0 += MCU_RNN_MATVEC_CHUNK) {
            const int32_t n = cols_p - c0 < MCU_RNN_MATVEC_CHUNK ? cols_p - c0 : MCU_RNN_MATVEC_CHUNK;
            mcu_matvec_pair2_prepare(x0, x1, m->cols, c0, n, xw);
            mcu_rnn_pair2_rows(m, xw, c0, n, c0 == 0, c0 + n >= cols_p, acc0, acc1);
        }
        return;
    }
    for (s = 0; s < 2; s++) {
        const int8_t *x = s == 0 ? x0 : x1;
        int32_t *acc = s == 0 ? acc0 : acc1;
        if (x == NULL) {
            break;
        }
        if (m->weight_layout == MCU_WLAYOUT_PLAIN || m->cols > MCU_RNN_LEAN_COLS_S8) {
            r = 0;
#ifdef MCU_RNN_HAVE_ROWS4_S16
            for (; m->weight_layout == MCU_WLAYOUT_PLAIN && r + 4 <= rows; r += 4) {
                mcu_rnn_rows4_acc_s8(m, r, x, acc + r);
            }
#endif
            for (; r < rows; r++) {
                acc[r] = mcu_rnn_row_acc_s8(m, r, x);
            }
        } else {
            MCU_MATVEC_BUFFER(bx, MCU_RNN_MATVEC_CHUNK);
            mcu_matvec_s8_t mx;
            int32_t g;
            mcu_matvec_s8_begin(&mx, m->weight_layout, m->weights, m->cols, x, bx.h, bx.w, MCU_RNN_MATVEC_CHUNK);
            for (g = 0; 4 * g < rows; g++) {
                int32_t dot[4];
                int32_t q;
                mcu_matvec_s8_group(&mx, g, dot);
                for (q = 0; q < 4 && 4 * g + q < rows; q++) {
                    acc[4 * g + q] = mcu_rnn_bias_add(m->bias[4 * g + q], dot[q]);
                }
            }
        }
    }
}

#ifdef MCU_MATVEC_HAVE_ROWS4
/** 1 when both lie in [-2^30, 2^30) (mcu_rnn_below30() of each, one test). */
static inline int32_t mcu_rnn_below30_2(int32_t a, int32_t b)
{
    return ((((uint32_t)a + ((uint32_t)1 << 30)) | ((uint32_t)b + ((uint32_t)1 << 30))) >> 31) == 0u;
}

/** Row j of mcu_rnn_gate_rows_m3(): the lean sum, or the long way when an accumulator is too large. */
MCU_MATVEC_INLINE void mcu_rnn_gate_row_m3(const mcu_rnn_gate_t *g, const mcu_rnn_lean_t *k, int32_t j, int32_t ax,
                                           int32_t ah, const int16_t *c, int16_t *out)
{
    if (mcu_rnn_below30_2(ax, ah)) {
        out[j] = mcu_rnn_gate_sum_lean(k, ax, ah);
    } else {
        /* ah = bias + dot modulo 2^32 (the block wraps); |dot| < 2^29, so dot = ah - bias modulo 2^32 */
        const int32_t b = g->recurrent.bias[j];
        const uint32_t d = (uint32_t)ah - (uint32_t)b;
        const int32_t dot = d >= 0x80000000u ? -(int32_t)(~d) - 1 : (int32_t)d;
        out[j] = mcu_rnn_gate_sum(g, j, ax, mcu_rnn_sat32((int64_t)b + dot), c);
    }
}

/**
 * Cortex-M3, the rows of a lean gate whose input accumulators are given (`pre`) and whose ROWS4
 * recurrent matrix has all columns prepared in xw (cols_p of them), rows a multiple of 4: each
 * group's accumulators start at the bias, so the block kernel leaves bias + dot in registers
 * (modulo 2^32). When |bias + dot| < 2^30 that is the exact sum (had it wrapped, or were it
 * larger, it would lie outside: |bias| < 2^31, |dot| < 2^29), and the lean sum applies; else
 * the row recovers dot and takes mcu_rnn_gate_sum().
 */
static inline void mcu_rnn_gate_rows_m3(const mcu_rnn_gate_t *g, const mcu_rnn_lean_t *k, const int32_t *pre,
                                        const int32_t *xw, int32_t cols_p, const int16_t *c, int16_t *out)
{
    const int32_t rows = g->input.rows;
    const int8_t *w = g->recurrent.weights;
    const int32_t *bias = g->recurrent.bias;
    int32_t j;
    for (j = 0; j < rows; j += 4) {
        int32_t a[4];
        a[0] = bias[j];
        a[1] = bias[j + 1];
        a[2] = bias[j + 2];
        a[3] = bias[j + 3];
        mcu_matvec_rows4_block(w, xw, cols_p, a);
        w += 4 * cols_p;
        mcu_rnn_gate_row_m3(g, k, j, pre[j], a[0], c, out);
        mcu_rnn_gate_row_m3(g, k, j + 1, pre[j + 1], a[1], c, out);
        mcu_rnn_gate_row_m3(g, k, j + 2, pre[j + 2], a[2], c, out);
        mcu_rnn_gate_row_m3(g, k, j + 3, pre[j + 3], a[3], c, out);
    }
}
#endif

/**
 * x int8, h int8 (mcu_lstm_step_s8). With both matrices packed (mcu_matvec.h), four rows per pass of
 * each: the dot products are exact, so sat32(bias + dot) is the row accumulator of the PLAIN loop.
 * One call of mcu_rnn_gate_sum for both paths (code size).
 */
static inline void mcu_rnn_gate_s8_s8_x(const mcu_rnn_gate_t *g, const int8_t *x, const int8_t *h, const int16_t *c,
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

/**
 * x int8 given as its accumulators `pre` (sat32(bias + W x), mcu_rnn_input2_s8()), h int8: the
 * recurrent product as in mcu_rnn_gate_s8_s8_x(), four rows per pass when packed.
 */
static inline void mcu_rnn_gate_s8_s8_pre(const mcu_rnn_gate_t *g, const int32_t *pre, const int8_t *h,
                                          const int16_t *c, int16_t *out)
{
    const int32_t rows = g->input.rows;
    const int32_t packed = g->recurrent.weight_layout != MCU_WLAYOUT_PLAIN;
    MCU_MATVEC_BUFFER(bh, MCU_RNN_MATVEC_CHUNK);
    mcu_matvec_s8_t mh;
    mcu_rnn_lean_t k = {0, 0, 0, 0, 0, 0}; /* set by mcu_rnn_lean_init() when lean (zeroed: -Wmaybe-uninitialized) */
    const int32_t lean = packed && mcu_rnn_lean_init(g, &k) && g->recurrent.cols <= MCU_RNN_LEAN_COLS_S8;
    int32_t q4;
    mcu_matvec_s8_begin(&mh, g->recurrent.weight_layout, g->recurrent.weights, g->recurrent.cols, h, bh.h, bh.w,
                        MCU_RNN_MATVEC_CHUNK);
#ifdef MCU_MATVEC_HAVE_ROWS4
    if (lean && g->recurrent.weight_layout == MCU_WLAYOUT_ROWS4 && mh.whole && (rows & 3) == 0) {
        mcu_rnn_gate_rows_m3(g, &k, pre, mh.xw, mh.cols_p, c, out);
        mcu_rnn_gate_finish(g, out);
        return;
    }
#endif
    for (q4 = 0; 4 * q4 < rows; q4++) {
        int32_t ah[4];
        int32_t q;
        const int32_t n = rows - 4 * q4 < 4 ? rows - 4 * q4 : 4;
        const int32_t *bhp = g->recurrent.bias + 4 * q4;
        if (packed) {
            mcu_matvec_s8_group(&mh, q4, ah);
            for (q = 0; q < n; q++) {
                /* the input sum arrives saturated (pre), tested as it is; |dot| < 2^29, so with
                 * |bias| < 2^29 the recurrent sum is exact in int32 and < 2^30 */
                const int32_t a1 = pre[4 * q4 + q];
                const int32_t b2 = bhp[q];
                if (lean && mcu_rnn_below30(a1) && mcu_rnn_below29(b2)) {
                    out[4 * q4 + q] = mcu_rnn_gate_sum_lean(&k, a1, b2 + ah[q]);
                } else {
                    out[4 * q4 + q] = mcu_rnn_gate_sum(g, 4 * q4 + q, a1, mcu_rnn_sat32((int64_t)b2 + ah[q]), c);
                }
            }
        } else {
            for (q = 0; q < n; q++) {
                out[4 * q4 + q] = mcu_rnn_gate_sum(g, 4 * q4 + q, pre[4 * q4 + q],
                                                   mcu_rnn_row_acc_s8(&g->recurrent, 4 * q4 + q, h), c);
            }
        }
    }
    mcu_rnn_gate_finish(g, out);
}

/**
 * The gate of mcu_lstm_step_s8: mcu_rnn_gate_s8_s8_x() reading x, or mcu_rnn_gate_s8_s8_pre() when the
 * input accumulators are given (two bodies, so that each keeps its own register allocation).
 */
static inline void mcu_rnn_gate_s8_s8(const mcu_rnn_gate_t *g, const int8_t *x, const int32_t *pre, const int8_t *h,
                                      const int16_t *c, int16_t *out)
{
    if (pre == NULL) {
        mcu_rnn_gate_s8_s8_x(g, x, h, c, out);
    } else {
        mcu_rnn_gate_s8_s8_pre(g, pre, h, c, out);
    }
}

/** x int8, h int16 (mcu_gru_step_s8: the int16 state); a packed input matrix four rows per pass. */
static inline void mcu_rnn_gate_s8_s16(const mcu_rnn_gate_t *g, const int8_t *x, const int32_t *pre, const int16_t *h,
                                       const int16_t *c, int16_t *out)
{
    const int32_t rows = g->input.rows;
    const int32_t packed = g->input.weight_layout != MCU_WLAYOUT_PLAIN;
    MCU_MATVEC_BUFFER(bx, MCU_RNN_MATVEC_CHUNK);
    mcu_matvec_s8_t mx;
    mcu_rnn_lean_t k = {0, 0, 0, 0, 0, 0}; /* set by mcu_rnn_lean_init() when lean (zeroed: -Wmaybe-uninitialized) */
    const int32_t lean = packed && mcu_rnn_lean_init(g, &k) && g->input.cols <= MCU_RNN_LEAN_COLS_S8;
    int32_t q4;
    memset(&mx, 0, sizeof mx); /* begun only without pre (GCC cannot see that: -Wmaybe-uninitialized) */
    if (pre == NULL && packed) {
        mcu_matvec_s8_begin(&mx, g->input.weight_layout, g->input.weights, g->input.cols, x, bx.h, bx.w,
                            MCU_RNN_MATVEC_CHUNK);
    }
    for (q4 = 0; 4 * q4 < rows; q4++) {
        int32_t ax[4];
        int32_t q;
        const int32_t n = rows - 4 * q4 < 4 ? rows - 4 * q4 : 4;
        if (packed) {
            if (pre == NULL) {
                mcu_matvec_s8_group(&mx, q4, ax);
                for (q = 0; q < n; q++) {
                    ax[q] = mcu_rnn_bias_add(g->input.bias[4 * q4 + q], ax[q]);
                }
            } else {
                for (q = 0; q < n; q++) {
                    ax[q] = pre[4 * q4 + q];
                }
            }
            if (lean) {
                /* both sums arrive saturated, tested as they are */
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
                    const int32_t a2 = ah[q];
                    if (mcu_rnn_below30(ax[q]) && mcu_rnn_below30(a2)) {
                        out[4 * q4 + q] = mcu_rnn_gate_sum_lean(&k, ax[q], a2);
                    } else {
                        out[4 * q4 + q] = mcu_rnn_gate_sum(g, 4 * q4 + q, ax[q], a2, c);
                    }
                }
                continue;
            }
        } else {
            for (q = 0; q < n; q++) {
                ax[q] = pre != NULL ? pre[4 * q4 + q] : mcu_rnn_row_acc_s8(&g->input, 4 * q4 + q, x);
            }
        }
        for (q = 0; q < n; q++) {
            out[4 * q4 + q] = mcu_rnn_gate_sum(g, 4 * q4 + q, ax[q], mcu_rnn_row_acc_s16(&g->recurrent, 4 * q4 + q, h), c);
        }
    }
    mcu_rnn_gate_finish(g, out);
}

/** x int16, h int16 (the s16 kernels; `pre` as for the int8 gates). */
static inline void mcu_rnn_gate_s16_s16(const mcu_rnn_gate_t *g, const int16_t *x, const int32_t *pre,
                                        const int16_t *h, const int16_t *c, int16_t *out)
{
    int32_t j;
    for (j = 0; j < g->input.rows; j++) {
        out[j] = mcu_rnn_gate_sum(g, j, pre != NULL ? pre[j] : mcu_rnn_row_acc_s16(&g->input, j, x),
                                  mcu_rnn_row_acc_s16(&g->recurrent, j, h), c);
    }
    mcu_rnn_gate_finish(g, out);
}

#endif /* MCU_RNN_INTERNAL_H */
