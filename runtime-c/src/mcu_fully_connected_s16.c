/**
 * @file mcu_fully_connected_s16.c
 * @brief mcu_fully_connected_s16() (int16 in, int16 out, int64 accumulator) (see mcu_nn.h; Java `FeedForwardKernels.fullyConnected`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

#define MCU_FC_NAME mcu_fully_connected_s16
#define MCU_FC_IN_T int16_t
#define MCU_FC_OUT_T int16_t
#define MCU_FC_OUTPUT_X2 mcu_fc_output_x2_s16
#define MCU_FC_WIDE 1
#include "mcu_fully_connected_impl.h"
