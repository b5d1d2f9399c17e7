/**
 * @file mcu_conv_s8.c
 * @brief mcu_conv_s8() (int8 in, int8 out, int32 accumulator) (see mcu_nn.h; Java `FeedForwardKernels.conv`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

#define MCU_CONV_NAME mcu_conv_s8
#define MCU_CONV_IN_T int8_t
#define MCU_CONV_OUT_T int8_t
#define MCU_CONV_WIDE 0
#define MCU_CONV_ACC_T int32_t
#include "mcu_conv_impl.h"
