/**
 * @file mcu_mean_tfl_s8.c
 * @brief mcu_mean_tfl_s8() (see mcu_tfl.h; Java `TflKernels.mean`, `QTflMean`).
 */
#include "mcu_tfl.h"
#include "mcu_nn_internal.h"

#define MCU_MEAN_NAME mcu_mean_tfl_s8
#define MCU_MEAN_T int8_t
#define MCU_MEAN_MIN INT8_MIN
#define MCU_MEAN_MAX INT8_MAX
#include "mcu_mean_tfl_impl.h"
