/**
 * @file mcu_reverse_s8.c
 * @brief mcu_reverse_s8() (see mcu_nn.h; Java `dev.mcugen.ir.Reversal`).
 */
#include <stddef.h>

#include "mcu_nn.h"

#define MCU_REVERSE_NAME mcu_reverse_s8
#define MCU_REVERSE_T int8_t
#include "mcu_reverse_impl.h"
