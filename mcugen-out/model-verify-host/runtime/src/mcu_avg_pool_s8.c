/**
 * @file mcu_avg_pool_s8.c
 * @brief mcu_avg_pool_s8() (see mcu_nn.h; Java `FeedForwardKernels.pool`, average).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

#define MCU_POOL_NAME mcu_avg_pool_s8
#define MCU_POOL_T int8_t
#include "mcu_avg_pool_impl.h"
