/**
 * @file mcu_add_s16.c
 * @brief mcu_add_s16() (see mcu_nn.h; Java `FeedForwardKernels.add`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

void mcu_add_s16(const mcu_add_params_t *p, const int16_t *const *x, int32_t size, int16_t *y)
{
    const int32_t scale = (int32_t)1 << p->left_shift;
    int32_t i;
    for (i = 0; i < size; i++) {
        int32_t sum = 0;
        int32_t k;
        for (k = 0; k < p->num_inputs; k++) {
            const int32_t d = (int32_t)x[k][i] - p->input_zp[k];
            sum += mcu_nn_rescale(d * scale, &p->input_rescale[k]);
        }
        y[i] = (int16_t)mcu_nn_add_zp_clamp(mcu_nn_rescale(sum, &p->output_rescale), p->output_zp, p->qmin, p->qmax);
    }
}
