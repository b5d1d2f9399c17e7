/**
 * @file mcu_depthwise_conv_neon.h
 * @brief AArch64 NEON (`__ARM_NEON`, `__aarch64__`) path of mcu_depthwise_conv_s8() with depth
 *        multiplier 1: 16 channels per pass (then 8, then the last 1 to 7 in scalar C). Private;
 *        included by mcu_depthwise_conv_s8.c only.
 *
 * Per output position the kernel_h x kernel_w taps are pointers to the input positions of the window,
 * a padded tap pointing to a row of `channels` bytes of pad_value (the input zero point, which the
 * folded bias cancels: the padding contract of QDepthwiseConv), so every tap reads the same channels
 * of one row, adjacent in NHWC, as do the weights `[kh, kw, C]`. Two taps per step: SMULL and SMLAL
 * (low 8 channels), SMULL2 and SMLAL2 (high 8) leave each int16 lane the sum of two products, exact
 * since |w x| <= 127 * 128 and 2 * 16256 < 2^15 (a weight of -128 would break it: such a layer runs
 * the portable path); SADDW / SADDW2 add them to the 4 int32 accumulators, which start at the bias.
 * The int32 lanes wrap like any int32 sum and the exact accumulator fits int32 (the generator's
 * bound), so every channel's accumulator is the portable loop's. The output stage is
 * mcu_requant_neon.h (the same integers as mcu_nn_rescale(), zero point and clamp), one 16-byte
 * store per 16 channels.
 *
 * Not taken (returns 0, the portable path runs): fewer than 8 channels, more than
 * MCU_DW_NEON_MAX_CHANNELS (the pad row is on the stack), more than MCU_DW_NEON_MAX_TAPS taps, or a
 * weight of -128.
 */
#ifndef MCU_DEPTHWISE_CONV_NEON_H
#define MCU_DEPTHWISE_CONV_NEON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arm_neon.h>

#include "mcu_nn.h"
#include "mcu_nn_internal.h"
#include "mcu_requant_neon.h"

/** Channels of the largest pad row (bytes of stack). */
#define MCU_DW_NEON_MAX_CHANNELS 1024
/** Taps of the largest window (kernel_h * kernel_w). */
#define MCU_DW_NEON_MAX_TAPS 64

/** The rescale vectors of channels c0..c0+15 (4 per vector). */
static inline __attribute__((always_inline)) void mcu_dw_neon_rescales(const mcu_depthwise_conv_params_t *p,
                                                                       int32_t c0, int32_t groups,
                                                                       int32x4_t mult[4], int32x4_t shift[4])
{
    int32_t g;
    for (g = 0; g < groups; g++) {
        mcu_requant_neon_load(p->rescale, p->rescale_count, c0 + 4 * g, 4, &mult[g], &shift[g]);
    }
}

/**
 * The outputs of one position from channel c0 on: tp[t] the taps (input position pointers, channel 0),
 * yp the output position.
 */
