/**
 * @file mcu_gru_step_s8.c
 * @brief mcu_gru_step_s8(): one GRU step, int8 x and y, both reset_after forms (see mcu_rnn.h; Java
 *        `GruCell.step`).
 */
#include "mcu_rnn_internal.h"

#define MCU_RNN_NAME mcu_gru_step_s8
#define MCU_RNN_T int8_t
#define MCU_RNN_ROW_ACC mcu_rnn_row_acc_s8
#define MCU_RNN_ROWS4_ACC mcu_rnn_rows4_acc_s8
#define MCU_RNN_GATE mcu_rnn_gate_s8_s16
#include "mcu_gru_step_impl.h"
