/**
 * @file mcu_depthwise_conv_s16.c
 * @brief mcu_depthwise_conv_s16() (int16 in, int16 out, int64 accumulator) (see mcu_nn.h; Java `DepthwiseKernels.depthwiseConv`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

#define MCU_DW_NAME mcu_depthwise_conv_s16
#define MCU_DW_T int16_t
#define MCU_DW_WIDE 1
#define MCU_DW_ACC_T int64_t
#include "mcu_depthwise_conv_impl.h"
