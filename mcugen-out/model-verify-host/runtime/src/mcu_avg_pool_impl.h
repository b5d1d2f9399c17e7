/**
 * @file mcu_avg_pool_impl.h
 * @brief The body of mcu_avg_pool_s8() and mcu_avg_pool_s16() (Java `FeedForwardKernels.pool`, average).
 *
 * Private, included once per element type: the including file defines MCU_POOL_NAME (the function)
 * and MCU_POOL_T (the element type); both are undefined again at the end. No include guard on purpose.
 */
void MCU_POOL_NAME(const mcu_pool_params_t *p, const MCU_POOL_T *x, MCU_POOL_T *y)
{
    const int32_t h = p->in_h;
    const int32_t wd = p->in_w;
    const int32_t c = p->channels;
    const int32_t oh = mcu_conv_out_length(h, p->kernel_h, p->stride_h, 1, p->padding);
    const int32_t ow = mcu_conv_out_length(wd, p->kernel_w, p->stride_w, 1, p->padding);
    const int32_t pad_top = mcu_nn_pad_before(h, oh, p->kernel_h, p->stride_h, 1, p->padding);
    const int32_t pad_left = mcu_nn_pad_before(wd, ow, p->kernel_w, p->stride_w, 1, p->padding);
    int32_t oy;
    for (oy = 0; oy < oh; oy++) {
        const int32_t r0 = oy * p->stride_h - pad_top;
        const int32_t r_min = r0 > 0 ? r0 : 0;
        const int32_t r_max = r0 + p->kernel_h < h ? r0 + p->kernel_h : h;
        int32_t ox;
        for (ox = 0; ox < ow; ox++) {
            const int32_t c0 = ox * p->stride_w - pad_left;
            const int32_t c_min = c0 > 0 ? c0 : 0;
            const int32_t c_max = c0 + p->kernel_w < wd ? c0 + p->kernel_w : wd;
            MCU_POOL_T *yp = y + ((size_t)oy * (size_t)ow + (size_t)ox) * (size_t)c;
            int32_t ch;
            for (ch = 0; ch < c; ch++) {
                int32_t sum = 0;
                int32_t n = 0;
                int32_t iy;
                for (iy = r_min; iy < r_max; iy++) {
                    int32_t ix;
                    for (ix = c_min; ix < c_max; ix++) {
                        const int32_t v = x[((size_t)iy * (size_t)wd + (size_t)ix) * (size_t)c + (size_t)ch];
                        sum += v;
                        n++;
                    }
                }
                yp[ch] = (MCU_POOL_T)mcu_nn_div_round(sum, n);
            }
        }
    }
}

#undef MCU_POOL_NAME
#undef MCU_POOL_T
