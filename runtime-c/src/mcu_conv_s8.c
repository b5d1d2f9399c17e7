/**
 * @file mcu_conv_s8.c
 * @brief mcu_conv_s8() (see mcu_nn.h; Java `FeedForwardKernels.conv`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

void mcu_conv_s8(const mcu_conv_params_t *p, const int8_t *x, int8_t *y)
{
    const int32_t h = p->in_h;
    const int32_t wd = p->in_w;
    const int32_t c = p->channels;
    const int32_t f = p->filters;
    const int32_t oh = mcu_conv_out_length(h, p->kernel_h, p->stride_h, p->dilation_h, p->padding);
    const int32_t ow = mcu_conv_out_length(wd, p->kernel_w, p->stride_w, p->dilation_w, p->padding);
    const int32_t pad_top = mcu_nn_pad_before(h, oh, p->kernel_h, p->stride_h, p->dilation_h, p->padding);
    const int32_t pad_left = mcu_nn_pad_before(wd, ow, p->kernel_w, p->stride_w, p->dilation_w, p->padding);
    int32_t oy;
    for (oy = 0; oy < oh; oy++) {
        int32_t ox;
        for (ox = 0; ox < ow; ox++) {
            int8_t *yp = y + ((size_t)oy * (size_t)ow + (size_t)ox) * (size_t)f;
            int32_t o;
            for (o = 0; o < f; o++) {
                int32_t acc = p->bias[o];
                int32_t r;
                for (r = 0; r < p->kernel_h; r++) {
                    const int32_t iy = oy * p->stride_h - pad_top + r * p->dilation_h;
                    int32_t q;
                    for (q = 0; q < p->kernel_w; q++) {
                        const int32_t ix = ox * p->stride_w - pad_left + q * p->dilation_w;
                        const int8_t *w = p->weights + ((size_t)r * (size_t)p->kernel_w + (size_t)q) * (size_t)c * (size_t)f + (size_t)o;
                        int32_t ch;
                        if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                            const int8_t *xp = x + ((size_t)iy * (size_t)wd + (size_t)ix) * (size_t)c;
                            for (ch = 0; ch < c; ch++) {
                                acc += (int32_t)xp[ch] * (int32_t)w[(size_t)ch * (size_t)f];
                            }
                        } else {
                            for (ch = 0; ch < c; ch++) {
                                acc += p->pad_value * (int32_t)w[(size_t)ch * (size_t)f];
                            }
                        }
                    }
                }
                yp[o] = (int8_t)mcu_nn_add_zp_clamp(mcu_nn_rescale(acc, &p->rescale[p->rescale_count == 1 ? 0 : o]),
                                                    p->output_zp, p->act_min, p->act_max);
            }
        }
    }
}
