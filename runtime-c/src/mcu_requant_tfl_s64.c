/**
 * @file mcu_requant_tfl_s64.c
 * @brief mcu_requant_tfl_s64() (see mcu_tfl.h; Java `TflKernels.requant64`).
 */
#include "mcu_tfl.h"

int32_t mcu_requant_tfl_s64(int64_t x, int32_t multiplier, int32_t shift)
{
    /* TFLite's int64 MultiplyByQuantizedMultiplier: the multiplier rounded to 16 bits, then one
     * rounding shift (not the double rounding of the int32 path). */
    const int64_t reduced = multiplier < 0x7FFF0000 ? ((int64_t)multiplier + ((int64_t)1 << 15)) >> 16 : (int64_t)0x7FFF;
    const int32_t total = 15 - shift;
    const int64_t sum = x * reduced + ((int64_t)1 << (total - 1));
    /* floor(sum / 2^total) without shifting a negative value (implementation-defined in C99) */
    const int64_t floor = sum >= 0 ? sum >> total : ~(~sum >> total);
    return (int32_t)floor;
}
