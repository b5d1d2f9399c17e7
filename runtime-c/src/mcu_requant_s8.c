/**
 * @file mcu_requant_s8.c
 * @brief mcu_requant_s8() (see mcu_nn.h; Java `FeedForwardKernels.requant`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

void mcu_requant_s8(const mcu_requant_params_t *p, const int8_t *x, int32_t size, int8_t *y)
{
    const int32_t base = p->output_zp + p->offset;
    int32_t i;
    for (i = 0; i < size; i++) {
        const int32_t v = ((int32_t)x[i] - p->input_zp) * p->gain;
        y[i] = (int8_t)mcu_nn_add_zp_clamp(mcu_nn_rescale(v, &p->rescale), base, p->lo, p->hi);
    }
}
