/**
 * @file mcu_prelu_impl.h
 * @brief The body of the mcu_prelu_* kernels (Java `QPRelu`, simulator `ActivationKernels.prelu`).
 *
 * Private, included once per variant: the including file defines MCU_PRELU_NAME (the function) and
 * MCU_PRELU_T (int8_t or int16_t); both are undefined again at the end. No include guard on purpose.
 */
void MCU_PRELU_NAME(const mcu_prelu_params_t *p, const MCU_PRELU_T *x, int32_t size, MCU_PRELU_T *y)
{
    int32_t i;
    int32_t c = 0;
    for (i = 0; i < size; i++) {
        const int32_t d = (int32_t)x[i] - p->input_zp;
        /* QPRelu: identity side R_id(d), negative side R_alpha(d * g_c); both round as Rescale::apply. */
        const int32_t r = d >= 0 ? mcu_nn_rescale(d, &p->identity_rescale)
                                 : mcu_nn_rescale(d * (int32_t)p->gains[c], &p->alpha_rescale);
        y[i] = (MCU_PRELU_T)mcu_nn_add_zp_clamp(r, p->output_zp, p->qmin, p->qmax);
        c = c + 1 == p->gain_count ? 0 : c + 1;
    }
}

#undef MCU_PRELU_NAME
#undef MCU_PRELU_T
