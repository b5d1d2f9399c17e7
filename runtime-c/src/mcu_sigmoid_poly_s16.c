/**
 * @file mcu_sigmoid_poly_s16.c
 * @brief mcu_sigmoid_poly_s16(): table-free sigmoid, gemmlowp int32 `logistic` on x * 2^16 in
 *        F m, narrowed to Q0.15 (`PolyActivation.sigmoid`).
 */
#include "mcu_activation.h"
#include "mcu_activation_internal.h"

int16_t mcu_sigmoid_poly_s16(int16_t x, int32_t integer_bits)
{
    const int32_t a = (int32_t)x * ((int32_t)1 << 16);
    int32_t p;
    if (a == 0) {
        return mcu_q31_to_q15_s16((int32_t)1 << 30); /* 1/2 */
    }
    /* 1 / (1 + exp(-|a|)): 2 / (1 + e) in F2 read as F1, rescaled to F0 */
    p = mcu_exp_on_negative_values_s32(a > 0 ? -a : a, integer_bits);
    p = mcu_shl_sat_s32(mcu_newton_reciprocal_s32(mcu_rounding_half_sum_s32(p, INT32_MAX)), 1);
    return mcu_q31_to_q15_s16(a > 0 ? p : INT32_MAX - p);
}
