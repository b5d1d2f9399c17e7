/**
 * @file mcu_requant_s16.c
 * @brief mcu_requant_s16() (int16 in, int16 out) (see mcu_nn.h; Java `FeedForwardKernels.requant`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

#define MCU_REQUANT_NAME mcu_requant_s16
#define MCU_REQUANT_IN_T int16_t
#define MCU_REQUANT_OUT_T int16_t
#include "mcu_requant_impl.h"
