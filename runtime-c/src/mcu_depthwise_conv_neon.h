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
/** 3x3 border positions run together per block of channels. */
#define MCU_DW_NEON_LIST 32

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

/** The registers of one block of 16 channels of a 3x3 window: weight rows, bias, rescales, output stage. */
typedef struct {
    int8x16_t w[9];
    int32x4_t b[4];
    int32x4_t m[4];
    int32x4_t s[4];
} mcu_dw_neon_blk_t;

/** Loads the block of channels c0..c0+15. */
static inline __attribute__((always_inline)) void mcu_dw_neon_blk_load(const mcu_depthwise_conv_params_t *p, int32_t c0,
                                                                       mcu_dw_neon_blk_t *k)
{
    const size_t cs = (size_t)p->channels;
    int32_t t;
    for (t = 0; t < 9; t++) {
        k->w[t] = vld1q_s8(p->weights + (size_t)c0 + (size_t)t * cs);
    }
    for (t = 0; t < 4; t++) {
        k->b[t] = vld1q_s32(p->bias + c0 + 4 * t);
    }
    mcu_dw_neon_rescales(p, c0, 4, k->m, k->s);
}

/** The 16 int8 outputs of the block at one position, taps x0..x8 (already at channel c0). */
static inline __attribute__((always_inline)) int8x16_t mcu_dw_neon_blk_out(const mcu_dw_neon_blk_t *k,
                                                                          const mcu_requant_neon_t *q,
                                                                          const int8_t *x0, const int8_t *x1,
                                                                          const int8_t *x2, const int8_t *x3,
                                                                          const int8_t *x4, const int8_t *x5,
                                                                          const int8_t *x6, const int8_t *x7,
                                                                          const int8_t *x8)
{
    int32x4_t a0 = k->b[0], a1 = k->b[1], a2 = k->b[2], a3 = k->b[3];
    int8x16_t v;
    MCU_DW_NEON_PAIR16R(x0, x1, k->w[0], k->w[1]);
    MCU_DW_NEON_PAIR16R(x2, x3, k->w[2], k->w[3]);
    MCU_DW_NEON_PAIR16R(x4, x5, k->w[4], k->w[5]);
    MCU_DW_NEON_PAIR16R(x6, x7, k->w[6], k->w[7]);
    {
        const int8x16_t y8 = vld1q_s8(x8);
        const int16x8_t l8 = vmull_s8(vget_low_s8(y8), vget_low_s8(k->w[8]));
        const int16x8_t h8 = vmull_high_s8(y8, k->w[8]);
        a0 = vaddw_s16(a0, vget_low_s16(l8));
        a1 = vaddw_high_s16(a1, l8);
        a2 = vaddw_s16(a2, vget_low_s16(h8));
        a3 = vaddw_high_s16(a3, h8);
    }
    if (q->short_rq) {
        a0 = vqrdmulhq_s32(a0, k->m[0]);
        a1 = vqrdmulhq_s32(a1, k->m[1]);
        a2 = vqrdmulhq_s32(a2, k->m[2]);
        a3 = vqrdmulhq_s32(a3, k->m[3]);
        a0 = vrshlq_s32(vsraq_n_s32(a0, a0, 31), k->s[0]);
        a1 = vrshlq_s32(vsraq_n_s32(a1, a1, 31), k->s[1]);
        a2 = vrshlq_s32(vsraq_n_s32(a2, a2, 31), k->s[2]);
        a3 = vrshlq_s32(vsraq_n_s32(a3, a3, 31), k->s[3]);
    } else {
        a0 = mcu_matvec_neon_rescale(a0, k->m[0], k->s[0]);
        a1 = mcu_matvec_neon_rescale(a1, k->m[1], k->s[1]);
        a2 = mcu_matvec_neon_rescale(a2, k->m[2], k->s[2]);
        a3 = mcu_matvec_neon_rescale(a3, k->m[3], k->s[3]);
    }
    /* mcu_requant_neon_narrow16() */
    v = vqmovn_high_s16(vqmovn_s16(vqaddq_s16(vqmovn_high_s32(vqmovn_s32(a0), a1), q->zp)),
                        vqaddq_s16(vqmovn_high_s32(vqmovn_s32(a2), a3), q->zp));
    if (!q->full) {
        v = vminq_s8(vmaxq_s8(v, q->lo), q->hi);
    }
    return v;
}

