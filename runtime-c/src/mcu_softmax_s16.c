/**
 * @file mcu_softmax_s16.c
 * @brief mcu_softmax_s16() (see mcu_nn.h; Java `FeedForwardKernels.softmax`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"
#include "mcu_softmax_internal.h"

#define MCU_SOFTMAX_NAME mcu_softmax_s16
#define MCU_SOFTMAX_IN_T int16_t
#define MCU_SOFTMAX_OUT_T int16_t
#define MCU_SOFTMAX_DIFF_T int32_t
#include "mcu_softmax_impl.h"
