/**
 * @file mcu_depthwise_conv_x4_impl.h
 * @brief The int8 depthwise convolution with depth multiplier 1, four channels per pass: the fast path
 *        of mcu_depthwise_conv_s8() (Java `DepthwiseKernels.depthwiseConv`). Private; included by
 *        mcu_depthwise_conv_s8.c only.
 *
 * Same integers as the generic loop of mcu_depthwise_conv_impl.h: each channel's accumulator starts at
 * its bias and adds the taps in the same (r, q) order, padded taps reading pad_value (the input zero
 * point the folded bias cancels), so every partial sum is the generic loop's and stays in int32 (the
 * generator's accumulator bound). Positions whose window lies inside the input step through the taps
 * by pointer increments; the others (the border) test each tap. Per output position, four adjacent channels keep their accumulators
 * in registers over the kernel window, their inputs and weights adjacent in memory (NHWC; weights
 * `[kh, kw, C]` for multiplier 1). On DSP (Cortex-M4/M7/M33/M55) one word of inputs and one of weights
 * serve the four channels: SXTB16 and SXTB16 ROR 8 split each into (c0, c2) and (c1, c3) halfwords,
 * SMLABB / SMLATT multiply-accumulate each channel's halfwords (wrapping like the C sum, which never
 * overflows); elsewhere portable C. The rescale is mcu_matvec_rescale() (the same integers as
 * mcu_nn_rescale()), then the output zero point and clamp per channel.
 */
#ifndef MCU_DEPTHWISE_CONV_X4_IMPL_H
#define MCU_DEPTHWISE_CONV_X4_IMPL_H

#include "mcu_matvec.h"

/** The four channels' products of one tap: a_k += x[k] * w[k], k = 0..3. */
#if defined(MCU_MATVEC_HAVE_DSP)
#define MCU_DW_X4_TAP(xp, wp, a0, a1, a2, a3)                                   \
    do {                                                                         \
        uint32_t xw_;                                                            \
        uint32_t ww_;                                                            \
        int32_t x02_;                                                            \
        int32_t x13_;                                                            \
        int32_t w02_;                                                            \
        int32_t w13_;                                                            \
        __builtin_memcpy(&xw_, (xp), 4u); /* LDR: unaligned single-word loads are allowed */ \
        __builtin_memcpy(&ww_, (wp), 4u);                                        \
        x02_ = __sxtb16((int32_t)xw_);                                           \
        x13_ = __sxtb16((int32_t)((xw_ >> 8) | (xw_ << 24)));                    \
        w02_ = __sxtb16((int32_t)ww_);                                           \
        w13_ = __sxtb16((int32_t)((ww_ >> 8) | (ww_ << 24)));                    \
        (a0) = __smlabb(x02_, w02_, (a0));                                       \
        (a2) = __smlatt(x02_, w02_, (a2));                                       \
        (a1) = __smlabb(x13_, w13_, (a1));                                       \
        (a3) = __smlatt(x13_, w13_, (a3));                                       \
    } while (0)
#else
#define MCU_DW_X4_TAP(xp, wp, a0, a1, a2, a3)                                   \
    do {                                                                         \
        (a0) += (int32_t)(xp)[0] * (int32_t)(wp)[0];                             \
        (a1) += (int32_t)(xp)[1] * (int32_t)(wp)[1];                             \
        (a2) += (int32_t)(xp)[2] * (int32_t)(wp)[2];                             \
        (a3) += (int32_t)(xp)[3] * (int32_t)(wp)[3];                             \
    } while (0)
#endif

/** y = clamp(output_zp + R_o(acc), act_min, act_max) of output channel o. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int8_t mcu_dw_x4_out(const mcu_depthwise_conv_params_t *p, int32_t o, int32_t acc)
{
    return (int8_t)mcu_nn_add_zp_clamp(mcu_matvec_rescale(acc, &p->rescale[p->rescale_count == 1 ? 0 : o]),
                                       p->output_zp, p->act_min, p->act_max);
}

/**
 * The multiplier-1 int8 depthwise convolution; oh, ow, pad_top, pad_left as the caller computed them
 * (mcu_conv_out_length(), mcu_nn_pad_before()).
 */
