/**
 * @file mcu_fixed.h
 * @brief The integer primitives (saturating rounding doubling high multiply, rounding divide by a
 *        power of two, requantization, saturating casts), bit-exact with the Java reference
 *        (`dev.mcugen.ir.fixed.FixedPoint`).
 *
 * Every function is `static inline`, C99, uses only `<stdint.h>` types and integer arithmetic, and
 * is free of undefined and implementation-defined behaviour for every argument in its stated
 * domain: no negative value is ever shifted (right shifts of negative values use the
 * `~(~x >> e)` form, left shifts of possibly negative values are multiplications by `1 << e`),
 * no signed overflow occurs, and every narrowing conversion is explicit and in range.
 *
 * Arguments outside a function's domain are caller bugs (the compiler guarantees them); the
 * functions do not check them. Dtype suffixes follow CMSIS-NN: `s8`, `s16`, `s32`.
 */
#ifndef MCU_FIXED_H
#define MCU_FIXED_H

#include <stdint.h>

/* Armv7-M / Armv7E-M (and A32): the SSAT instruction, through ACLE, for the saturating casts; the
 * portable comparisons below are the reference and the path everywhere else. */
#if defined(__ARM_FEATURE_SAT) && !defined(MCU_PORTABLE_ONLY)
#include <arm_acle.h>
#define MCU_FIXED_USE_SSAT 1
/* GCC's __builtin_arm_ssat is declared unsigned, so the ACLE macro trips -Wsign-conversion at every
 * use; the value is the signed saturated result, the warning is silenced here only. */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"
