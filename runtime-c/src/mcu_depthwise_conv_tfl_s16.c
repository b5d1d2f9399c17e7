/**
 * @file mcu_depthwise_conv_tfl_s16.c
 * @brief mcu_depthwise_conv_tfl_s16() (see mcu_tfl.h; Java `TflKernels.depthwise16x8`, `QDepthwise16x8`).
 */
#include <stddef.h>

#include "mcu_nn_internal.h"
#include "mcu_tfl.h"

void mcu_depthwise_conv_tfl_s16(const mcu_depthwise_conv_tfl_params_t *p, const int16_t *x, int16_t *y)
{
    const int32_t h = p->in_h;
    const int32_t wd = p->in_w;
    const int32_t c = p->channels;
    const int32_t mult = p->multiplier;
    const int32_t out = c * mult;
    const int32_t oh = mcu_conv_out_length(h, p->kernel_h, p->stride_h, p->dilation_h, p->padding);
    const int32_t ow = mcu_conv_out_length(wd, p->kernel_w, p->stride_w, p->dilation_w, p->padding);
    const int32_t pad_top = mcu_nn_pad_before(h, oh, p->kernel_h, p->stride_h, p->dilation_h, p->padding);
    const int32_t pad_left = mcu_nn_pad_before(wd, ow, p->kernel_w, p->stride_w, p->dilation_w, p->padding);
    int32_t oy;
    for (oy = 0; oy < oh; oy++) {
        int32_t ox;
        for (ox = 0; ox < ow; ox++) {
            int16_t *yp = y + ((size_t)oy * (size_t)ow + (size_t)ox) * (size_t)out;
            int32_t o;
            for (o = 0; o < out; o++) {
                const int32_t ch = o / mult;
                /* int64 accumulator as TFLite's 16x8 kernel; |acc| < 2^47 (int16 x int8 over the taps) */
                int64_t acc = 0;
                int32_t r;
                for (r = 0; r < p->kernel_h; r++) {
                    const int32_t iy = oy * p->stride_h - pad_top + r * p->dilation_h;
                    int32_t q;
                    if (iy < 0 || iy >= h) {
                        continue;
                    }
                    for (q = 0; q < p->kernel_w; q++) {
                        const int32_t ix = ox * p->stride_w - pad_left + q * p->dilation_w;
                        if (ix < 0 || ix >= wd) {
                            continue; /* TFLite skips taps outside the input: zero padding at zero point 0 */
                        }
                        acc += (int64_t)x[((size_t)iy * (size_t)wd + (size_t)ix) * (size_t)c + (size_t)ch]
                               * (int64_t)p->weights[(size_t)(r * p->kernel_w + q) * (size_t)out + (size_t)o];
                    }
                }
                {
                    const mcu_rescale_t *rs = p->rescale + (p->rescale_count == 1 ? 0 : o);
                    const int32_t v = mcu_requant_tfl_s64(acc + p->bias[o], rs->multiplier, rs->shift);
                    yp[o] = (int16_t)(v < p->act_min ? p->act_min : v > p->act_max ? p->act_max : v);
                }
            }
        }
    }
}