static inline __attribute__((always_inline)) void mcu_dw_neon_position(const mcu_depthwise_conv_params_t *p,
                                                                       const mcu_requant_neon_t *q,
                                                                       const int8_t *const *tp, int32_t taps,
                                                                       int8_t *yp, int32_t c0)
{
    const int32_t c = p->channels;
    const size_t cs = (size_t)c;
    for (; c0 + 16 <= c; c0 += 16) {
        const int8_t *w = p->weights + c0;
        int32x4_t a0 = vld1q_s32(p->bias + c0);
        int32x4_t a1 = vld1q_s32(p->bias + c0 + 4);
        int32x4_t a2 = vld1q_s32(p->bias + c0 + 8);
        int32x4_t a3 = vld1q_s32(p->bias + c0 + 12);
        int32x4_t mult[4];
        int32x4_t shift[4];
        int32_t t = 0;
        for (; t + 2 <= taps; t += 2) {
            const int8x16_t x0 = vld1q_s8(tp[t] + c0);
            const int8x16_t x1 = vld1q_s8(tp[t + 1] + c0);
            const int8x16_t w0 = vld1q_s8(w + (size_t)t * cs);
            const int8x16_t w1 = vld1q_s8(w + (size_t)(t + 1) * cs);
            int16x8_t lo = vmull_s8(vget_low_s8(x0), vget_low_s8(w0));
            int16x8_t hi = vmull_high_s8(x0, w0);
            lo = vmlal_s8(lo, vget_low_s8(x1), vget_low_s8(w1));
            hi = vmlal_high_s8(hi, x1, w1);
            a0 = vaddw_s16(a0, vget_low_s16(lo));
            a1 = vaddw_high_s16(a1, lo);
            a2 = vaddw_s16(a2, vget_low_s16(hi));
            a3 = vaddw_high_s16(a3, hi);
        }
        if (t < taps) {
            const int8x16_t x0 = vld1q_s8(tp[t] + c0);
            const int8x16_t w0 = vld1q_s8(w + (size_t)t * cs);
            const int16x8_t lo = vmull_s8(vget_low_s8(x0), vget_low_s8(w0));
            const int16x8_t hi = vmull_high_s8(x0, w0);
            a0 = vaddw_s16(a0, vget_low_s16(lo));
            a1 = vaddw_high_s16(a1, lo);
            a2 = vaddw_s16(a2, vget_low_s16(hi));
            a3 = vaddw_high_s16(a3, hi);
        }
        mcu_dw_neon_rescales(p, c0, 4, mult, shift);
        vst1q_s8(yp + c0, mcu_requant_neon_narrow16(q, mcu_requant_neon_rescale(q, a0, mult[0], shift[0]),
                                                    mcu_requant_neon_rescale(q, a1, mult[1], shift[1]),
                                                    mcu_requant_neon_rescale(q, a2, mult[2], shift[2]),
                                                    mcu_requant_neon_rescale(q, a3, mult[3], shift[3])));
    }
    if (c0 + 8 <= c) {
        const int8_t *w = p->weights + c0;
        int32x4_t a0 = vld1q_s32(p->bias + c0);
        int32x4_t a1 = vld1q_s32(p->bias + c0 + 4);
        int32x4_t mult[4];
        int32x4_t shift[4];
        int32_t t = 0;
        for (; t + 2 <= taps; t += 2) {
            int16x8_t lo = vmull_s8(vld1_s8(tp[t] + c0), vld1_s8(w + (size_t)t * cs));
            lo = vmlal_s8(lo, vld1_s8(tp[t + 1] + c0), vld1_s8(w + (size_t)(t + 1) * cs));
            a0 = vaddw_s16(a0, vget_low_s16(lo));
            a1 = vaddw_high_s16(a1, lo);
        }
        if (t < taps) {
            const int16x8_t lo = vmull_s8(vld1_s8(tp[t] + c0), vld1_s8(w + (size_t)t * cs));
            a0 = vaddw_s16(a0, vget_low_s16(lo));
            a1 = vaddw_high_s16(a1, lo);
        }
        mcu_dw_neon_rescales(p, c0, 2, mult, shift);
        vst1_s8(yp + c0, mcu_requant_neon_narrow8(q, mcu_requant_neon_rescale(q, a0, mult[0], shift[0]),
                                                  mcu_requant_neon_rescale(q, a1, mult[1], shift[1])));
        c0 += 8;
    }
    for (; c0 < c; c0++) {
        /* the last 1 to 7 channels: the portable sum and output stage */
        int32_t acc = p->bias[c0];
        int32_t t;
        for (t = 0; t < taps; t++) {
            acc += (int32_t)tp[t][c0] * (int32_t)p->weights[(size_t)t * cs + (size_t)c0];
        }
        yp[c0] = (int8_t)mcu_nn_add_zp_clamp(mcu_nn_rescale(acc, &p->rescale[p->rescale_count == 1 ? 0 : c0]),
                                             p->output_zp, p->act_min, p->act_max);
    }
}

