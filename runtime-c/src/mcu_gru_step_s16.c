/**
 * @file mcu_gru_step_s16.c
 * @brief mcu_gru_step_s16(): one GRU step, int16 x and y, both reset_after forms (see mcu_rnn.h; Java
 *        `GruCell.step`).
 */
#include "mcu_rnn_internal.h"

#define MCU_RNN_T int16_t
#define MCU_RNN_ROW_ACC mcu_rnn_row_acc_s16
#define MCU_RNN_ROWS4_ACC mcu_rnn_rows4_acc_s16
#define MCU_RNN_GATE mcu_rnn_gate_s16_s16
#include "mcu_gru_step_impl.h"

void mcu_gru_step_s16(const mcu_gru_params_t *p, mcu_gru_state_t *state, const int16_t *x_t, int16_t *y, int16_t *scratch)
{
    mcu_gru_step_body(p, state, x_t, NULL, y, scratch);
}
