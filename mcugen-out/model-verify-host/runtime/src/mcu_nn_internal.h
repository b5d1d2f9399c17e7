/**
 * @file mcu_nn_internal.h
 * @brief Shared integer steps of the mcu_nn.h kernels (not public API), matching the helpers of
 *        the Java `FeedForwardKernels` one for one.
 */
#ifndef MCU_NN_INTERNAL_H
#define MCU_NN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "mcu_fixed.h"
#include "mcu_nn.h"

/** Rescale::apply: power-of-two form when multiplier == 0, multiplier form otherwise. */
static inline int32_t mcu_nn_rescale(int32_t x, const mcu_rescale_t *r)
{
    return r->multiplier == 0 ? mcu_mul_pot_s32(x, r->shift) : mcu_requant_s32(x, r->multiplier, r->shift);
}

/** addZeroPointClamp: clamp(r + zp, lo, hi) computed without overflow. */
static inline int32_t mcu_nn_add_zp_clamp(int32_t r, int32_t zp, int32_t lo, int32_t hi)
{
    const int64_t sum = (int64_t)r + (int64_t)zp;
    return sum > hi ? hi : (sum < lo ? lo : (int32_t)sum);
}

/** rdivpot64: x / 2^e rounded to nearest, ties away from zero, 0 <= e <= 62. */
static inline int64_t mcu_nn_rdivpot_s64(int64_t x, int32_t e)
{
    const int64_t mask = ((int64_t)1 << e) - 1;
    const int64_t remainder = (int64_t)((uint64_t)x & (uint64_t)mask);
    const int64_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    const int64_t floor = x >= 0 ? (x >> e) : ~(~x >> e);
    return floor + (remainder > threshold ? 1 : 0);
}

/** narrow: the int32 accumulator after the optional rounding shift (the bound makes it fit). */
static inline int32_t mcu_nn_narrow(int64_t acc, int32_t acc_shift)
{
    return (int32_t)(acc_shift > 0 ? mcu_nn_rdivpot_s64(acc, acc_shift) : acc);
}

/** divRound: s / n rounded to nearest, ties away from zero, n > 0 (C99 division truncates). */
static inline int32_t mcu_nn_div_round(int32_t s, int32_t n)
{
    return (s >= 0 ? s + n / 2 : s - n / 2) / n;
}

/** TensorFlow's SAME split: padding before (0 for VALID); ShapeInference.padBefore. */
static inline int32_t mcu_nn_pad_before(int32_t n, int32_t out, int32_t kernel, int32_t stride, int32_t dilation,
                                        mcu_padding_t padding)
{
    int32_t total;
    if (padding == MCU_PADDING_VALID) {
        return 0;
    }
    total = (out - 1) * stride + (kernel - 1) * dilation + 1 - n;
    return total > 0 ? total / 2 : 0;
}

#endif /* MCU_NN_INTERNAL_H */
