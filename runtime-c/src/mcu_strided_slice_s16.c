/**
 * @file mcu_strided_slice_s16.c
 * @brief mcu_strided_slice_s16() (see mcu_tfl.h; Java `TflKernels.stridedSlice`, `QStridedSlice`).
 */
#include <stddef.h>

#include "mcu_tfl.h"

#define MCU_SLICE_NAME mcu_strided_slice_s16
#define MCU_SLICE_T int16_t
#include "mcu_strided_slice_impl.h"
