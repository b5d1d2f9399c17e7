/**
 * @file mcu_logistic_s8.c
 * @brief mcu_logistic_s8() (see mcu_nn.h; Java `FeedForwardKernels.logistic`).
 */
#include "mcu_activation.h"
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

void mcu_logistic_s8(const mcu_logistic_params_t *p, const int8_t *x, int32_t size, int8_t *y)
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
        y[i] = (int8_t)mcu_nn_add_zp_clamp(mcu_nn_rescale(v, &p->output_rescale), p->output_zp, p->qmin, p->qmax);
    }
}
