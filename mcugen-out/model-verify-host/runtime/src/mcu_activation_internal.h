/**
 * @file mcu_activation_internal.h
 * @brief Private helpers shared by the activation sources (not part of the public API): the `lut`
 *        input rescale and the gemmlowp int32 fixed-point building blocks of the `poly` scheme.
 *        Line-for-line ports of `LutActivation.scaledInput` and `PolyActivation`'s private methods.
 *
 * Notation: Fk is the int32 fixed-point format with k integer bits (real = raw / 2^(31 - k)).
 * Plain int32 `+` and `-` below cannot overflow: the Java reference uses exact (throwing)
 * arithmetic at the same places and is run over every int16 input and every m, and the host
 * tests run this code over the same inputs under -fsanitize=undefined.
 */
#ifndef MCU_ACTIVATION_INTERNAL_H
#define MCU_ACTIVATION_INTERNAL_H

#include <stdint.h>

#include "mcu_activation.h"
#include "mcu_fixed.h"

/**
 * The `lut` input in units of 1 / (3 * 4096): 3 x 2^(m - 3) for m >= 3; for m < 3,
 * floor((3 x + 2^(2 - m)) / 2^(3 - m)). Range: |v| <= 3 * 32768 * 16.
 */
static inline int32_t mcu_lut_scaled_input_s32(int16_t x, int32_t m)
{
    return m >= 3 ? 3 * (int32_t)x * ((int32_t)1 << (m - 3))
                  : mcu_asr_s32(3 * (int32_t)x + ((int32_t)1 << (2 - m)), 3 - m);
}

/**
 * The body of mcu_sigmoid_lut_s16() (`LutActivation.sigmoid`), inline so that the recurrent kernels
 * run it in their element loops without a call (and with m folded when it is a constant there).
 */
static inline int16_t mcu_sigmoid_lut_inline_s16(int16_t x, int32_t m)
{
    const int32_t v = mcu_lut_scaled_input_s32(x, m);
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

/** The body of mcu_tanh_lut_s16() (`LutActivation.tanh`), inline like mcu_sigmoid_lut_inline_s16(). */
static inline int16_t mcu_tanh_lut_inline_s16(int16_t x, int32_t m)
{
    const int32_t v = mcu_lut_scaled_input_s32(x, m);
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

/** gemmlowp RoundingHalfSum for int32: trunc((s + sign(s)) / 2), s = a + b exact in int64. */
static inline int32_t mcu_rounding_half_sum_s32(int32_t a, int32_t b)
{
    const int64_t s = (int64_t)a + (int64_t)b;
    return (int32_t)((s + (s >= 0 ? 1 : -1)) / 2);
}

/**
 * gemmlowp exp_on_interval_between_negative_one_quarter_and_0_excl: exp(a) in F0 for a in F0,
 * a in [-1/4, 0); 4th-order Taylor polynomial around -1/8.
 */
static inline int32_t mcu_exp_on_quarter_interval_s32(int32_t a)
{
    const int32_t exp_minus_one_eighth = 1895147668; /* exp(-1/8) in F0 */
    const int32_t one_third = 715827883;             /* 1/3 in F0 */
    const int32_t x = a + ((int32_t)1 << 28);        /* a + 1/8 */
    /* every srdhm here has an operand that is never INT32_MIN (x in [-1/8, 1/8), x2 >= 0, positive
     * constants): the non-saturating form is exact (the test runs every int16 input and m) */
    const int32_t x2 = mcu_srdhm_nosat_s32(x, x);
    const int32_t x3 = mcu_srdhm_nosat_s32(x2, x);
    const int32_t x4 = mcu_srdhm_nosat_s32(x2, x2);
    const int32_t x4_over_4 = mcu_rdivpot_s32(x4, 2);
    const int32_t poly = mcu_rdivpot_s32(mcu_srdhm_nosat_s32(x4_over_4 + x3, one_third) + x2, 1);
    return exp_minus_one_eighth + mcu_srdhm_nosat_s32(x + poly, exp_minus_one_eighth);
}

/**
 * gemmlowp exp_on_negative_values: exp(a) in F0 for a < 0 in Fm, 0 <= m <= 8: a = a multiple of
 * -1/4 plus a rest in [-1/4, 0); one multiplication by exp(-2^e) per set bit e in -2..4 of the
 * multiple; 0 below -32.
 */
static inline int32_t mcu_exp_on_negative_values_s32(int32_t a, int32_t m)
{
    static const int32_t exp_minus_pot[7] = { /* exp(-2^e) in F0, e = -2 .. 4 */
        1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242
    };
    const int32_t fractional_bits = 31 - m;
    const int32_t quarter = (int32_t)1 << (fractional_bits - 2);
    const int32_t aq = (int32_t)((uint32_t)a & (uint32_t)(quarter - 1)) - quarter;
    const int32_t rem = aq - a; /* >= 0 */
    int32_t result = mcu_exp_on_quarter_interval_s32(aq * ((int32_t)1 << m));
    int32_t e;
    for (e = -2; e < m && e <= 4; e++) {
        if ((rem & ((int32_t)1 << (fractional_bits + e))) != 0) {
            result = mcu_srdhm_nosat_s32(result, exp_minus_pot[e + 2]); /* positive constant */
        }
    }
    if (m > 5 && a < -((int32_t)1 << (36 - m))) { /* below -32 */
        result = 0;
    }
    return result;
}

/**
 * 1 / d in F2 for d = (1 + a) / 2 in F0, d in [1/2, 1]: initial guess 48/17 - 32/17 d, then three
 * Newton-Raphson steps.
 */
static inline int32_t mcu_newton_reciprocal_s32(int32_t d)
{
    const int32_t one_f2 = (int32_t)1 << 29;
    /* the operands below are constants or F2 values near 1..2 and their small corrections: never
     * INT32_MIN, so the non-saturating srdhm is exact */
    int32_t x = 1515870810 + mcu_srdhm_nosat_s32(d, -1010580540); /* 48/17 + d * (-32/17), F2 */
    int i;
    for (i = 0; i < 3; i++) {
        const int32_t one_minus_dx = one_f2 - mcu_srdhm_nosat_s32(d, x);
        x = x + mcu_shl_sat_s32(mcu_srdhm_nosat_s32(x, one_minus_dx), 2);
    }
    return x;
}

/** Q0.31 to Q0.15: satInt16(rdivpot(r, 16)). */
static inline int16_t mcu_q31_to_q15_s16(int32_t r)
{
    return mcu_sat_s16(mcu_rdivpot_s32(r, 16));
}

#endif /* MCU_ACTIVATION_INTERNAL_H */
