/**
 * @file mcu_tanh_lut_s16.c
 * @brief mcu_tanh_lut_s16(): tanh(x) = 2 sigmoid(2x) - 1 on the sigmoid table
 *        (`LutActivation.tanh`; TFLM reference_integer_ops::Tanh for int16).
 */
#include "mcu_activation.h"
#include "mcu_activation_internal.h"

int16_t mcu_tanh_lut_s16(int16_t x, int32_t integer_bits)
{
    return mcu_tanh_lut_inline_s16(x, integer_bits);
}
