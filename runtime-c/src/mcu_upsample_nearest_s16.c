/**
 * @file mcu_upsample_nearest_s16.c
 * @brief mcu_upsample_nearest_s16() (see mcu_shape.h; Java `MovementKernels`, `QUpsample`).
 */
#include "mcu_shape.h"

#define MCU_UPSAMPLE_NAME mcu_upsample_nearest_s16
#define MCU_UPSAMPLE_T int16_t
#include "mcu_upsample_impl.h"
