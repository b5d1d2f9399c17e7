/**
 * @file mcu_sigmoid_lut_s16.c
 * @brief mcu_sigmoid_lut_s16(): sigmoid by table lookup with linear interpolation
 *        (`LutActivation.sigmoid`; TFLM reference_integer_ops::Logistic for int16).
 */
#include "mcu_activation.h"
#include "mcu_activation_internal.h"

int16_t mcu_sigmoid_lut_s16(int16_t x, int32_t integer_bits)
{
    const int32_t v = mcu_lut_scaled_input_s32(x, integer_bits);
    const int32_t a = v >= 0 ? v : -v;
    const int32_t i = a >> 9;
    int32_t r;
    int32_t p;
    if (i >= MCU_SIGMOID_TABLE_SIZE - 1) {
        r = (int32_t)32767 << 10;
    } else {
        const int32_t lo = (int32_t)mcu_sigmoid_table_u16[i];
        const int32_t hi = (int32_t)mcu_sigmoid_table_u16[i + 1];
        r = (lo << 9) + (a & 511) * (hi - lo);
    }
    p = (r + ((int32_t)1 << 9)) >> 10; /* r >= 2^24: never a negative shift */
    return (int16_t)(v >= 0 ? p : 32768 - p);
}
