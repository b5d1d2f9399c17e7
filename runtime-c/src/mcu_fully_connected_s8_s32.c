/**
 * @file mcu_fully_connected_s8_s32.c
 * @brief mcu_fully_connected_s8_s32() (see mcu_nn.h; Java `FeedForwardKernels.fullyConnected`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

void mcu_fully_connected_s8_s32(const mcu_fc_params_t *p, int32_t rows, const int8_t *x, int32_t *y)
{
    const int32_t in = p->input_size;
    const int32_t units = p->units;
    int32_t r;
    for (r = 0; r < rows; r++) {
        const int8_t *xr = x + (size_t)r * (size_t)in;
        int32_t *yr = y + (size_t)r * (size_t)units;
        int32_t o;
        for (o = 0; o < units; o++) {
            const int8_t *w = p->weights + o;
            int32_t acc = p->bias[o];
            int32_t i;
            for (i = 0; i < in; i++) {
                acc += (int32_t)xr[i] * (int32_t)w[(size_t)i * (size_t)units];
            }
            yr[o] = mcu_nn_add_zp_clamp(mcu_nn_rescale(acc, &p->rescale[p->rescale_count == 1 ? 0 : o]),
                                                p->output_zp, p->act_min, p->act_max);
        }
    }
}
