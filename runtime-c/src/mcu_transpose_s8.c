/**
 * @file mcu_transpose_s8.c
 * @brief mcu_transpose_s8() (see mcu_shape.h; Java `MovementKernels`, `QTranspose`).
 */
#include "mcu_shape.h"

#define MCU_TRANSPOSE_NAME mcu_transpose_s8
#define MCU_TRANSPOSE_T int8_t
#include "mcu_transpose_impl.h"
