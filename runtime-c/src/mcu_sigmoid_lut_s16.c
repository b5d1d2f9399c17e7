/**
 * @file mcu_sigmoid_lut_s16.c
 * @brief mcu_sigmoid_lut_s16(): sigmoid by table lookup with linear interpolation
 *        (`LutActivation.sigmoid`; TFLM reference_integer_ops::Logistic for int16).
 */
#include "mcu_activation.h"
#include "mcu_activation_internal.h"

int16_t mcu_sigmoid_lut_s16(int16_t x, int32_t integer_bits)
{
    return mcu_sigmoid_lut_inline_s16(x, integer_bits);
}
