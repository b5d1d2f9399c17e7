/**
 * @file mcu_depthwise_conv_s8.c
 * @brief mcu_depthwise_conv_s8() (int8 in, int8 out, int32 accumulator) (see mcu_nn.h; Java `DepthwiseKernels.depthwiseConv`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

#define MCU_DW_NAME mcu_depthwise_conv_s8
#define MCU_DW_T int8_t
#define MCU_DW_WIDE 0
#define MCU_DW_ACC_T int32_t
#include "mcu_depthwise_conv_impl.h"
