/**
 * @file mcu_norm_internal.h
 * @brief The integer inverse square root of layer normalization (not public API), matching the Java
 *        `dev.mcugen.ir.fixed.InverseSqrt` step for step; shared by mcu_layer_norm_s8/_s16 and the
 *        layer-normalized LSTM gates (mcu_rnn_internal.h).
 */
#ifndef MCU_NORM_INTERNAL_H
#define MCU_NORM_INTERNAL_H

#include <stdint.h>

/** InverseSqrt.isqrt: floor(sqrt(x)) for 0 <= x < 2^62, bit by bit. */
static inline uint64_t mcu_norm_isqrt(uint64_t x)
{
    uint64_t result = 0;
    uint64_t bit = (uint64_t)1 << 62;
    uint64_t rem = x;
    while (bit > x) {
        bit >>= 2;
    }
    while (bit != 0) {
        if (rem >= result + bit) {
            rem -= result + bit;
            result = (result >> 1) + bit;
        } else {
            result >>= 1;
        }
        bit >>= 2;
    }
    return result;
}

/** Bit length of a positive value (64 - numberOfLeadingZeros). */
static inline int32_t mcu_norm_bit_length(uint64_t x)
{
#if defined(__GNUC__) && !defined(MCU_PORTABLE_ONLY)
    /* CLZ (twice on 32-bit cores) instead of up to 64 loop turns */
    return x == 0 ? 0 : 64 - __builtin_clzll(x);
#else
    int32_t n = 0;
    while (x != 0) {
        n++;
        x >>= 1;
    }
    return n;
#endif
}

/**
 * InverseSqrt.of: the quantized multiplier (*multiplier, *shift) of 2^frac_bits / sqrt(d) for
 * 0 < d < 2^62: k = (62 - bitlength(d)) / 2, r = isqrt(d 4^k), b = bitlength(r),
 * M = round(2^(30 + b) / r) (ties away from zero; M = 2^31 becomes 2^30 with b - 1),
 * shift = frac_bits + 1 + k - b, so that mcu_requant_s32(c, M, shift) ~ c 2^frac_bits / sqrt(d).
 */
static inline void mcu_norm_inv_sqrt(int64_t d, int32_t frac_bits, int32_t *multiplier, int32_t *shift)
{
    const int32_t k = (62 - mcu_norm_bit_length((uint64_t)d)) / 2;
    const uint64_t r = mcu_norm_isqrt((uint64_t)d << (2 * k));
    int32_t bits = mcu_norm_bit_length(r);
    uint64_t m = (((uint64_t)1 << (30 + bits)) + r / 2) / r;
    if (m == (uint64_t)1 << 31) {
        m = (uint64_t)1 << 30;
        bits--;
    }
    *multiplier = (int32_t)m;
    *shift = frac_bits + 1 + k - bits;
}

#endif /* MCU_NORM_INTERNAL_H */
