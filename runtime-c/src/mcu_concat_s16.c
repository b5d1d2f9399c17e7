/**
 * @file mcu_concat_s16.c
 * @brief mcu_concat_s16() (see mcu_nn.h; Java `FeedForwardKernels.concat`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

#define MCU_CONCAT_NAME mcu_concat_s16
#define MCU_CONCAT_T int16_t
#include "mcu_concat_impl.h"
