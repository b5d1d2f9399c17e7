/**
 * @file mcu_softmax_s32_s8.c
 * @brief mcu_softmax_s32_s8() (int32 input: the raw accumulator of the layer before) (see mcu_nn.h; Java `FeedForwardKernels.softmax`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"
#include "mcu_softmax_internal.h"

#define MCU_SOFTMAX_NAME mcu_softmax_s32_s8
#define MCU_SOFTMAX_IN_T int32_t
#define MCU_SOFTMAX_OUT_T int8_t
#define MCU_SOFTMAX_DIFF_T int64_t
#include "mcu_softmax_impl.h"
