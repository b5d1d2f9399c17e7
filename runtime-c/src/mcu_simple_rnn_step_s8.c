/**
 * @file mcu_simple_rnn_step_s8.c
 * @brief One SimpleRNN step (Java `SimpleRnnCell.step`).
 */
#include "mcu_rnn_internal.h"

void mcu_simple_rnn_step_s8(const mcu_simple_rnn_params_t *p, mcu_simple_rnn_state_t *state, const int8_t *x_t,
                            int8_t *y, int16_t *scratch)
{
    const int32_t u = p->units;
    int16_t *h = state->h;
    int32_t j;
    for (j = 0; j < u; j++) {
        const int64_t sum = (int64_t)mcu_nn_rescale(mcu_rnn_row_acc_s8(&p->input, j, x_t), &p->input.rescale)
            + mcu_nn_rescale(mcu_rnn_row_acc_s16(&p->recurrent, j, h), &p->recurrent.rescale);
        scratch[j] = mcu_rnn_activation(&p->activation, mcu_sat_s16(mcu_rnn_sat32(sum)));
    }
    for (j = 0; j < u; j++) {
        h[j] = scratch[j];
    }
    if (p->has_output_rescale && y != NULL) {
        for (j = 0; j < u; j++) {
            const int64_t v = (int64_t)mcu_nn_rescale(h[j], &p->output_rescale) + p->output_zp;
            y[j] = (int8_t)mcu_rnn_clamp64(v, p->output_min, p->output_max);
        }
    }
}
