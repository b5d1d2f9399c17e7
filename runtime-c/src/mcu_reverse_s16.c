/**
 * @file mcu_reverse_s16.c
 * @brief mcu_reverse_s16() (see mcu_nn.h; Java `dev.mcugen.ir.Reversal`).
 */
#include <stddef.h>

#include "mcu_nn.h"

#define MCU_REVERSE_NAME mcu_reverse_s16
#define MCU_REVERSE_T int16_t
#include "mcu_reverse_impl.h"
