/**
 * @file mcu_lut_s16.c
 * @brief mcu_lut_s16() (see mcu_nn.h; Java `QLut`, `LookupTable.lookup16`, TensorFlow Lite's int16
 *        `LUTLookup`).
 */
#include "mcu_nn.h"

void mcu_lut_s16(const int16_t *table, const int16_t *x, int32_t size, int16_t *y)
{
    int32_t i;
    for (i = 0; i < size; i++) {
        const int32_t u = (int32_t)x[i] + 32768; /* [0, 65535]: index and offset without a negative shift */
        const int32_t k = u >> 7;
        const int32_t o = u & 127;
        const int32_t slope = (int32_t)table[k + 1] - (int32_t)table[k];
        /* LookupTable.lookup16: floor((o * slope + 64) / 128); o * slope > -2^23, so the shifted value is
         * non-negative and the floor is a plain shift. */
        const int32_t delta = ((o * slope + 64 + (1 << 23)) >> 7) - (1 << 16);
        y[i] = (int16_t)((int32_t)table[k] + delta);
    }
}
