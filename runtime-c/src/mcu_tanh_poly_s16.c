/**
 * @file mcu_tanh_poly_s16.c
 * @brief mcu_tanh_poly_s16(): table-free tanh, gemmlowp int32 `tanh` on x * 2^16 in F m,
 *        narrowed to Q0.15 (`PolyActivation.tanh`).
 */
#include "mcu_activation.h"
#include "mcu_activation_internal.h"

int16_t mcu_tanh_poly_s16(int16_t x, int32_t integer_bits)
{
    const int32_t a = (int32_t)x * ((int32_t)1 << 16);
    int32_t e;
    int32_t t;
    if (a == 0) {
        return 0;
    }
    /* e = exp(-2|a|): the raw -|a| read with m + 1 integer bits */
    e = mcu_exp_on_negative_values_s32(a < 0 ? a : -a, integer_bits + 1);
    /* (1 - e) / (1 + e) = 2 / (1 + e) - 1 in F2, rescaled to F0 */
    t = mcu_shl_sat_s32(mcu_newton_reciprocal_s32(mcu_rounding_half_sum_s32(e, INT32_MAX))
                            - ((int32_t)1 << 29), 2);
    return mcu_q31_to_q15_s16(a < 0 ? -t : t);
}
