/**
 * @file mcu_lstm_step_sub8_s8.c
 * @brief mcu_lstm_step_sub8_s8(): one LSTM step, int8 x, h and y, matrices int8 or packed 4- / 2-bit
 *        (see mcu_rnn.h; Java `LstmCell.step`): the step body of mcu_lstm_step_s8() with the gates and
 *        the projection read through mcu_rnn_sub8_internal.h.
 */
#include "mcu_rnn_sub8_internal.h"

#define MCU_RNN_T int8_t
#define MCU_RNN_ROW_ACC mcu_rnn_sub8_row_acc_s8
#define MCU_RNN_GATE mcu_rnn_sub8_gate_s8_s8
#include "mcu_lstm_step_impl.h"

void mcu_lstm_step_sub8_s8(const mcu_lstm_params_t *p, mcu_lstm_state_t *state, const int8_t *x_t, int8_t *y,
                           int16_t *scratch16, int8_t *scratch8)
{
    mcu_lstm_step_body(p, state->h, state->c, x_t, NULL, y, scratch16, scratch8);
}
