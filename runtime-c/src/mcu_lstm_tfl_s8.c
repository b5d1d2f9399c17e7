/**
 * @file mcu_lstm_tfl_s8.c
 * @brief mcu_lstm_tfl_s8() (see mcu_tfl.h; Java `LstmTflCell.step`, `QLstmTfl`): one step of TFLite's
 *        integer LSTM: portable C, with an SXTB16 / SMLAD inner loop on cores with the DSP extension
 *        and a NEON one on AArch64 (the same integers: every sum is exact).
 */
#include <stddef.h>

#include "mcu_activation_internal.h"
#include "mcu_fixed.h"
#include "mcu_matvec.h"
#include "mcu_tfl.h"

/** The gates' pre-activations are Q3.12 (TFLite's nonlinear input scale 2^-12). */
#define MCU_LSTM_TFL_GATE_INTEGER_BITS 3

/** The largest integer bits the table sigmoid / tanh take (mcu_activation.h). */
#define MCU_LSTM_TFL_MAX_INTEGER_BITS 7

#ifdef MCU_MATVEC_HAVE_DSP
/** SXTB16 of w rotated right by 8 bits: the halfword pair (b1, b3) of a little-endian word, one instruction. */
static inline int32_t mcu_lstm_tfl_sxtb16_ror8(uint32_t w)
{
    int32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(w));
    return r;
}
#endif

/**
 * acc[q] = bias[r0 + q] + sum_k w[(r0 + q) * n + k] * v[k] for q in [0, count), count <= 4: up to four
 * rows per pass over v (each v[k] loaded once for them). Exact in int32: every row's
 * |bias| + 128 sum |w| <= 2^31 - 1 (QLstmTfl.Gate checks it).
 */
static void mcu_lstm_tfl_rows(const int8_t *w, const int32_t *bias, const int8_t *v, int32_t n, int32_t r0,
                              int32_t count, int32_t acc[4])
{
    const int8_t *w0 = w + (size_t)r0 * (size_t)n;
    int32_t k;
    if (count == 4) {
        const int8_t *w1 = w0 + n;
        const int8_t *w2 = w1 + n;
        const int8_t *w3 = w2 + n;
        int32_t a0 = bias[r0];
        int32_t a1 = bias[r0 + 1];
        int32_t a2 = bias[r0 + 2];
        int32_t a3 = bias[r0 + 3];
        k = 0;
#ifdef MCU_MATVEC_HAVE_DSP
        /* four columns per turn: SXTB16 of a little-endian word gives the halfword pair (b0, b2), of
         * the word rotated by 8 (b1, b3); SMLAD adds both products of a pair (exact: the row bound
         * above keeps every partial sum in int32) */
        {
            /* one pointer and row offsets: the four rows' words are [p], [p + n], [p + 2n], [p + 3n] */
            const size_t n1 = (size_t)n;
            const size_t n2 = 2u * (size_t)n;
            const size_t n3 = 3u * (size_t)n;
            const int8_t *p = w0;
            for (; k + 4 <= n; k += 4, p += 4) {
                uint32_t vw;
                uint32_t ww;
                int32_t va;
                int32_t vb;
                __builtin_memcpy(&vw, v + k, 4u);
                va = __sxtb16((int32_t)vw);
                vb = mcu_lstm_tfl_sxtb16_ror8(vw);
                __builtin_memcpy(&ww, p, 4u);
                a0 = __smlad(__sxtb16((int32_t)ww), va, a0);
                a0 = __smlad(mcu_lstm_tfl_sxtb16_ror8(ww), vb, a0);
                __builtin_memcpy(&ww, p + n1, 4u);
                a1 = __smlad(__sxtb16((int32_t)ww), va, a1);
                a1 = __smlad(mcu_lstm_tfl_sxtb16_ror8(ww), vb, a1);
                __builtin_memcpy(&ww, p + n2, 4u);
                a2 = __smlad(__sxtb16((int32_t)ww), va, a2);
                a2 = __smlad(mcu_lstm_tfl_sxtb16_ror8(ww), vb, a2);
                __builtin_memcpy(&ww, p + n3, 4u);
                a3 = __smlad(__sxtb16((int32_t)ww), va, a3);
                a3 = __smlad(mcu_lstm_tfl_sxtb16_ror8(ww), vb, a3);
            }
        }
#elif defined(MCU_MATVEC_HAVE_NEON)
        /* eight columns per turn: VMULL.S8 (products within int16: |w v| <= 128 * 128) and pairwise
         * accumulation into int32 lanes, summed across the lanes at the end (exact, bounded as above) */
        {
            int32x4_t s0 = vdupq_n_s32(0);
            int32x4_t s1 = vdupq_n_s32(0);
            int32x4_t s2 = vdupq_n_s32(0);
            int32x4_t s3 = vdupq_n_s32(0);
            for (; k + 8 <= n; k += 8) {
                const int8x8_t vv = vld1_s8(v + k);
                s0 = vpadalq_s16(s0, vmull_s8(vld1_s8(w0 + k), vv));
                s1 = vpadalq_s16(s1, vmull_s8(vld1_s8(w1 + k), vv));
                s2 = vpadalq_s16(s2, vmull_s8(vld1_s8(w2 + k), vv));
                s3 = vpadalq_s16(s3, vmull_s8(vld1_s8(w3 + k), vv));
            }
            a0 += vaddvq_s32(s0);
            a1 += vaddvq_s32(s1);
            a2 += vaddvq_s32(s2);
            a3 += vaddvq_s32(s3);
        }
#endif
        for (; k < n; k++) {
            const int32_t vk = v[k];
            a0 += (int32_t)w0[k] * vk;
            a1 += (int32_t)w1[k] * vk;
            a2 += (int32_t)w2[k] * vk;
            a3 += (int32_t)w3[k] * vk;
        }
        acc[0] = a0;
        acc[1] = a1;
        acc[2] = a2;
        acc[3] = a3;
        return;
    }
    {
        int32_t q;
        for (q = 0; q < count; q++) {
            const int8_t *wq = w0 + (size_t)q * (size_t)n;
            int32_t a = bias[r0 + q];
            for (k = 0; k < n; k++) {
                a += (int32_t)wq[k] * (int32_t)v[k];
            }
            acc[q] = a;
        }
    }
}

