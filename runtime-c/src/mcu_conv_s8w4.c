/**
 * @file mcu_conv_s8w4.c
 * @brief mcu_conv_s8w4() (int8 in, 4-bit packed weights, int8 output; see mcu_nn.h; Java `FeedForwardKernels`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"
#include "mcu_sub8_internal.h"

#define MCU_CONV_SUB8_NAME mcu_conv_s8w4
#define MCU_CONV_SUB8_BITS 4
#define MCU_CONV_SUB8_OUT_T int8_t
#define MCU_CONV_SUB8_DEPTHWISE 0
#include "mcu_conv_sub8_impl.h"