/* One step of 2 taps (pointers xa, xb; weight rows ta, tb) over channels c0..c0+15 into a0..a3. */
#define MCU_DW_NEON_PAIR16(xa, xb, ta, tb)                                                          \
    do {                                                                                           \
        const int8x16_t x0_ = vld1q_s8((xa) + c0);                                                 \
        const int8x16_t x1_ = vld1q_s8((xb) + c0);                                                 \
        const int8x16_t w0_ = vld1q_s8(w + (ta) * cs);                                             \
        const int8x16_t w1_ = vld1q_s8(w + (tb) * cs);                                             \
        int16x8_t lo_ = vmull_s8(vget_low_s8(x0_), vget_low_s8(w0_));                              \
        int16x8_t hi_ = vmull_high_s8(x0_, w0_);                                                   \
        lo_ = vmlal_s8(lo_, vget_low_s8(x1_), vget_low_s8(w1_));                                   \
        hi_ = vmlal_high_s8(hi_, x1_, w1_);                                                        \
        a0 = vaddw_s16(a0, vget_low_s16(lo_));                                                     \
        a1 = vaddw_high_s16(a1, lo_);                                                              \
        a2 = vaddw_s16(a2, vget_low_s16(hi_));                                                     \
        a3 = vaddw_high_s16(a3, hi_);                                                              \
    } while (0)

/** The constants of the 3x3 loops, copied out of the parameters (an int8 store may alias them). */
typedef struct {
    const int8_t *weights;
    const int32_t *bias;
    const mcu_rescale_t *rescale;
    int32_t channels;
    int32_t per_channel;
    int32x4_t m; /**< the layer's multiplier (rescale_count 1) */
    int32x4_t s; /**< the layer's shift (rescale_count 1) */
    mcu_requant_neon_t q;
} mcu_dw_neon_k_t;

/** k from the parameters and the output stage q. */
static inline void mcu_dw_neon_k_init(mcu_dw_neon_k_t *k, const mcu_depthwise_conv_params_t *p,
                                      const mcu_requant_neon_t *q)
{
    k->weights = p->weights;
    k->bias = p->bias;
    k->rescale = p->rescale;
    k->channels = p->channels;
    k->per_channel = p->rescale_count != 1;
    k->m = vdupq_n_s32(p->rescale[0].multiplier);
    k->s = vdupq_n_s32(p->rescale[0].shift);
    k->q = *q;
}

/**
 * mcu_dw_neon_position() for a 3x3 window, taps t0..t8, written out (the tap pointers and weight
 * rows in registers); channels past the last multiple of 16 go to mcu_dw_neon_position().
 */
static inline __attribute__((always_inline)) void mcu_dw_neon_3x3(const mcu_depthwise_conv_params_t *p,
                                                                  const mcu_dw_neon_k_t *k, const int8_t *t0,
                                                                  const int8_t *t1, const int8_t *t2,
                                                                  const int8_t *t3, const int8_t *t4,
                                                                  const int8_t *t5, const int8_t *t6,
                                                                  const int8_t *t7, const int8_t *t8, int8_t *yp)
{
    const int32_t c = k->channels;
    const size_t cs = (size_t)c;
    const mcu_requant_neon_t *q = &k->q;
    int32x4_t m0 = k->m, m1 = m0, m2 = m0, m3 = m0;
    int32x4_t s0 = k->s, s1 = s0, s2 = s0, s3 = s0;
    int32_t c0 = 0;
    for (; c0 + 16 <= c; c0 += 16) {
        const int8_t *w = k->weights + c0;
        int32x4_t a0 = vld1q_s32(k->bias + c0);
        int32x4_t a1 = vld1q_s32(k->bias + c0 + 4);
        int32x4_t a2 = vld1q_s32(k->bias + c0 + 8);
        int32x4_t a3 = vld1q_s32(k->bias + c0 + 12);
        MCU_DW_NEON_PAIR16(t0, t1, 0u, 1u);
        MCU_DW_NEON_PAIR16(t2, t3, 2u, 3u);
        MCU_DW_NEON_PAIR16(t4, t5, 4u, 5u);
        MCU_DW_NEON_PAIR16(t6, t7, 6u, 7u);
        {
            const int8x16_t x0 = vld1q_s8(t8 + c0);
            const int8x16_t w0 = vld1q_s8(w + 8u * cs);
            const int16x8_t lo = vmull_s8(vget_low_s8(x0), vget_low_s8(w0));
            const int16x8_t hi = vmull_high_s8(x0, w0);
            a0 = vaddw_s16(a0, vget_low_s16(lo));
            a1 = vaddw_high_s16(a1, lo);
            a2 = vaddw_s16(a2, vget_low_s16(hi));
            a3 = vaddw_high_s16(a3, hi);
        }
        if (k->per_channel) {
            int32x4x2_t r = vld2q_s32(&k->rescale[c0].multiplier);
            m0 = r.val[0];
            s0 = r.val[1];
            r = vld2q_s32(&k->rescale[c0 + 4].multiplier);
            m1 = r.val[0];
            s1 = r.val[1];
            r = vld2q_s32(&k->rescale[c0 + 8].multiplier);
            m2 = r.val[0];
            s2 = r.val[1];
            r = vld2q_s32(&k->rescale[c0 + 12].multiplier);
            m3 = r.val[0];
            s3 = r.val[1];
        }
        vst1q_s8(yp + c0, mcu_requant_neon_narrow16(q, mcu_requant_neon_rescale(q, a0, m0, s0),
                                                    mcu_requant_neon_rescale(q, a1, m1, s1),
                                                    mcu_requant_neon_rescale(q, a2, m2, s2),
                                                    mcu_requant_neon_rescale(q, a3, m3, s3)));
    }
    if (c0 < c) {
        const int8_t *tp[9];
        tp[0] = t0;
        tp[1] = t1;
        tp[2] = t2;
        tp[3] = t3;
        tp[4] = t4;
        tp[5] = t5;
        tp[6] = t6;
        tp[7] = t7;
        tp[8] = t8;
        mcu_dw_neon_position(p, &k->q, tp, 9, yp, c0);
    }
}

