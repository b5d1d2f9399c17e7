/**
 * @file mcu_transpose_conv_s16.c
 * @brief mcu_transpose_conv_s16() (int16_t in, int16_t out, int64_t accumulator) (see mcu_shape.h; Java `MovementKernels.transposeConv`).
 */
#include "mcu_shape.h"
#include "mcu_nn_internal.h"

#define MCU_TCONV_NAME mcu_transpose_conv_s16
#define MCU_TCONV_IN_T int16_t
#define MCU_TCONV_OUT_T int16_t
#define MCU_TCONV_WIDE 1
#define MCU_TCONV_ACC_T int64_t
#include "mcu_transpose_conv_impl.h"
