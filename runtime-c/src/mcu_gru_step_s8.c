/**
 * @file mcu_gru_step_s8.c
 * @brief mcu_gru_step_s8() and mcu_gru_step_acc_s8(): one GRU step, int8 x and y, both reset_after forms
 *        (see mcu_rnn.h; Java `GruCell.step`). Both in one file: they share the step body (code size).
 */
#include "mcu_rnn_internal.h"

#define MCU_RNN_T int8_t
#define MCU_RNN_ROW_ACC mcu_rnn_row_acc_s8
#define MCU_RNN_ROWS4_ACC mcu_rnn_rows4_acc_s8
#define MCU_RNN_GATE mcu_rnn_gate_s8_s16
#define MCU_RNN_PACKED_INPUT 1
#include "mcu_gru_step_impl.h"

void mcu_gru_step_s8(const mcu_gru_params_t *p, mcu_gru_state_t *state, const int8_t *x_t, int8_t *y, int16_t *scratch)
{
    mcu_gru_step_body(p, state, x_t, NULL, y, scratch);
}

void mcu_gru_step_acc_s8(const mcu_gru_params_t *p, mcu_gru_state_t *state, const int32_t *acc_x, int8_t *y,
                         int16_t *scratch)
{
    mcu_gru_step_body(p, state, NULL, acc_x, y, scratch);
}
