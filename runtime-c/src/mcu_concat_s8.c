/**
 * @file mcu_concat_s8.c
 * @brief mcu_concat_s8() (see mcu_nn.h; Java `FeedForwardKernels.concat`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

#define MCU_CONCAT_NAME mcu_concat_s8
#define MCU_CONCAT_T int8_t
#include "mcu_concat_impl.h"
