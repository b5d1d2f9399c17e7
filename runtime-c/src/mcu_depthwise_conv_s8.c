/**
 * @file mcu_depthwise_conv_s8.c
 * @brief mcu_depthwise_conv_s8() (int8 in, int8 out, int32 accumulator) (see mcu_nn.h; Java `DepthwiseKernels.depthwiseConv`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"
#include "mcu_depthwise_conv_x4_impl.h"

#define MCU_DW_NAME mcu_depthwise_conv_s8
#define MCU_DW_T int8_t
#define MCU_DW_WIDE 0
#define MCU_DW_ACC_T int32_t
#define MCU_DW_X4 mcu_depthwise_conv_x4_s8
#include "mcu_depthwise_conv_impl.h"
