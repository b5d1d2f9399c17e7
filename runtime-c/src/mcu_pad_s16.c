/**
 * @file mcu_pad_s16.c
 * @brief mcu_pad_s16() (see mcu_shape.h; Java `MovementKernels`, `QPad`).
 */
#include "mcu_shape.h"

#define MCU_PAD_NAME mcu_pad_s16
#define MCU_PAD_T int16_t
#include "mcu_pad_impl.h"
