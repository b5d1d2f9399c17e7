/**
 * @file mcu_conv_sub8_impl.h
 * @brief The body of mcu_conv_s8w4*, mcu_conv_s8w2*, mcu_depthwise_conv_s8w4 and _s8w2 (Java
 *        `FeedForwardKernels` conv / depthwise on the decoded weights).
 *
 * Private, included once per variant: the including file defines MCU_CONV_SUB8_NAME (the function),
 * MCU_CONV_SUB8_BITS (4 or 2), MCU_CONV_SUB8_OUT_T (int8_t or int16_t) and MCU_CONV_SUB8_DEPTHWISE
 * (1: each output channel o reads input channel o / multiplier over kernel_h * kernel_w taps; 0:
 * every input channel); all are undefined again at the end. No include guard on purpose.
 *
 * acc_o = bias_o + sum over taps of xv * w[o][column] with xv the input, or pad_value outside it (the
 * padding contract: the folded bias cancels it exactly), w decoded from its packed field
 * (mcu_sub8_weight()); the int32 accumulator is the one the compiler proved, then
 * y = clamp(output_zp + R_o(acc_o), act_min, act_max) as the int8 kernels.
 */
void MCU_CONV_SUB8_NAME(const mcu_conv_sub8_params_t *p, const int8_t *x, MCU_CONV_SUB8_OUT_T *y)
{
    const int32_t h = p->in_h;
    const int32_t wd = p->in_w;
    const int32_t c = p->channels;
    const int32_t f = p->out_channels;
    const int32_t taps = p->kernel_h * p->kernel_w;
    const int32_t cols = MCU_CONV_SUB8_DEPTHWISE ? taps : taps * c;
    const int32_t oh = mcu_conv_out_length(h, p->kernel_h, p->stride_h, p->dilation_h, p->padding);
    const int32_t ow = mcu_conv_out_length(wd, p->kernel_w, p->stride_w, p->dilation_w, p->padding);
    const int32_t pad_top = mcu_nn_pad_before(h, oh, p->kernel_h, p->stride_h, p->dilation_h, p->padding);
    const int32_t pad_left = mcu_nn_pad_before(wd, ow, p->kernel_w, p->stride_w, p->dilation_w, p->padding);
    int32_t oy;
    if (p->weights.bits != MCU_CONV_SUB8_BITS) {
        return; /* a params record of another width: nothing this kernel can read */
    }
    for (oy = 0; oy < oh; oy++) {
        int32_t ox;
        for (ox = 0; ox < ow; ox++) {
            MCU_CONV_SUB8_OUT_T *yp = y + ((size_t)oy * (size_t)ow + (size_t)ox) * (size_t)f;
            int32_t o;
            for (o = 0; o < f; o++) {
                int32_t acc = p->bias[o];
                int32_t r;
                for (r = 0; r < p->kernel_h; r++) {
                    const int32_t iy = oy * p->stride_h - pad_top + r * p->dilation_h;
                    int32_t q;
                    for (q = 0; q < p->kernel_w; q++) {
                        const int32_t ix = ox * p->stride_w - pad_left + q * p->dilation_w;
                        const int32_t inside = iy >= 0 && iy < h && ix >= 0 && ix < wd;
                        const int8_t *xp = inside ? x + ((size_t)iy * (size_t)wd + (size_t)ix) * (size_t)c : NULL;
#if MCU_CONV_SUB8_DEPTHWISE
                        const int32_t ch = o / p->multiplier;
                        const int32_t xv = inside ? (int32_t)xp[ch] : p->pad_value;
                        acc += xv * mcu_sub8_weight(&p->weights, cols, o, r * p->kernel_w + q);
#else
                        const int32_t col0 = (r * p->kernel_w + q) * c;
                        int32_t ch;
                        for (ch = 0; ch < c; ch++) {
                            const int32_t xv = inside ? (int32_t)xp[ch] : p->pad_value;
                            acc += xv * mcu_sub8_weight(&p->weights, cols, o, col0 + ch);
                        }
#endif
                    }
                }
                yp[o] = (MCU_CONV_SUB8_OUT_T)mcu_nn_add_zp_clamp(
                    mcu_nn_rescale(acc, &p->rescale[p->rescale_count == 1 ? 0 : o]), p->output_zp, p->act_min, p->act_max);
            }
        }
    }
}

#undef MCU_CONV_SUB8_NAME
#undef MCU_CONV_SUB8_BITS
#undef MCU_CONV_SUB8_OUT_T
#undef MCU_CONV_SUB8_DEPTHWISE
