/**
 * @file mcu_softmax_impl.h
 * @brief The body of the mcu_softmax_* kernels (Java `FeedForwardKernels.softmax`).
 *
 * Private, included once per variant: the including file defines MCU_SOFTMAX_NAME (the function),
 * MCU_SOFTMAX_IN_T (int8_t, int16_t, or int32_t for the raw accumulator of the layer before) and
 * MCU_SOFTMAX_OUT_T, and MCU_SOFTMAX_DIFF_T, the type of x - max: int32_t for int8/int16 input, int64_t
 * for int32 input (where the difference of two int32 values can overflow int32); all are undefined
 * again at the end. No include guard on purpose.
 */
void MCU_SOFTMAX_NAME(const mcu_softmax_params_t *p, int32_t rows, const MCU_SOFTMAX_IN_T *x, MCU_SOFTMAX_OUT_T *y)
{
    const int32_t depth = p->depth;
    int32_t r;
    for (r = 0; r < rows; r++) {
        const MCU_SOFTMAX_IN_T *xr = x + (size_t)r * (size_t)depth;
        MCU_SOFTMAX_OUT_T *yr = y + (size_t)r * (size_t)depth;
        int32_t max = INT32_MIN;
        int32_t sum = 0;
        int32_t bits_over_unit;
        int32_t reciprocal;
        int32_t exponent;
        int32_t c;
        for (c = 0; c < depth; c++) {
            max = xr[c] > max ? xr[c] : max;
        }
        /* Pass 1: the sum of the kept exponentials. The exponentials are recomputed in pass 2
         * instead of stored (no scratch buffer); the function is pure, so the values are equal. */
        for (c = 0; c < depth; c++) {
            const MCU_SOFTMAX_DIFF_T diff = (MCU_SOFTMAX_DIFF_T)xr[c] - (MCU_SOFTMAX_DIFF_T)max;
            if (diff >= (MCU_SOFTMAX_DIFF_T)p->diff_min) {
                const int32_t e = mcu_softmax_exp_negative(mcu_nn_rescale((int32_t)diff, &p->input_beta));
                sum += mcu_rdivpot_s32(e, MCU_SOFTMAX_ACCUMULATION_INTEGER_BITS);
            }
        }
        reciprocal = mcu_softmax_reciprocal(sum, &bits_over_unit);
        exponent = bits_over_unit + 31 - p->output_frac_bits;
        for (c = 0; c < depth; c++) {
            const MCU_SOFTMAX_DIFF_T diff = (MCU_SOFTMAX_DIFF_T)xr[c] - (MCU_SOFTMAX_DIFF_T)max;
            int32_t out = p->output_zp;
            if (diff >= (MCU_SOFTMAX_DIFF_T)p->diff_min) {
                const int32_t e = mcu_softmax_exp_negative(mcu_nn_rescale((int32_t)diff, &p->input_beta));
                out = mcu_nn_add_zp_clamp(mcu_rdivpot_s32(mcu_srdhm_s32(reciprocal, e), exponent),
                                          p->output_zp, p->qmin, p->qmax);
            }
            yr[c] = (MCU_SOFTMAX_OUT_T)out;
        }
    }
}

#undef MCU_SOFTMAX_NAME
#undef MCU_SOFTMAX_IN_T
#undef MCU_SOFTMAX_OUT_T
#undef MCU_SOFTMAX_DIFF_T
