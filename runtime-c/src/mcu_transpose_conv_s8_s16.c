/**
 * @file mcu_transpose_conv_s8_s16.c
 * @brief mcu_transpose_conv_s8_s16() (int8_t in, int16_t out, int32_t accumulator) (see mcu_shape.h; Java `MovementKernels.transposeConv`).
 */
#include "mcu_shape.h"
#include "mcu_nn_internal.h"

#define MCU_TCONV_NAME mcu_transpose_conv_s8_s16
#define MCU_TCONV_IN_T int8_t
#define MCU_TCONV_OUT_T int16_t
#define MCU_TCONV_WIDE 0
#define MCU_TCONV_ACC_T int32_t
#include "mcu_transpose_conv_impl.h"
