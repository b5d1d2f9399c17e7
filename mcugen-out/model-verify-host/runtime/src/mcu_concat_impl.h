/**
 * @file mcu_concat_impl.h
 * @brief The body of mcu_concat_s8() and mcu_concat_s16() (Java `FeedForwardKernels.concat`).
 *
 * Private, included once per element type: the including file defines MCU_CONCAT_NAME (the function)
 * and MCU_CONCAT_T (the element type of the inputs and the output); both are undefined again at the
 * end. No include guard on purpose.
 */
void MCU_CONCAT_NAME(const mcu_concat_params_t *p, const MCU_CONCAT_T *const *x, MCU_CONCAT_T *y)
{
    MCU_CONCAT_T *yp = y;
    int32_t o;
    for (o = 0; o < p->outer; o++) {
        int32_t k;
        for (k = 0; k < p->num_inputs; k++) {
            const int32_t n = p->input_size[k];
            const int32_t zp = p->input_zp[k];
            const mcu_rescale_t *r = &p->input_rescale[k];
            const MCU_CONCAT_T *xp = x[k] + (size_t)o * (size_t)n;
            int32_t i;
            if (r->multiplier == 0 && r->shift == 0 && zp == p->output_zp) {
                /* The equal-scale case: a copy (the clamp keeps it equal to the formula's value). */
                for (i = 0; i < n; i++) {
                    const int32_t v = xp[i];
                    yp[i] = (MCU_CONCAT_T)(v < p->qmin ? p->qmin : (v > p->qmax ? p->qmax : v));
                }
            } else {
                for (i = 0; i < n; i++) {
                    yp[i] = (MCU_CONCAT_T)mcu_nn_add_zp_clamp(mcu_nn_rescale((int32_t)xp[i] - zp, r), p->output_zp,
                                                              p->qmin, p->qmax);
                }
            }
            yp += n;
        }
    }
}

#undef MCU_CONCAT_NAME
#undef MCU_CONCAT_T