/*
 * 3x3 windows out of line, per block of 16 channels every position of the call (the block's 9
 * weight rows, bias and rescales stay in registers), channels past the last multiple of 16 by
 * mcu_dw_neon_position(): a rectangle of rows x n positions inside the input (window corners xb +
 * r xrow + i step; taps sw apart along a row, sh between rows; outputs yp + r yrow + i channels), or
 * n positions from their 9 tap pointers each (tps[9 i ..], outputs at yps[i]).
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void mcu_dw_neon_3x3_inside(const mcu_depthwise_conv_params_t *p, const mcu_requant_neon_t *qp,
                                   const int8_t *xb, size_t step, int32_t n, int32_t rows, size_t xrow, size_t yrow,
                                   size_t sw, size_t sh, int8_t *yp)
{
    const int32_t c = p->channels;
    const size_t cs = (size_t)c;
    const mcu_requant_neon_t q = *qp; /* in registers: the int8 stores may alias *qp */
    int32_t c0 = 0;
    int32_t r;
    int32_t i;
    for (; c0 + 16 <= c; c0 += 16) {
        mcu_dw_neon_blk_t k;
        mcu_dw_neon_blk_load(p, c0, &k);
        for (r = 0; r < rows; r++) {
            const int8_t *xp = xb + (size_t)r * xrow + (size_t)c0;
            int8_t *yo = yp + (size_t)r * yrow + (size_t)c0;
            for (i = 0; i < n; i++) {
                const int8_t *r1 = xp + sh;
                const int8_t *r2 = r1 + sh;
                vst1q_s8(yo, mcu_dw_neon_blk_out(&k, &q, xp, xp + sw, xp + 2 * sw, r1, r1 + sw, r1 + 2 * sw, r2,
                                                 r2 + sw, r2 + 2 * sw));
                xp += step;
                yo += cs;
            }
        }
    }
    if (c0 < c) {
        for (r = 0; r < rows; r++) {
            for (i = 0; i < n; i++) {
                const int8_t *tp[9];
                const int8_t *r0 = xb + (size_t)r * xrow + (size_t)i * step;
                int32_t t;
                for (t = 0; t < 3; t++) {
                    tp[3 * t] = r0 + (size_t)t * sh;
                    tp[3 * t + 1] = tp[3 * t] + sw;
                    tp[3 * t + 2] = tp[3 * t] + 2 * sw;
                }
                mcu_dw_neon_position(p, &q, tp, 9, yp + (size_t)r * yrow + (size_t)i * cs, c0);
            }
        }
    }
}

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void mcu_dw_neon_3x3_list(const mcu_depthwise_conv_params_t *p, const mcu_requant_neon_t *qp,
                                 const int8_t *const *tps, int8_t *const *yps, int32_t n)
{
    const int32_t c = p->channels;
    const mcu_requant_neon_t q = *qp;
    int32_t c0 = 0;
    int32_t i;
    for (; c0 + 16 <= c; c0 += 16) {
        mcu_dw_neon_blk_t k;
        mcu_dw_neon_blk_load(p, c0, &k);
        for (i = 0; i < n; i++) {
            const int8_t *const *t = tps + 9 * i;
            vst1q_s8(yps[i] + c0, mcu_dw_neon_blk_out(&k, &q, t[0] + c0, t[1] + c0, t[2] + c0, t[3] + c0, t[4] + c0,
                                                      t[5] + c0, t[6] + c0, t[7] + c0, t[8] + c0));
        }
    }
    if (c0 < c) {
        for (i = 0; i < n; i++) {
            mcu_dw_neon_position(p, &q, tps + 9 * i, 9, yps[i], c0);
        }
    }
}

#undef MCU_DW_NEON_PAIR16R

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
    const int8_t *list[9 * MCU_DW_NEON_LIST]; /* 3x3 border positions: their taps */
    int8_t *list_y[MCU_DW_NEON_LIST];
    int32_t listed = 0;
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
    if (kh == 3 && kw == 3) {
        /* the rectangle of positions whose window lies inside the input, in one call */
        int32_t oy0 = 0, oy1 = oh, ox0 = 0, ox1 = ow;
        while (oy0 < oh && oy0 * p->stride_h - pad_top < 0) {
            oy0++;
        }
        while (oy1 > oy0 && (oy1 - 1) * p->stride_h - pad_top + span_h >= h) {
            oy1--;
        }
        while (ox0 < ow && ox0 * p->stride_w - pad_left < 0) {
            ox0++;
        }
        while (ox1 > ox0 && (ox1 - 1) * p->stride_w - pad_left + span_w >= wd) {
            ox1--;
        }
        if (oy0 < oy1 && ox0 < ox1) {
            mcu_dw_neon_3x3_inside(p, &q,
                                   x + ((size_t)(oy0 * p->stride_h - pad_top) * (size_t)wd
                                        + (size_t)(ox0 * p->stride_w - pad_left)) * (size_t)c,
                                   (size_t)p->stride_w * (size_t)c, ox1 - ox0, oy1 - oy0,
                                   (size_t)p->stride_h * (size_t)wd * (size_t)c, (size_t)ow * (size_t)c, off[1], off[3],
                                   y + ((size_t)oy0 * (size_t)ow + (size_t)ox0) * (size_t)c);
        }
        /* the border: listed with their taps, the list run per block when full and at the end */
        for (oy = 0; oy < oh; oy++) {
            const int32_t iy0 = oy * p->stride_h - pad_top;
            int32_t ox;
            for (ox = 0; ox < ow; ox++) {
                const int32_t ix0 = ox * p->stride_w - pad_left;
                if (oy >= oy0 && oy < oy1 && ox >= ox0 && ox < ox1) {
                    ox = ox1 - 1;
                    continue;
                }
                for (i = 0; i < 3; i++) {
                    const int32_t iy = iy0 + i * p->dilation_h;
                    const int8_t *row = x + (size_t)iy * (size_t)wd * (size_t)c;
                    const int32_t row_in = iy >= 0 && iy < h;
                    int32_t j;
                    for (j = 0; j < 3; j++) {
                        const int32_t ix = ix0 + j * p->dilation_w;
                        list[9 * listed + 3 * i + j] = row_in && ix >= 0 && ix < wd ? row + (size_t)ix * (size_t)c : pad;
                    }
                }
                list_y[listed] = y + ((size_t)oy * (size_t)ow + (size_t)ox) * (size_t)c;
                if (++listed == MCU_DW_NEON_LIST) {
                    mcu_dw_neon_3x3_list(p, &q, list, list_y, listed);
                    listed = 0;
                }
            }
        }
        if (listed > 0) {
            mcu_dw_neon_3x3_list(p, &q, list, list_y, listed);
        }
        return 1;
    }
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
            mcu_dw_neon_position(p, &q, tp, taps, yp, 0);
        }
    }
    return 1;
}

#endif /* MCU_DEPTHWISE_CONV_NEON_H */
