/**
 * @file mcu_sum_s16.c
 * @brief mcu_sum_s16(): Element-wise sum with per-channel broadcast, int16_t (see mcu_nn.h; Java `ElementwiseKernels`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

#define MCU_ELT_NAME mcu_sum_s16
#define MCU_ELT_T int16_t
#define MCU_ELT_OP MCU_ELT_SUM
#include "mcu_elementwise_impl.h"
