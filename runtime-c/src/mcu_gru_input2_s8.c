/**
 * @file mcu_gru_input2_s8.c
 * @brief mcu_gru_input2_s8(): the input accumulators of the three GRU input products for one or two
 *        time steps (see mcu_rnn.h).
 */
#include "mcu_rnn_internal.h"

void mcu_gru_input2_s8(const mcu_gru_params_t *p, const int8_t *x0, const int8_t *x1, int32_t *acc)
{
    const int32_t u = p->units;
    /* update, reset, candidate */
    mcu_rnn_input2_s8(&p->update_gate.input, x0, x1, acc, acc + 3 * u);
    mcu_rnn_input2_s8(&p->reset_gate.input, x0, x1, acc + u, acc + 4 * u);
    mcu_rnn_input2_s8(&p->candidate_input, x0, x1, acc + 2 * u, acc + 5 * u);
}
