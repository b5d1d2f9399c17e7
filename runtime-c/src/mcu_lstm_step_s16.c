/**
 * @file mcu_lstm_step_s16.c
 * @brief mcu_lstm_step_s16(): one LSTM step, int16 x, h and y, every LSTM variant (see mcu_rnn.h;
 *        Java `LstmCell.step`).
 */
#include "mcu_rnn_internal.h"

#define MCU_RNN_T int16_t
#define MCU_RNN_ROW_ACC mcu_rnn_row_acc_s16
#define MCU_RNN_GATE mcu_rnn_gate_s16_s16
#include "mcu_lstm_step_impl.h"

void mcu_lstm_step_s16(const mcu_lstm_params_t *p, mcu_lstm_state_s16_t *state, const int16_t *x_t, int16_t *y,
                       int16_t *scratch)
{
    /* m (projection only) takes the input gate's slot of the scratch: dead once c is updated */
    mcu_lstm_step_body(p, state->h, state->c, x_t, NULL, y, scratch, scratch);
}