/**
 * One gate (Java `LstmTflCell.gate`): pre = sat16(sat16(requant(input part)) + sat16(requant(recurrent
 * part))), each part TFLite's fully connected int8 -> int16 with MultiplyByQuantizedMultiplier
 * (mcu_requant_s32(), double rounding), then the table sigmoid or tanh on Q3.12.
 */
static void mcu_lstm_tfl_gate(const mcu_lstm_tfl_gate_t *g, int32_t units, int32_t input_size, const int8_t *x,
                              const int8_t *h, int32_t sigmoid, int16_t *out)
{
    int32_t u;
    for (u = 0; u < units; u += 4) {
        const int32_t count = units - u < 4 ? units - u : 4;
        int32_t ax[4];
        int32_t ah[4];
        int32_t q;
        mcu_lstm_tfl_rows(g->input_weights, g->input_bias, x, input_size, u, count, ax);
        mcu_lstm_tfl_rows(g->recurrent_weights, g->recurrent_bias, h, units, u, count, ah);
        for (q = 0; q < count; q++) {
            const int32_t fx = mcu_sat_s16(mcu_requant_s32(ax[q], g->input_rescale.multiplier, g->input_rescale.shift));
            const int32_t fh = mcu_sat_s16(mcu_requant_s32(ah[q], g->recurrent_rescale.multiplier,
                                                           g->recurrent_rescale.shift));
            const int16_t pre = mcu_sat_s16(fx + fh);
            out[u + q] = sigmoid ? mcu_sigmoid_lut_inline_s16(pre, MCU_LSTM_TFL_GATE_INTEGER_BITS)
                                 : mcu_tanh_lut_inline_s16(pre, MCU_LSTM_TFL_GATE_INTEGER_BITS);
        }
    }
}

void mcu_lstm_tfl_s8(const mcu_lstm_tfl_params_t *p, const mcu_lstm_tfl_state_t *s, const int8_t *x, int8_t *y,
                     int16_t *scratch)
{
    const int32_t units = p->units;
    int16_t *f = scratch;
    int16_t *i = scratch + units;
    int16_t *z = scratch + 2 * units;
    int16_t *o = f; /* f is dead once the cell is updated */
    int16_t *c = s->c;
    int8_t *h = s->h;
    int32_t m = p->cell_integer_bits;
    int32_t lift = 0;
    int32_t u;
    mcu_lstm_tfl_gate(&p->forget_gate, units, p->input_size, x, h, 1, f);
    mcu_lstm_tfl_gate(&p->input_gate, units, p->input_size, x, h, 1, i);
    mcu_lstm_tfl_gate(&p->cell_gate, units, p->input_size, x, h, p->cell_gate_sigmoid, z);
    for (u = 0; u < units; u++) {
        /* TFLite's MulElementwise: int16 x int16 (exact in int32, |product| <= 2^30), requantized with
         * MultiplyByQuantizedMultiplier and saturated; then its saturating AddElementWise */
        const int32_t kept = mcu_sat_s16(mcu_requant_s32((int32_t)f[u] * (int32_t)c[u],
                                                         p->forget_cell_rescale.multiplier, p->forget_cell_rescale.shift));
        const int32_t added = mcu_sat_s16(mcu_requant_s32((int32_t)i[u] * (int32_t)z[u],
                                                          p->input_cell_rescale.multiplier, p->input_cell_rescale.shift));
        int32_t v = mcu_sat_s16(kept + added);
        if (p->cell_clip > 0) {
            v = mcu_clamp_s32(v, -p->cell_clip, p->cell_clip);
        }
        c[u] = (int16_t)v;
    }
    /* the output gate still reads the previous h: h is written only below */
    mcu_lstm_tfl_gate(&p->output_gate, units, p->input_size, x, h, 1, o);
    if (m > MCU_LSTM_TFL_MAX_INTEGER_BITS) {
        /* tanh of a coarser cell: saturate the input to Q7.8 first (Java QActivation), where the table
         * saturates as TFLite's does */
        lift = m - MCU_LSTM_TFL_MAX_INTEGER_BITS;
        m = MCU_LSTM_TFL_MAX_INTEGER_BITS;
    }
    for (u = 0; u < units; u++) {
        const int16_t cv = lift > 0 ? mcu_sat_s16(mcu_shl_sat_s32(c[u], lift)) : c[u];
        const int32_t t = mcu_tanh_lut_inline_s16(cv, m);
        const int32_t v = mcu_requant_s32(t * (int32_t)o[u], p->hidden_rescale.multiplier, p->hidden_rescale.shift);
        /* TFLite adds the zero point to v then clamps to int8; v is first narrowed to [-2^16, 2^16],
         * which changes no int8 result (|hidden_zp| <= 128) and keeps the sum from overflowing */
        h[u] = mcu_sat_s8(p->hidden_zp + mcu_clamp_s32(v, -65536, 65536));
        y[u] = h[u];
    }
}
