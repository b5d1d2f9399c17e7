/**
 * @file mcu_depthwise_conv_impl.h
 * @brief The body of the mcu_depthwise_conv_* kernels (Java `DepthwiseKernels.depthwiseConv`).
 *
 * Private, included once per variant: the including file defines MCU_DW_NAME (the function),
 * MCU_DW_T (int8_t or int16_t, input and output), MCU_DW_WIDE and MCU_DW_ACC_T: 0 and int32_t for
 * the int32 accumulator with `bias` (int8, acc_shift 0), 1 and int64_t for the int64 accumulator with
 * `bias64` and the rounding `acc_shift` (int16); all are undefined again at the end. No include
 * guard on purpose. Portable scalar code, the same on every target; the int8 variant also defines
 * MCU_DW_X4, its multiplier-1 path (mcu_depthwise_conv_x4_impl.h).
 */
void MCU_DW_NAME(const mcu_depthwise_conv_params_t *p, const MCU_DW_T *x, MCU_DW_T *y)
{
    const int32_t h = p->in_h;
    const int32_t wd = p->in_w;
    const int32_t c = p->channels;
    const int32_t m = p->multiplier;
    const int32_t oc = c * m;
    const int32_t oh = mcu_conv_out_length(h, p->kernel_h, p->stride_h, p->dilation_h, p->padding);
    const int32_t ow = mcu_conv_out_length(wd, p->kernel_w, p->stride_w, p->dilation_w, p->padding);
    const int32_t pad_top = mcu_nn_pad_before(h, oh, p->kernel_h, p->stride_h, p->dilation_h, p->padding);
    const int32_t pad_left = mcu_nn_pad_before(wd, ow, p->kernel_w, p->stride_w, p->dilation_w, p->padding);
    int32_t oy;
#ifdef MCU_DW_X4
    if (m == 1) {
        MCU_DW_X4(p, x, y, oh, ow, pad_top, pad_left); /* the same integers, four channels per pass */
        return;
    }
#endif
    for (oy = 0; oy < oh; oy++) {
        int32_t ox;
        for (ox = 0; ox < ow; ox++) {
            MCU_DW_T *yp = y + ((size_t)oy * (size_t)ow + (size_t)ox) * (size_t)oc;
            int32_t o;
            for (o = 0; o < oc; o++) {
                const int32_t ch = o / m;
#if MCU_DW_WIDE
                MCU_DW_ACC_T acc = p->bias64[o];
#else
                MCU_DW_ACC_T acc = p->bias[o];
#endif
                int32_t r;
                int32_t a;
                for (r = 0; r < p->kernel_h; r++) {
                    const int32_t iy = oy * p->stride_h - pad_top + r * p->dilation_h;
                    int32_t q;
                    for (q = 0; q < p->kernel_w; q++) {
                        const int32_t ix = ox * p->stride_w - pad_left + q * p->dilation_w;
                        const int8_t w = p->weights[((size_t)r * (size_t)p->kernel_w + (size_t)q) * (size_t)oc + (size_t)o];
                        /* Padded taps read pad_value = zp_x, which the folded bias cancels exactly
                         * (the padding contract of QConv / QDepthwiseConv). */
                        const int32_t xv = (iy >= 0 && iy < h && ix >= 0 && ix < wd)
                                ? (int32_t)x[((size_t)iy * (size_t)wd + (size_t)ix) * (size_t)c + (size_t)ch]
                                : p->pad_value;
                        acc += (MCU_DW_ACC_T)xv * (MCU_DW_ACC_T)w;
                    }
                }
#if MCU_DW_WIDE
                /* int64 sum narrowed by the rounding shift of the accumulator-bound contract. */
                a = mcu_nn_narrow(acc, p->acc_shift);
#else
                a = acc;
#endif
                yp[o] = (MCU_DW_T)mcu_nn_add_zp_clamp(mcu_nn_rescale(a, &p->rescale[p->rescale_count == 1 ? 0 : o]),
                                                      p->output_zp, p->act_min, p->act_max);
            }
        }
    }
}

#undef MCU_DW_NAME
#undef MCU_DW_T
#undef MCU_DW_WIDE
#undef MCU_DW_ACC_T
#undef MCU_DW_X4
