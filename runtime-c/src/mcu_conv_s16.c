/**
 * @file mcu_conv_s16.c
 * @brief mcu_conv_s16() (int16 in, int16 out, int64 accumulator) (see mcu_nn.h; Java `FeedForwardKernels.conv`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

#define MCU_CONV_NAME mcu_conv_s16
#define MCU_CONV_IN_T int16_t
#define MCU_CONV_OUT_T int16_t
#define MCU_CONV_WIDE 1
#define MCU_CONV_ACC_T int64_t
#include "mcu_conv_impl.h"
