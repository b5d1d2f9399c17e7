/**
 * @file mcu_softmax_internal.h
 * @brief The fixed-point functions of integer softmax (not public API), bit-exact with the Java
 *        `dev.mcugen.ir.quant.SoftmaxMath` (gemmlowp fixedpoint.h, TFLite GetReciprocal). Bitwise
 *        operations act on the uint32_t representation.
 */
#ifndef MCU_SOFTMAX_INTERNAL_H
#define MCU_SOFTMAX_INTERNAL_H

#include <stdint.h>

#include "mcu_fixed.h"

/** Integer bits of the rescaled input difference (Q5.26). */
#define MCU_SOFTMAX_INPUT_INTEGER_BITS 5
/** Integer bits of the sum of exponentials (Q12.19). */
#define MCU_SOFTMAX_ACCUMULATION_INTEGER_BITS 12

/** exp(a) for a in Q0.31 within [-1/4, 0), result Q0.31 (Taylor expansion around -1/8). */
static inline int32_t mcu_softmax_exp_quarter(int32_t a)
{
    const int32_t constant_term = 1895147668;    /* exp(-1/8) in Q0.31 */
    const int32_t constant_one_third = 715827883; /* 1/3 in Q0.31 */
    const int32_t x = a + ((int32_t)1 << 28);
    const int32_t x2 = mcu_srdhm_s32(x, x);
    const int32_t x3 = mcu_srdhm_s32(x2, x);
    const int32_t x4 = mcu_srdhm_s32(x2, x2);
    const int32_t x4_over_4 = mcu_rdivpot_s32(x4, 2);
    const int32_t poly = mcu_rdivpot_s32(mcu_srdhm_s32(x4_over_4 + x3, constant_one_third) + x2, 1);
    return constant_term + mcu_srdhm_s32(constant_term, x + poly);
}

/** exp(a) for a <= 0 in Q5.26, result Q0.31; exp(0) = INT32_MAX. */
static inline int32_t mcu_softmax_exp_negative(int32_t a)
{
    static const int32_t barrel[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
    const int32_t fractional_bits = 31 - MCU_SOFTMAX_INPUT_INTEGER_BITS;
    const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
    const int32_t mask = one_quarter - 1;
    const int32_t a_mod_quarter_minus_quarter = (int32_t)((uint32_t)a & (uint32_t)mask) - one_quarter;
    int32_t result = mcu_softmax_exp_quarter(mcu_shl_sat_s32(a_mod_quarter_minus_quarter,
                                                             MCU_SOFTMAX_INPUT_INTEGER_BITS));
    const uint32_t remainder = (uint32_t)a_mod_quarter_minus_quarter - (uint32_t)a;
    int32_t i;
    for (i = 0; i < 7; i++) {
        if ((remainder & ((uint32_t)1 << (fractional_bits + i - 2))) != 0) {
            result = mcu_srdhm_s32(result, barrel[i]);
        }
    }
    return a == 0 ? INT32_MAX : result;
}

/** 1 / (1 + a) for a in Q0.31 within [0, 1), result Q0.31 (Newton-Raphson in Q2.29). */
static inline int32_t mcu_softmax_one_over_one_plus_x(int32_t a)
{
    const int64_t sum = (int64_t)a + INT32_MAX;
    const int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    const int32_t constant_48_over_17 = 1515870810;   /* Q2.29 */
    const int32_t constant_neg_32_over_17 = -1010580540; /* Q2.29 */
    int32_t x = constant_48_over_17 + mcu_srdhm_s32(half_denominator, constant_neg_32_over_17);
    int32_t i;
    for (i = 0; i < 3; i++) {
        const int32_t half_denominator_times_x = mcu_srdhm_s32(half_denominator, x);
        const int32_t one_minus = ((int32_t)1 << 29) - half_denominator_times_x;
        x = x + mcu_shl_sat_s32(mcu_srdhm_s32(x, one_minus), 2);
    }
    return mcu_shl_sat_s32(x, 1);
}

/** GetReciprocal(x, 12): x > 0 in Q12.19; returns r in Q0.31, *bits_over_unit = 12 - clz(x). */
static inline int32_t mcu_softmax_reciprocal(int32_t x, int32_t *bits_over_unit)
{
    uint32_t u = (uint32_t)x;
    int32_t headroom_plus_one = 0;
    while ((u & 0x80000000u) == 0) {
        u <<= 1;
        headroom_plus_one++;
    }
    *bits_over_unit = MCU_SOFTMAX_ACCUMULATION_INTEGER_BITS - headroom_plus_one;
    return mcu_softmax_one_over_one_plus_x((int32_t)(u - 0x80000000u));
}

#endif /* MCU_SOFTMAX_INTERNAL_H */
