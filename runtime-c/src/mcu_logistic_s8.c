/**
 * @file mcu_logistic_s8.c
 * @brief mcu_logistic_s8() (int8 in, int8 out) (see mcu_nn.h; Java `FeedForwardKernels.logistic`).
 */
#include "mcu_activation.h"
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

#define MCU_LOGISTIC_NAME mcu_logistic_s8
#define MCU_LOGISTIC_IN_T int8_t
#define MCU_LOGISTIC_OUT_T int8_t
#include "mcu_logistic_impl.h"
