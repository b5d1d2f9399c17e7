/**
 * @file mcu_sub_s8.c
 * @brief mcu_sub_s8(): Element-wise difference, int8_t (see mcu_nn.h; Java `ElementwiseKernels`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

#define MCU_ELT_NAME mcu_sub_s8
#define MCU_ELT_T int8_t
#define MCU_ELT_OP MCU_ELT_SUB
#include "mcu_elementwise_impl.h"
