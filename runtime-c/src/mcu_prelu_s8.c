/**
 * @file mcu_prelu_s8.c
 * @brief mcu_prelu_s8() (int8_t in, int8_t out) (see mcu_nn.h; Java `QPRelu`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

#define MCU_PRELU_NAME mcu_prelu_s8
#define MCU_PRELU_T int8_t
#include "mcu_prelu_impl.h"
