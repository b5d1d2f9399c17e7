/**
 * @file mcu_logistic_impl.h
 * @brief The body of the mcu_logistic_* kernels (Java `FeedForwardKernels.logistic`).
 *
 * Private, included once per variant: the including file defines MCU_LOGISTIC_NAME (the function),
 * MCU_LOGISTIC_IN_T and MCU_LOGISTIC_OUT_T (int8_t or int16_t); all are undefined again at the end.
 * No include guard on purpose.
 */
void MCU_LOGISTIC_NAME(const mcu_logistic_params_t *p, const MCU_LOGISTIC_IN_T *x, int32_t size, MCU_LOGISTIC_OUT_T *y)
{
    int32_t i;
    for (i = 0; i < size; i++) {
        const int16_t u = mcu_sat_s16(mcu_nn_rescale((int32_t)x[i] - p->input_zp, &p->input_rescale));
        int16_t v;
        if (p->function == MCU_LOGISTIC_SIGMOID) {
            v = p->impl == MCU_ACTIVATION_LUT ? mcu_sigmoid_lut_s16(u, MCU_GATE_INTEGER_BITS)
                                              : mcu_sigmoid_poly_s16(u, MCU_GATE_INTEGER_BITS);
        } else {
            v = p->impl == MCU_ACTIVATION_LUT ? mcu_tanh_lut_s16(u, MCU_GATE_INTEGER_BITS)
                                              : mcu_tanh_poly_s16(u, MCU_GATE_INTEGER_BITS);
        }
        y[i] = (MCU_LOGISTIC_OUT_T)mcu_nn_add_zp_clamp(mcu_nn_rescale(v, &p->output_rescale), p->output_zp, p->qmin,
                                                       p->qmax);
    }
}

#undef MCU_LOGISTIC_NAME
#undef MCU_LOGISTIC_IN_T
#undef MCU_LOGISTIC_OUT_T
