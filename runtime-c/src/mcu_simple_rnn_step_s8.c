/**
 * @file mcu_simple_rnn_step_s8.c
 * @brief mcu_simple_rnn_step_s8(): one SimpleRNN step, int8 x and y (see mcu_rnn.h; Java `SimpleRnnCell.step`).
 */
#include "mcu_rnn_internal.h"

#define MCU_RNN_NAME mcu_simple_rnn_step_s8
#define MCU_RNN_T int8_t
#define MCU_RNN_ROW_ACC mcu_rnn_row_acc_s8
#include "mcu_simple_rnn_step_impl.h"
