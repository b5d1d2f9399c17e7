/**
 * @file mcu_mean_tfl_impl.h
 * @brief The body of mcu_mean_tfl_s8 / _s16 (see mcu_tfl.h; Java `TflKernels.mean`, `QTflMean`).
 *
 * Private, included once per variant: the including file defines MCU_MEAN_NAME (the function),
 * MCU_MEAN_T (int8_t or int16_t), MCU_MEAN_MIN and MCU_MEAN_MAX (its range); all are undefined again
 * at the end. No include guard on purpose.
 */
void MCU_MEAN_NAME(const mcu_mean_tfl_params_t *p, const MCU_MEAN_T *x, MCU_MEAN_T *y)
{
    const int32_t c = p->channels;
    const int32_t n = p->in_h * p->in_w;
    int32_t ch;
    for (ch = 0; ch < c; ch++) {
        int32_t acc = 0;
        int32_t i;
        if (p->rounded) {
            int64_t a;
            for (i = 0; i < n; i++) {
                acc += (int32_t)x[i * c + ch] - p->input_zp;
            }
            a = mcu_nn_rescale(acc, &p->rescale);
            /* TFLite's reference_integer_ops::Mean: (acc +- n/2) / n with C's truncating division, in 64
             * bits so that no sum near the int32 limits wraps */
            a = a > 0 ? (a + n / 2) / n : (a - n / 2) / n;
            a += p->output_zp;
            y[ch] = (MCU_MEAN_T)(a < MCU_MEAN_MIN ? MCU_MEAN_MIN : (a > MCU_MEAN_MAX ? MCU_MEAN_MAX : a));
        } else {
            for (i = 0; i < n; i++) {
                acc += (int32_t)x[i * c + ch];
            }
            /* TFLite's reference_ops::Mean: the raw sum divided with truncation toward zero; the mean of
             * values of the type lies within it */
            y[ch] = (MCU_MEAN_T)(acc / n);
        }
    }
}

#undef MCU_MEAN_NAME
#undef MCU_MEAN_T
#undef MCU_MEAN_MIN
#undef MCU_MEAN_MAX
