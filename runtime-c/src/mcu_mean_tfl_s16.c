/**
 * @file mcu_mean_tfl_s16.c
 * @brief mcu_mean_tfl_s16() (see mcu_tfl.h; Java `TflKernels.mean`, `QTflMean`).
 */
#include "mcu_tfl.h"
#include "mcu_nn_internal.h"

#define MCU_MEAN_NAME mcu_mean_tfl_s16
#define MCU_MEAN_T int16_t
#define MCU_MEAN_MIN INT16_MIN
#define MCU_MEAN_MAX INT16_MAX
#include "mcu_mean_tfl_impl.h"
