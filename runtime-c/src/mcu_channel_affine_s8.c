/**
 * @file mcu_channel_affine_s8.c
 * @brief mcu_channel_affine_s8() (see mcu_nn.h; Java `FeedForwardKernels.channelAffine`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

void mcu_channel_affine_s8(const mcu_channel_affine_params_t *p, const int8_t *x, int32_t size, int8_t *y)
{
    const int32_t c = p->channels;
    int32_t i;
    int32_t ch = 0;
    for (i = 0; i < size; i++) {
        const int32_t acc = mcu_nn_narrow((int64_t)x[i] * (int64_t)p->weights[ch] + (int64_t)p->bias[ch], 0);
        y[i] = (int8_t)mcu_nn_add_zp_clamp(mcu_nn_rescale(acc, &p->rescale[p->rescale_count == 1 ? 0 : ch]),
                                           p->output_zp, p->lo, p->hi);
        ch = ch + 1 == c ? 0 : ch + 1;
    }
}
