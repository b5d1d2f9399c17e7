/**
 * @file mcu_global_avg_pool_s16.c
 * @brief mcu_global_avg_pool_s16() (see mcu_nn.h; Java `FeedForwardKernels.globalPool`, average).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

void mcu_global_avg_pool_s16(const mcu_global_pool_params_t *p, const int16_t *x, int16_t *y)
{
    const int32_t c = p->channels;
    const int32_t n = p->positions;
    int32_t ch;
    for (ch = 0; ch < c; ch++) {
        int32_t sum = 0;
        int32_t i;
        if (p->use_rescale) {
            for (i = 0; i < n; i++) {
                sum += (int32_t)x[(size_t)i * (size_t)c + (size_t)ch] - p->input_zp;
            }
            y[ch] = (int16_t)mcu_nn_add_zp_clamp(mcu_nn_rescale(sum, &p->rescale), p->output_zp, p->qmin, p->qmax);
        } else {
            for (i = 0; i < n; i++) {
                sum += x[(size_t)i * (size_t)c + (size_t)ch];
            }
            y[ch] = (int16_t)mcu_nn_div_round(sum, n);
        }
    }
}