/*
 * 3x3 windows out of line, so that their registers are their own: n consecutive positions inside
 * the input (window corners xb, xb + step, ...; taps sw apart along a row, sh between rows; outputs
 * `channels` bytes apart), or one position from its 9 tap pointers.
 */
/* Taps a and b of the block into a0..a3 (the weight rows wa, wb held in registers). */
#define MCU_DW_NEON_PAIR16R(xa, xb, wa, wb)                                                         \
    do {                                                                                           \
        const int8x16_t x0_ = vld1q_s8(xa);                                                        \
        const int8x16_t x1_ = vld1q_s8(xb);                                                        \
        int16x8_t lo_ = vmull_s8(vget_low_s8(x0_), vget_low_s8(wa));                               \
        int16x8_t hi_ = vmull_high_s8(x0_, wa);                                                    \
        lo_ = vmlal_s8(lo_, vget_low_s8(x1_), vget_low_s8(wb));                                    \
        hi_ = vmlal_high_s8(hi_, x1_, wb);                                                         \
        a0 = vaddw_s16(a0, vget_low_s16(lo_));                                                     \
        a1 = vaddw_high_s16(a1, lo_);                                                              \
        a2 = vaddw_s16(a2, vget_low_s16(hi_));                                                     \
        a3 = vaddw_high_s16(a3, hi_);                                                              \
    } while (0)

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void mcu_dw_neon_3x3_inside(const mcu_depthwise_conv_params_t *p, const mcu_requant_neon_t *q,
                                   const int8_t *xb, size_t step, int32_t n, size_t sw, size_t sh, int8_t *yp)
{
    /* per block of 16 channels, every position of the run: the block's 9 weight rows, bias and
     * rescales stay in registers */
    const int32_t c = p->channels;
    const size_t cs = (size_t)c;
    const int32_t full = q->full;
    const int16x8_t zp = q->zp;
    const int8x16_t lo = q->lo;
    const int8x16_t hi = q->hi;
    int32_t c0 = 0;
    for (; c0 + 16 <= c; c0 += 16) {
        const int8_t *w = p->weights + c0;
        const int8x16_t w0 = vld1q_s8(w), w1 = vld1q_s8(w + cs), w2 = vld1q_s8(w + 2 * cs);
        const int8x16_t w3 = vld1q_s8(w + 3 * cs), w4 = vld1q_s8(w + 4 * cs), w5 = vld1q_s8(w + 5 * cs);
        const int8x16_t w6 = vld1q_s8(w + 6 * cs), w7 = vld1q_s8(w + 7 * cs), w8 = vld1q_s8(w + 8 * cs);
        const int32x4_t b0 = vld1q_s32(p->bias + c0), b1 = vld1q_s32(p->bias + c0 + 4);
        const int32x4_t b2 = vld1q_s32(p->bias + c0 + 8), b3 = vld1q_s32(p->bias + c0 + 12);
        int32x4_t m[4];
        int32x4_t sh4[4];
        const int8_t *xp = xb + c0;
        int8_t *yo = yp + c0;
        int32_t i;
        mcu_dw_neon_rescales(p, c0, 4, m, sh4);
        for (i = 0; i < n; i++) {
            const int8_t *r1 = xp + sh;
            const int8_t *r2 = r1 + sh;
            int32x4_t a0 = b0, a1 = b1, a2 = b2, a3 = b3;
            int8x16_t v;
            MCU_DW_NEON_PAIR16R(xp, xp + sw, w0, w1);
            MCU_DW_NEON_PAIR16R(xp + 2 * sw, r1, w2, w3);
            MCU_DW_NEON_PAIR16R(r1 + sw, r1 + 2 * sw, w4, w5);
            MCU_DW_NEON_PAIR16R(r2, r2 + sw, w6, w7);
            {
                const int8x16_t x0 = vld1q_s8(r2 + 2 * sw);
                const int16x8_t l8 = vmull_s8(vget_low_s8(x0), vget_low_s8(w8));
                const int16x8_t h8 = vmull_high_s8(x0, w8);
                a0 = vaddw_s16(a0, vget_low_s16(l8));
                a1 = vaddw_high_s16(a1, l8);
                a2 = vaddw_s16(a2, vget_low_s16(h8));
                a3 = vaddw_high_s16(a3, h8);
            }
            if (q->short_rq) {
                a0 = vqrdmulhq_s32(a0, m[0]);
                a1 = vqrdmulhq_s32(a1, m[1]);
                a2 = vqrdmulhq_s32(a2, m[2]);
                a3 = vqrdmulhq_s32(a3, m[3]);
                a0 = vrshlq_s32(vsraq_n_s32(a0, a0, 31), sh4[0]);
                a1 = vrshlq_s32(vsraq_n_s32(a1, a1, 31), sh4[1]);
                a2 = vrshlq_s32(vsraq_n_s32(a2, a2, 31), sh4[2]);
                a3 = vrshlq_s32(vsraq_n_s32(a3, a3, 31), sh4[3]);
            } else {
                a0 = mcu_matvec_neon_rescale(a0, m[0], sh4[0]);
                a1 = mcu_matvec_neon_rescale(a1, m[1], sh4[1]);
                a2 = mcu_matvec_neon_rescale(a2, m[2], sh4[2]);
                a3 = mcu_matvec_neon_rescale(a3, m[3], sh4[3]);
            }
            /* mcu_requant_neon_narrow16(), its constants in registers */
            v = vqmovn_high_s16(vqmovn_s16(vqaddq_s16(vqmovn_high_s32(vqmovn_s32(a0), a1), zp)),
                                vqaddq_s16(vqmovn_high_s32(vqmovn_s32(a2), a3), zp));
            if (!full) {
                v = vminq_s8(vmaxq_s8(v, lo), hi);
            }
            vst1q_s8(yo, v);
            xp += step;
            yo += cs;
        }
    }
    if (c0 < c) {
        int32_t i;
        for (i = 0; i < n; i++) {
            const int8_t *tp[9];
            const int8_t *r0 = xb + (size_t)i * step;
            int32_t t;
            for (t = 0; t < 3; t++) {
                tp[3 * t] = r0 + (size_t)t * sh;
                tp[3 * t + 1] = tp[3 * t] + sw;
                tp[3 * t + 2] = tp[3 * t] + 2 * sw;
            }
            mcu_dw_neon_position(p, q, tp, 9, yp + (size_t)i * cs, c0);
        }
    }
}