static void mcu_depthwise_conv_x4_s8(const mcu_depthwise_conv_params_t *p, const int8_t *x, int8_t *y, int32_t oh,
                                     int32_t ow, int32_t pad_top, int32_t pad_left)
{
    const int32_t h = p->in_h;
    const int32_t wd = p->in_w;
    const int32_t c = p->channels;
    const int32_t kh = p->kernel_h;
    const int32_t kw = p->kernel_w;
    const int32_t span_h = (kh - 1) * p->dilation_h;
    const int32_t span_w = (kw - 1) * p->dilation_w;
    const size_t step_w = (size_t)p->dilation_w * (size_t)c;              /* next tap in a row */
    const size_t step_h = (size_t)p->dilation_h * (size_t)wd * (size_t)c; /* next kernel row */
    const int8_t pad4[4] = {(int8_t)p->pad_value, (int8_t)p->pad_value, (int8_t)p->pad_value, (int8_t)p->pad_value};
    int32_t oy;
    for (oy = 0; oy < oh; oy++) {
        int32_t ox;
        for (ox = 0; ox < ow; ox++) {
            const int32_t iy0 = oy * p->stride_h - pad_top;
            const int32_t ix0 = ox * p->stride_w - pad_left;
            int8_t *yp = y + ((size_t)oy * (size_t)ow + (size_t)ox) * (size_t)c;
            int32_t c0 = 0;
            if (iy0 >= 0 && iy0 + span_h < h && ix0 >= 0 && ix0 + span_w < wd) {
                /* the window inside the input: taps by pointer steps, no bounds tests */
                const int8_t *xb = x + ((size_t)iy0 * (size_t)wd + (size_t)ix0) * (size_t)c;
                for (; c0 + 4 <= c; c0 += 4) {
                    int32_t a0 = p->bias[c0];
                    int32_t a1 = p->bias[c0 + 1];
                    int32_t a2 = p->bias[c0 + 2];
                    int32_t a3 = p->bias[c0 + 3];
                    const int8_t *xr = xb + c0;
                    const int8_t *wp = p->weights + c0;
                    int32_t r;
                    for (r = 0; r < kh; r++) {
                        const int8_t *xp = xr;
                        int32_t q;
                        for (q = 0; q < kw; q++) {
                            MCU_DW_X4_TAP(xp, wp, a0, a1, a2, a3);
                            xp += step_w;
                            wp += c;
                        }
                        xr += step_h;
                    }
                    yp[c0] = mcu_dw_x4_out(p, c0, a0);
                    yp[c0 + 1] = mcu_dw_x4_out(p, c0 + 1, a1);
                    yp[c0 + 2] = mcu_dw_x4_out(p, c0 + 2, a2);
                    yp[c0 + 3] = mcu_dw_x4_out(p, c0 + 3, a3);
                }
            }
            for (; c0 < c; c0 += 4) {
                const int32_t lanes = c - c0 < 4 ? c - c0 : 4;
                int32_t a0 = p->bias[c0];
                int32_t a1 = lanes > 1 ? p->bias[c0 + 1] : 0;
                int32_t a2 = lanes > 2 ? p->bias[c0 + 2] : 0;
                int32_t a3 = lanes > 3 ? p->bias[c0 + 3] : 0;
                int32_t r;
                for (r = 0; r < kh; r++) {
                    const int32_t iy = iy0 + r * p->dilation_h;
                    const int32_t row_in = iy >= 0 && iy < h;
                    const int8_t *wr = p->weights + (size_t)r * (size_t)kw * (size_t)c + (size_t)c0;
                    int32_t q;
                    for (q = 0; q < kw; q++) {
                        const int32_t ix = ix0 + q * p->dilation_w;
                        const int8_t *wp = wr + (size_t)q * (size_t)c;
                        const int8_t *xp = row_in && ix >= 0 && ix < wd
                                               ? x + ((size_t)iy * (size_t)wd + (size_t)ix) * (size_t)c + (size_t)c0
                                               : pad4;
                        if (lanes == 4) {
                            MCU_DW_X4_TAP(xp, wp, a0, a1, a2, a3);
                        } else {
                            /* the last 1 to 3 channels: no read past the channel row */
                            a0 += (int32_t)xp[0] * (int32_t)wp[0];
                            if (lanes > 1) {
                                a1 += (int32_t)xp[1] * (int32_t)wp[1];
                            }
                            if (lanes > 2) {
                                a2 += (int32_t)xp[2] * (int32_t)wp[2];
                            }
                        }
                    }
                }
                yp[c0] = mcu_dw_x4_out(p, c0, a0);
                if (lanes > 1) {
                    yp[c0 + 1] = mcu_dw_x4_out(p, c0 + 1, a1);
                }
                if (lanes > 2) {
                    yp[c0 + 2] = mcu_dw_x4_out(p, c0 + 2, a2);
                }
                if (lanes > 3) {
                    yp[c0 + 3] = mcu_dw_x4_out(p, c0 + 3, a3);
                }
            }
        }
    }
}

#undef MCU_DW_X4_TAP

#endif /* MCU_DEPTHWISE_CONV_X4_IMPL_H */
