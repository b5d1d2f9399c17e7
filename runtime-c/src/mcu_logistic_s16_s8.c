/**
 * @file mcu_logistic_s16_s8.c
 * @brief mcu_logistic_s16_s8() (int16 in, e.g. a Q3.12 pre-activation, int8 out) (see mcu_nn.h; Java `FeedForwardKernels.logistic`).
 */
#include "mcu_activation.h"
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

#define MCU_LOGISTIC_NAME mcu_logistic_s16_s8
#define MCU_LOGISTIC_IN_T int16_t
#define MCU_LOGISTIC_OUT_T int8_t
#include "mcu_logistic_impl.h"
