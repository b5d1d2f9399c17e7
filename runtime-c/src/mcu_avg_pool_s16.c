/**
 * @file mcu_avg_pool_s16.c
 * @brief mcu_avg_pool_s16() (see mcu_nn.h; Java `FeedForwardKernels.pool`, average).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

#define MCU_POOL_NAME mcu_avg_pool_s16
#define MCU_POOL_T int16_t
#include "mcu_avg_pool_impl.h"
