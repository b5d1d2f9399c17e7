/**
 * @file mcu_upsample_nearest_s8.c
 * @brief mcu_upsample_nearest_s8() (see mcu_shape.h; Java `MovementKernels`, `QUpsample`).
 */
#include "mcu_shape.h"

#define MCU_UPSAMPLE_NAME mcu_upsample_nearest_s8
#define MCU_UPSAMPLE_T int8_t
#include "mcu_upsample_impl.h"
