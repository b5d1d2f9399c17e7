/**
 * @file mcu_pad_s8.c
 * @brief mcu_pad_s8() (see mcu_shape.h; Java `MovementKernels`, `QPad`).
 */
#include "mcu_shape.h"

#define MCU_PAD_NAME mcu_pad_s8
#define MCU_PAD_T int8_t
#include "mcu_pad_impl.h"
