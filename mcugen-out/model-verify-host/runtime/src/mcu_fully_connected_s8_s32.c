/**
 * @file mcu_fully_connected_s8_s32.c
 * @brief mcu_fully_connected_s8_s32() (int8 in, the raw int32 accumulator out) (see mcu_nn.h; Java `FeedForwardKernels.fullyConnected`).
 */
#include "mcu_nn.h"
#include "mcu_matvec.h"
#include "mcu_nn_internal.h"

#define MCU_FC_NAME mcu_fully_connected_s8_s32
#define MCU_FC_IN_T int8_t
#define MCU_FC_OUT_T int32_t
#define MCU_FC_OUTPUT_X2 mcu_fc_output_x2_s8_s32
#define MCU_FC_WIDE 0
#include "mcu_fully_connected_impl.h"
