/**
 * @file mcu_lstm_input2_s8.c
 * @brief mcu_lstm_input2_s8(): the input accumulators of the four LSTM gates for one or two time steps
 *        (see mcu_rnn.h).
 */
#include "mcu_rnn_internal.h"

void mcu_lstm_input2_s8(const mcu_lstm_params_t *p, const int8_t *x0, const int8_t *x1, int32_t *acc)
{
    const int32_t u = p->units;
    /* gate order i, f, z, o; the CIFG input gate's slot stays unwritten (the step derives i from f) */
    if (p->input_gate != NULL) {
        mcu_rnn_input2_s8(&p->input_gate->input, x0, x1, acc, acc + 4 * u);
    }
    mcu_rnn_input2_s8(&p->forget_gate.input, x0, x1, acc + u, acc + 5 * u);
    mcu_rnn_input2_s8(&p->cell_gate.input, x0, x1, acc + 2 * u, acc + 6 * u);
    mcu_rnn_input2_s8(&p->output_gate.input, x0, x1, acc + 3 * u, acc + 7 * u);
}
