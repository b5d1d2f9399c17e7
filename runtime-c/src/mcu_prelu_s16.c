/**
 * @file mcu_prelu_s16.c
 * @brief mcu_prelu_s16() (int16_t in, int16_t out) (see mcu_nn.h; Java `QPRelu`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

#define MCU_PRELU_NAME mcu_prelu_s16
#define MCU_PRELU_T int16_t
#include "mcu_prelu_impl.h"
