/**
 * @file mcu_global_max_pool_s16.c
 * @brief mcu_global_max_pool_s16() (see mcu_nn.h; Java `FeedForwardKernels.globalPool`, max).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

void mcu_global_max_pool_s16(const mcu_global_pool_params_t *p, const int16_t *x, int16_t *y)
{
    const int32_t c = p->channels;
    int32_t ch;
    for (ch = 0; ch < c; ch++) {
        int32_t m = INT32_MIN;
        int32_t i;
        for (i = 0; i < p->positions; i++) {
            const int32_t v = x[(size_t)i * (size_t)c + (size_t)ch];
            m = v > m ? v : m;
        }
        y[ch] = (int16_t)m;
    }
}