#undef MCU_DW_NEON_PAIR16R

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void mcu_dw_neon_3x3_taps(const mcu_depthwise_conv_params_t *p, const mcu_requant_neon_t *q,
                                 const int8_t *const *tp, int8_t *yp)
{
    mcu_dw_neon_k_t k;
    mcu_dw_neon_k_init(&k, p, q);
    mcu_dw_neon_3x3(p, &k, tp[0], tp[1], tp[2], tp[3], tp[4], tp[5], tp[6], tp[7], tp[8], yp);
}

#undef MCU_DW_NEON_PAIR16

/**
 * mcu_depthwise_conv_s8() with multiplier 1 on NEON (see the file comment); oh, ow, pad_top, pad_left
 * as the caller computed them. Returns 0, having done nothing, where the portable path runs instead.
 */
static int mcu_depthwise_conv_neon_run(const mcu_depthwise_conv_params_t *p, const int8_t *x, int8_t *y,
                                       int32_t oh, int32_t ow, int32_t pad_top, int32_t pad_left)
{
    const int32_t h = p->in_h;
    const int32_t wd = p->in_w;
    const int32_t c = p->channels;
    const int32_t kh = p->kernel_h;
    const int32_t kw = p->kernel_w;
    const int32_t taps = kh * kw;
    const int32_t span_h = (kh - 1) * p->dilation_h;
    const int32_t span_w = (kw - 1) * p->dilation_w;
    int8_t pad[MCU_DW_NEON_MAX_CHANNELS];
    const int8_t *tp[MCU_DW_NEON_MAX_TAPS];
    size_t off[MCU_DW_NEON_MAX_TAPS];
    mcu_requant_neon_t q;
    int32_t oy;
    int32_t i;
    if (c < 8 || c > MCU_DW_NEON_MAX_CHANNELS || taps > MCU_DW_NEON_MAX_TAPS) {
        return 0;
    }
    for (i = 0; i < taps * c; i++) {
        if (p->weights[i] == -128) {
            return 0;
        }
    }
    memset(pad, p->pad_value, (size_t)c);
    for (i = 0; i < taps; i++) {
        off[i] = ((size_t)(i / kw) * (size_t)p->dilation_h * (size_t)wd + (size_t)(i % kw) * (size_t)p->dilation_w)
                 * (size_t)c;
    }
    mcu_requant_neon_init(&q, p->rescale, p->rescale_count, p->output_zp, p->act_min, p->act_max);
    for (oy = 0; oy < oh; oy++) {
        const int32_t iy0 = oy * p->stride_h - pad_top;
        const int32_t rows_inside = iy0 >= 0 && iy0 + span_h < h;
        int32_t ox;
        for (ox = 0; ox < ow; ox++) {
            const int32_t ix0 = ox * p->stride_w - pad_left;
            int8_t *yp = y + ((size_t)oy * (size_t)ow + (size_t)ox) * (size_t)c;
            if (rows_inside && ix0 >= 0 && ix0 + span_w < wd) {
                /* the window inside the input: the taps at fixed offsets from its corner */
                const int8_t *xb = x + ((size_t)iy0 * (size_t)wd + (size_t)ix0) * (size_t)c;
                if (kh == 3 && kw == 3) {
                    /* the run of consecutive positions inside the input */
                    int32_t end = ox + 1;
                    while (end < ow && end * p->stride_w - pad_left + span_w < wd) {
                        end++;
                    }
                    mcu_dw_neon_3x3_inside(p, &q, xb, (size_t)p->stride_w * (size_t)c, end - ox, off[1], off[3], yp);
                    ox = end - 1;
                    continue;
                }
                for (i = 0; i < taps; i++) {
                    tp[i] = xb + off[i];
                }
            } else {
                for (i = 0; i < taps; i++) {
                    const int32_t iy = iy0 + (i / kw) * p->dilation_h;
                    const int32_t ix = ix0 + (i % kw) * p->dilation_w;
                    tp[i] = iy >= 0 && iy < h && ix >= 0 && ix < wd
                                ? x + ((size_t)iy * (size_t)wd + (size_t)ix) * (size_t)c
                                : pad;
                }
            }
            if (kh == 3 && kw == 3) {
                mcu_dw_neon_3x3_taps(p, &q, tp, yp);
            } else {
                mcu_dw_neon_position(p, &q, tp, taps, yp, 0);
            }
        }
    }
    return 1;
}

#endif /* MCU_DEPTHWISE_CONV_NEON_H */
