/**
 * @file mcu_conv_impl.h
 * @brief The body of the mcu_conv_* kernels (Java `FeedForwardKernels.conv`).
 *
 * Private, included once per variant: the including file defines MCU_CONV_NAME (the function),
 * MCU_CONV_IN_T (int8_t or int16_t), MCU_CONV_OUT_T (int8_t or int16_t), MCU_CONV_WIDE and
 * MCU_CONV_ACC_T: 0 and int32_t for the int32 accumulator with `bias` (int8 input, acc_shift 0), 1 and
 * int64_t for the int64 accumulator with `bias64` and the rounding `acc_shift` (int16 input); all
 * are undefined again at the end. No include guard on purpose.
 */
void MCU_CONV_NAME(const mcu_conv_params_t *p, const MCU_CONV_IN_T *x, MCU_CONV_OUT_T *y)
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
            MCU_CONV_OUT_T *yp = y + ((size_t)oy * (size_t)ow + (size_t)ox) * (size_t)f;
            int32_t o;
            for (o = 0; o < f; o++) {
#if MCU_CONV_WIDE
                MCU_CONV_ACC_T acc = p->bias64[o];
#else
                MCU_CONV_ACC_T acc = p->bias[o];
#endif
                int32_t r;
                int32_t a;
                for (r = 0; r < p->kernel_h; r++) {
                    const int32_t iy = oy * p->stride_h - pad_top + r * p->dilation_h;
                    int32_t q;
                    for (q = 0; q < p->kernel_w; q++) {
                        const int32_t ix = ox * p->stride_w - pad_left + q * p->dilation_w;
                        const int8_t *w = p->weights + ((size_t)r * (size_t)p->kernel_w + (size_t)q) * (size_t)c * (size_t)f + (size_t)o;
                        int32_t ch;
                        if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                            const MCU_CONV_IN_T *xp = x + ((size_t)iy * (size_t)wd + (size_t)ix) * (size_t)c;
                            for (ch = 0; ch < c; ch++) {
                                acc += (MCU_CONV_ACC_T)xp[ch] * (MCU_CONV_ACC_T)w[(size_t)ch * (size_t)f];
                            }
                        } else {
                            for (ch = 0; ch < c; ch++) {
                                acc += (MCU_CONV_ACC_T)p->pad_value * (MCU_CONV_ACC_T)w[(size_t)ch * (size_t)f];
                            }
                        }
                    }
                }
#if MCU_CONV_WIDE
                a = mcu_nn_narrow(acc, p->acc_shift);
#else
                a = acc;
#endif
                yp[o] = (MCU_CONV_OUT_T)mcu_nn_add_zp_clamp(mcu_nn_rescale(a, &p->rescale[p->rescale_count == 1 ? 0 : o]),
                                                            p->output_zp, p->act_min, p->act_max);
            }
        }
    }
}

#undef MCU_CONV_NAME
#undef MCU_CONV_IN_T
#undef MCU_CONV_OUT_T
#undef MCU_CONV_WIDE
#undef MCU_CONV_ACC_T
