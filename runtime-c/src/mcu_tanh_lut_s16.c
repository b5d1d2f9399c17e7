/**
 * @file mcu_tanh_lut_s16.c
 * @brief mcu_tanh_lut_s16(): tanh(x) = 2 sigmoid(2x) - 1 on the sigmoid table
 *        (`LutActivation.tanh`; TFLM reference_integer_ops::Tanh for int16).
 */
#include "mcu_activation.h"
#include "mcu_activation_internal.h"

int16_t mcu_tanh_lut_s16(int16_t x, int32_t integer_bits)
{
    const int32_t v = mcu_lut_scaled_input_s32(x, integer_bits);
    const int32_t a = v >= 0 ? v : -v;
    const int32_t i = a >> 8;
    int32_t r;
    int32_t t;
    if (i >= MCU_SIGMOID_TABLE_SIZE - 1) {
        r = (int32_t)65535 << 8;
    } else {
        const int32_t lo = (int32_t)mcu_sigmoid_table_u16[i];
        const int32_t hi = (int32_t)mcu_sigmoid_table_u16[i + 1];
        r = (lo << 8) + (a & 255) * (hi - lo);
    }
    t = (r - ((int32_t)1 << 23) + ((int32_t)1 << 7)) >> 8; /* r >= 2^23: never a negative shift */
    return (int16_t)(v >= 0 ? t : -t);
}