#endif
/** SSAT #8 (ACLE __ssat): x clamped to [-128, 127]. */
static inline int32_t mcu_ssat8_acle(int32_t x)
{
    return __ssat(x, 8);
}
/** SSAT #16 (ACLE __ssat): x clamped to [-32768, 32767]. */
static inline int32_t mcu_ssat16_acle(int32_t x)
{
    return __ssat(x, 16);
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Smallest `shift` accepted by mcu_requant_s32() and mcu_mul_pot_s32() (the TFLite range). */
#define MCU_MIN_SHIFT (-31)
/** Largest `shift` accepted by mcu_requant_s32() and mcu_mul_pot_s32(). */
#define MCU_MAX_SHIFT 30

/**
 * @brief Arithmetic shift right, `floor(x / 2^e)`.
 *
 * The `~(~x >> e)` form never shifts a negative value; GCC and Clang recognise the pair of branches
 * as one arithmetic shift (a single ASR on Arm), so it costs nothing over `x >> e`.
 * @param x any int32 value
 * @param e shift, 0 <= e <= 31
 * @return floor(x / 2^e)
 */
static inline int32_t mcu_asr_s32(int32_t x, int32_t e)
{
    return x >= 0 ? (x >> e) : ~(~x >> e);
}

/**
 * @brief The int32 whose two's complement bit pattern is `u` (C99 leaves `(int32_t)u` for
 *        u > INT32_MAX implementation-defined; this form is defined and compiles to no instruction).
 * @param u any uint32 value
 * @return u - 2^32 when u > INT32_MAX, else u
 */
static inline int32_t mcu_s32_from_u32(uint32_t u)
{
    return u > (uint32_t)INT32_MAX ? -(int32_t)(~u) - 1 : (int32_t)u;
}

/**
 * @brief mcu_srdhm_s32() for `b != INT32_MIN` (so never saturating): `floor((a * b + 2^30) / 2^31)`.
 *
 * Why this equals gemmlowp's form: for p = a * b >= 0, trunc((p + 2^30) / 2^31) is that floor; for
 * p < 0, trunc((p + 1 - 2^30) / 2^31) = -floor((-p - 1 + 2^30) / 2^31) = -ceil((-p - 2^30) / 2^31)
 * = floor((p + 2^30) / 2^31). The floor is the high bits of the 64-bit sum p + 2^30 read from bit 31,
 * computed here in unsigned arithmetic (no shift of a negative value): one SMULL, ADDS/ADC, LSRS/ORR
 * on Armv7-M, instead of a branch on the sign and a 64-bit division.
 * @param a any int32 value
 * @param b any int32 value but INT32_MIN (a requantization multiplier, a positive constant)
 * @return mcu_srdhm_s32(a, b)
 */
static inline int32_t mcu_srdhm_nosat_s32(int32_t a, int32_t b)
{
    const uint64_t u = (uint64_t)((int64_t)a * (int64_t)b) + ((uint64_t)1 << 30);
    return mcu_s32_from_u32((uint32_t)(u >> 31)); /* the low 32 bits of the floor, which fits int32 */
}

/**
 * @brief Saturating rounding doubling high multiply (gemmlowp `SaturatingRoundingDoublingHighMul`,
 *        Arm `VQRDMULH`).
 *
 * With p = a * b exact in int64 and nudge = p >= 0 ? 2^30 : 1 - 2^30, returns
 * trunc((p + nudge) / 2^31); a == b == INT32_MIN (the only overflow) gives INT32_MAX.
 * @param a any int32 value
 * @param b any int32 value
 * @return the rounded high half of 2 * a * b, in [INT32_MIN, INT32_MAX]
 */
static inline int32_t mcu_srdhm_s32(int32_t a, int32_t b)
{
    /* a * b + 2^30 never overflows int64: |a * b| <= 2^62 */
    return (a == INT32_MIN && b == INT32_MIN) ? INT32_MAX : mcu_srdhm_nosat_s32(a, b);
}

/**
 * @brief Rounding divide by a power of two, ties away from zero (gemmlowp `RoundingDivideByPOT`).
 * @param x any int32 value
 * @param e exponent, 0 <= e <= 31
 * @return x / 2^e rounded to nearest, ties away from zero; never overflows
 */
static inline int32_t mcu_rdivpot_s32(int32_t x, int32_t e)
{
    /* 32-bit masks (2^e - 1 is at most 2^31 - 1): no 64-bit arithmetic on 32-bit cores */
    const int32_t mask = (int32_t)(((uint32_t)1 << e) - 1u);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (int32_t)((uint32_t)x >> 31);
    return mcu_asr_s32(x, e) + (remainder > threshold ? 1 : 0);
}

/**
 * @brief mcu_rdivpot_s32() for x != INT32_MIN and e >= 1, without its mask and compare.
 *
 * With w = x - [x < 0] (cannot overflow as x > INT32_MIN), rounding ties away from zero is
 * floor((w + 2^(e-1)) / 2^e) (half up for x >= 0; for x < 0, floor((x + 2^(e-1) - 1) / 2^e) is half
 * down), and floor((w + 2^(e-1)) / 2^e) = floor(w / 2^e) + bit e-1 of w, which needs no addition
 * that could overflow. Four instructions on Arm (ADD with ASR #31, two ASR, AND) and an add.
 * @param x any int32 value but INT32_MIN
 * @param e exponent, 1 <= e <= 31
 * @return mcu_rdivpot_s32(x, e)
 */
static inline int32_t mcu_rdivpot_nomin_s32(int32_t x, int32_t e)
{
    const int32_t w = x + mcu_asr_s32(x, 31);
    return mcu_asr_s32(w, e) + (mcu_asr_s32(w, e - 1) & 1);
}

/**
 * @brief Saturating left shift, `x * 2^e` clamped to [INT32_MIN, INT32_MAX].
 * @param x any int32 value
 * @param e exponent, 0 <= e <= 30
 * @return x * 2^e, saturated
 */
static inline int32_t mcu_shl_sat_s32(int32_t x, int32_t e)
{
    const int32_t hi = INT32_MAX >> e; /* 2^(31-e) - 1, without a 64-bit shift */
    const int32_t lo = -hi - 1;
    return x > hi ? INT32_MAX : (x < lo ? INT32_MIN : x * ((int32_t)1 << e));
}

/**
 * @brief Multiply by a power of two, `x * 2^exponent`: mcu_shl_sat_s32() for a positive exponent,
 *        mcu_rdivpot_s32() (ties away from zero) for a negative one.
 * @param x any int32 value
 * @param exponent MCU_MIN_SHIFT (-31) <= exponent <= MCU_MAX_SHIFT (30)
 * @return x * 2^exponent, rounded and saturated
 */
static inline int32_t mcu_mul_pot_s32(int32_t x, int32_t exponent)
{
    return exponent >= 0 ? mcu_shl_sat_s32(x, exponent) : mcu_rdivpot_s32(x, -exponent);
}

/**
 * @brief Requantize by a quantized multiplier (TFLite `MultiplyByQuantizedMultiplier`,
 *        double-rounding form): rdivpot(srdhm(shl_sat(x, max(shift, 0)), multiplier),
 *        max(-shift, 0)), approximately x * multiplier * 2^(shift - 31).
 * @param x any int32 value (typically an accumulator)
 * @param multiplier 0, or in [2^30, 2^31 - 1]
 * @param shift MCU_MIN_SHIFT (-31) <= shift <= MCU_MAX_SHIFT (30)
 * @return the requantized value (int32; narrow it with mcu_sat_s8() / mcu_sat_s16())
 */
static inline int32_t mcu_requant_s32(int32_t x, int32_t multiplier, int32_t shift)
{
    /* multiplier is never INT32_MIN, so srdhm cannot saturate; the shifts are skipped when 0 (their
     * identity), which the common shift <= 0 case of accumulators meets on the left. |x M| <= 2^31
     * (2^31 - 1) makes the srdhm result > INT32_MIN, the domain of mcu_rdivpot_nomin_s32(). */
    const int32_t y = mcu_srdhm_nosat_s32(shift > 0 ? mcu_shl_sat_s32(x, shift) : x, multiplier);
    return shift < 0 ? mcu_rdivpot_nomin_s32(y, -shift) : y;
}

/**
 * @brief min(max(x, lo), hi).
 * @param x any int32 value
 * @param lo lower bound
 * @param hi upper bound, lo <= hi
 * @return x clamped to [lo, hi]
 */
static inline int32_t mcu_clamp_s32(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

/**
 * @brief Saturating cast to int8.
 * @param x any int32 value
 * @return x clamped to [-128, 127]
 */
static inline int8_t mcu_sat_s8(int32_t x)
{
#ifdef MCU_FIXED_USE_SSAT
    return (int8_t)mcu_ssat8_acle(x);
#else
    return (int8_t)(x < INT8_MIN ? INT8_MIN : (x > INT8_MAX ? INT8_MAX : x));
#endif
}

/**
 * @brief Saturating cast to int16.
 * @param x any int32 value
 * @return x clamped to [-32768, 32767]
 */
static inline int16_t mcu_sat_s16(int32_t x)
{
#ifdef MCU_FIXED_USE_SSAT
    return (int16_t)mcu_ssat16_acle(x);
#else
    return (int16_t)(x < INT16_MIN ? INT16_MIN : (x > INT16_MAX ? INT16_MAX : x));
#endif
}

/**
 * @brief Saturating int16 addition (the LSTM's cell and gate sums); the sum is exact in int32.
 * @param a any int16 value
 * @param b any int16 value
 * @return a + b clamped to [-32768, 32767]
 */
static inline int16_t mcu_add_sat_s16(int16_t a, int16_t b)
{
    return mcu_sat_s16((int32_t)a + (int32_t)b);
}

/**
 * @brief Saturating int16 subtraction.
 * @param a any int16 value
 * @param b any int16 value
 * @return a - b clamped to [-32768, 32767]
 */
static inline int16_t mcu_sub_sat_s16(int16_t a, int16_t b)
{
    return mcu_sat_s16((int32_t)a - (int32_t)b);
}

#ifdef __cplusplus
}
#endif

#endif /* MCU_FIXED_H */
