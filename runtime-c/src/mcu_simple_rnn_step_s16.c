/**
 * @file mcu_simple_rnn_step_s16.c
 * @brief mcu_simple_rnn_step_s16(): one SimpleRNN step, int16 x and y (see mcu_rnn.h; Java `SimpleRnnCell.step`).
 */
#include "mcu_rnn_internal.h"

#define MCU_RNN_NAME mcu_simple_rnn_step_s16
#define MCU_RNN_T int16_t
#define MCU_RNN_ROW_ACC mcu_rnn_row_acc_s16
#include "mcu_simple_rnn_step_impl.h"
