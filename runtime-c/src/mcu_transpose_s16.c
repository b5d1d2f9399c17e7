/**
 * @file mcu_transpose_s16.c
 * @brief mcu_transpose_s16() (see mcu_shape.h; Java `MovementKernels`, `QTranspose`).
 */
#include "mcu_shape.h"

#define MCU_TRANSPOSE_NAME mcu_transpose_s16
#define MCU_TRANSPOSE_T int16_t
#include "mcu_transpose_impl.h"
