/**
 * @file mcu_requant_s8.c
 * @brief mcu_requant_s8() (int8 in, int8 out) (see mcu_nn.h; Java `FeedForwardKernels.requant`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

#define MCU_REQUANT_NAME mcu_requant_s8
#define MCU_REQUANT_IN_T int8_t
#define MCU_REQUANT_OUT_T int8_t
#define MCU_REQUANT_LUT 512 /* building the table costs about as much as requantizing 256 values */
#include "mcu_requant_impl.h"
