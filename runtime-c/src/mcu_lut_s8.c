/**
 * @file mcu_lut_s8.c
 * @brief mcu_lut_s8() (see mcu_nn.h; Java `QLut`, simulator `ActivationKernels.lut`).
 */
#include "mcu_nn.h"

void mcu_lut_s8(const int8_t *table, const int8_t *x, int32_t size, int8_t *y)
{
    int32_t i;
    for (i = 0; i < size; i++) {
        y[i] = table[(int32_t)x[i] + 128];
    }
}
