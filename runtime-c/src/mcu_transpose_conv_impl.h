/**
 * @file mcu_transpose_conv_impl.h
 * @brief The body of the mcu_transpose_conv_* kernels (Java `MovementKernels.transposeConv`).
 *
 * Private, included once per variant: the including file defines MCU_TCONV_NAME (the function),
 * MCU_TCONV_IN_T, MCU_TCONV_OUT_T, MCU_TCONV_WIDE and MCU_TCONV_ACC_T (0 and int32_t with `bias`
 * for int8 input; 1 and int64_t with `bias64` and `acc_shift` for int16 input); all are undefined
 * again at the end. No include guard on purpose.
 *
 * Gather form: each output position visits the kernel taps (r, q) whose input position
 * iy = (oy + pad_top - r) / stride_h (exact division, inside the input) exists; the sum is the same
 * set of integer products the Java reference adds, and integer sums do not depend on the order.
 */
void MCU_TCONV_NAME(const mcu_transpose_conv_params_t *p, const MCU_TCONV_IN_T *x, MCU_TCONV_OUT_T *y)
{
    const int32_t h = p->in_h;
    const int32_t wd = p->in_w;
    const int32_t c = p->channels;
    const int32_t f = p->filters;
    const int32_t zp = p->input_zp;
    int32_t oy;
    for (oy = 0; oy < p->out_h; oy++) {
        int32_t ox;
        for (ox = 0; ox < p->out_w; ox++) {
            MCU_TCONV_OUT_T *yp = y + ((size_t)oy * (size_t)p->out_w + (size_t)ox) * (size_t)f;
            int32_t o;
            for (o = 0; o < f; o++) {
#if MCU_TCONV_WIDE
                MCU_TCONV_ACC_T acc = p->bias64[o];
#else
                MCU_TCONV_ACC_T acc = p->bias[o];
#endif
                int32_t r;
                int32_t a;
                for (r = 0; r < p->kernel_h; r++) {
                    const int32_t ty = oy + p->pad_top - r;
                    int32_t iy;
                    int32_t q;
                    if (ty < 0 || ty % p->stride_h != 0) {
                        continue;
                    }
                    iy = ty / p->stride_h;
                    if (iy >= h) {
                        continue;
                    }
                    for (q = 0; q < p->kernel_w; q++) {
                        const int32_t tx = ox + p->pad_left - q;
                        const int8_t *w;
                        const MCU_TCONV_IN_T *xp;
                        int32_t ix;
                        int32_t ch;
                        if (tx < 0 || tx % p->stride_w != 0) {
                            continue;
                        }
                        ix = tx / p->stride_w;
                        if (ix >= wd) {
                            continue;
                        }
                        w = p->weights + (((size_t)r * (size_t)p->kernel_w + (size_t)q) * (size_t)f + (size_t)o) * (size_t)c;
                        xp = x + ((size_t)iy * (size_t)wd + (size_t)ix) * (size_t)c;
                        /* Product contract: (x - zp_x) * w is in the accumulator's scale s_w s_x; the
                           recipe's overflow proof bounds the sum over every tap by int32 (int8) or,
                           after acc_shift, by int32 (int16). */
                        for (ch = 0; ch < c; ch++) {
                            acc += (MCU_TCONV_ACC_T)((int32_t)xp[ch] - zp) * (MCU_TCONV_ACC_T)w[ch];
                        }
                    }
                }
#if MCU_TCONV_WIDE
                /* Rounding shift right by acc_shift, half away from zero (the recipe's int64 pre-shift). */
                a = mcu_nn_narrow(acc, p->acc_shift);
#else
                a = acc;
#endif
                /* Requantization R_f = s_w s_x / s_y, then the output zero point and the activation clamp. */
                yp[o] = (MCU_TCONV_OUT_T)mcu_nn_add_zp_clamp(mcu_nn_rescale(a, &p->rescale[p->rescale_count == 1 ? 0 : o]),
                                                             p->output_zp, p->act_min, p->act_max);
            }
        }
    }
}

#undef MCU_TCONV_NAME
#undef MCU_TCONV_IN_T
#undef MCU_TCONV_OUT_T
#undef MCU_TCONV_WIDE
#undef MCU_TCONV_ACC_T
