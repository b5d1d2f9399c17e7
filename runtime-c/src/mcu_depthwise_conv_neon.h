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
 * The outputs of one position: tp[t] the taps (input position pointers, channel 0), yp the output
 * position.
 */
static inline __attribute__((always_inline)) void mcu_dw_neon_position(const mcu_depthwise_conv_params_t *p,
                                                                       const mcu_requant_neon_t *q,
                                                                       const int8_t *const *tp, int32_t taps,
                                                                       int8_t *yp)
{
    const int32_t c = p->channels;
    const size_t cs = (size_t)c;
    int32_t c0 = 0;
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
            if (taps == 9) {
                mcu_dw_neon_position(p, &q, tp, 9, yp); /* 3x3: the tap loop unrolled */
            } else {
                mcu_dw_neon_position(p, &q, tp, taps, yp);
            }
        }
    }
    return 1;
}

#endif /* MCU_DEPTHWISE_CONV_NEON_H */
