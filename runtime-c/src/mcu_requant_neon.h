/**
 * @file mcu_requant_neon.h
 * @brief AArch64 NEON (`__ARM_NEON`, `__aarch64__`) output stage shared by the NEON convolution and
 *        depthwise kernels (mcu_conv_neon.h, mcu_depthwise_conv_neon.h): the int32 accumulators of 4
 *        channels rescaled, offset by the output zero point, clamped and narrowed to int8, the same
 *        integers as `mcu_nn_add_zp_clamp(mcu_nn_rescale(acc, r), zp, act_min, act_max)` lane by lane.
 *        Private; included by those headers only.
 *
 * Two forms of the rescale (mcu_nn_rescale(): TFLite's MultiplyByQuantizedMultiplier, a rounding
 * doubling high multiply then a rounding divide by a power of two, ties away from zero):
 * - the general one, mcu_matvec_neon_rescale() (any multiplier, shift, power-of-two form);
 * - the short one when every channel of the layer has a multiplier M != 0 and a shift s in [-31, -1]
 *   (right shift e = -s >= 1, the usual output scale): SQRDMULH gives h = srdhm(acc, M) exactly (its
 *   only saturation needs M = INT32_MIN, and M > 0); then rdivpot(h, e) = floor((g + 2^(e-1)) / 2^e)
 *   with g = h - [h < 0] (for h >= 0 ties round up; for h < 0 the remainder must exceed 2^(e-1), which
 *   is the floor of (h - 1 + 2^(e-1)) / 2^e), and g = h + (h >> 31) is one SSRA. It cannot wrap:
 *   h = INT32_MIN would need |acc| M >= 2^62, impossible with |acc| <= 2^31 and M < 2^31. SRSHL by -e
 *   adds 2^(e-1) in wider precision and shifts, so g near INT32_MAX does not overflow either.
 *   Three instructions per 4 channels instead of ten.
 *
 * Zero point and clamp on narrowed lanes: SQXTN saturates v to int16, SQADD adds zp in int16 with
 * saturation, SQXTN saturates to int8, SMAX/SMIN clamp to [act_min, act_max]. Exact: act_min and
 * act_max lie in [-128, 127] and |zp| <= 128, so a v that saturated to +-32767/-32768 gives
 * sat16(v) + zp beyond [-128, 127] on the same side as v + zp, and both clamp to the same bound; any
 * other v is carried exactly to the int8 saturation, which then agrees with the clamp.
 */
#ifndef MCU_REQUANT_NEON_H
#define MCU_REQUANT_NEON_H

#include <stdint.h>

#include <arm_neon.h>

#include "mcu_matvec.h"

/** The per-layer constants of the output stage. */
typedef struct {
    int16x8_t zp;     /**< output zero point in every lane */
    int8x16_t lo;     /**< act_min in every lane */
    int8x16_t hi;     /**< act_max in every lane */
    int32_t short_rq; /**< 1 when every rescale has M != 0 and shift in [-31, -1] (the short form above) */
    int32_t full;     /**< 1 when [act_min, act_max] is int8's whole range (the saturation is the clamp) */
} mcu_requant_neon_t;

/** Fills q from the layer's rescales (count 1 or per channel), zero point and clamp. */
static inline void mcu_requant_neon_init(mcu_requant_neon_t *q, const mcu_rescale_t *rescale, int32_t count,
                                         int32_t output_zp, int32_t act_min, int32_t act_max)
{
    int32_t i;
    q->zp = vdupq_n_s16((int16_t)output_zp);
    q->lo = vdupq_n_s8((int8_t)act_min);
    q->hi = vdupq_n_s8((int8_t)act_max);
    q->full = act_min == -128 && act_max == 127;
    q->short_rq = 1;
    for (i = 0; i < count; i++) {
        q->short_rq = q->short_rq && rescale[i].multiplier != 0 && rescale[i].shift <= -1 && rescale[i].shift >= -31;
    }
}

/**
 * The 4 rescales of channels o..o+3 (n of them valid, 1..4; the others repeat channel o) as vectors:
 * mult and shift lane by lane (count 1: the layer's one rescale in every lane).
 */
static inline void mcu_requant_neon_load(const mcu_rescale_t *rescale, int32_t count, int32_t o, int32_t n,
                                         int32x4_t *mult, int32x4_t *shift)
{
    if (count == 1) {
        *mult = vdupq_n_s32(rescale[0].multiplier);
        *shift = vdupq_n_s32(rescale[0].shift);
    } else if (n == 4) {
        const int32x4x2_t r = vld2q_s32(&rescale[o].multiplier);
        *mult = r.val[0];
        *shift = r.val[1];
    } else {
        int32_t m[4];
        int32_t s[4];
        int32_t i;
        for (i = 0; i < 4; i++) {
            m[i] = rescale[o + (i < n ? i : 0)].multiplier;
            s[i] = rescale[o + (i < n ? i : 0)].shift;
        }
        *mult = vld1q_s32(m);
        *shift = vld1q_s32(s);
    }
}

/** mcu_nn_rescale() of 4 lanes: the short form when q->short_rq, else the general one (see above). */
static inline __attribute__((always_inline)) int32x4_t mcu_requant_neon_rescale(const mcu_requant_neon_t *q,
                                                                                int32x4_t acc, int32x4_t mult,
                                                                                int32x4_t shift)
{
    if (q->short_rq) {
        const int32x4_t h = vqrdmulhq_s32(acc, mult);
        return vrshlq_s32(vsraq_n_s32(h, h, 31), shift);
    }
    return mcu_matvec_neon_rescale(acc, mult, shift);
}

/**
 * The int8 outputs of 16 rescaled lanes (a, b, c, d: 4 lanes each, in that order):
 * clamp(v + zp, act_min, act_max) (exact, see above).
 */
static inline __attribute__((always_inline)) int8x16_t mcu_requant_neon_narrow16(const mcu_requant_neon_t *q,
                                                                                 int32x4_t a, int32x4_t b,
                                                                                 int32x4_t c, int32x4_t d)
{
    const int16x8_t ab = vqaddq_s16(vqmovn_high_s32(vqmovn_s32(a), b), q->zp);
    const int16x8_t cd = vqaddq_s16(vqmovn_high_s32(vqmovn_s32(c), d), q->zp);
    int8x16_t r = vqmovn_high_s16(vqmovn_s16(ab), cd);
    if (!q->full) {
        r = vminq_s8(vmaxq_s8(r, q->lo), q->hi);
    }
    return r;
}

/** The int8 outputs of 8 rescaled lanes (a then b), as mcu_requant_neon_narrow16(). */
static inline __attribute__((always_inline)) int8x8_t mcu_requant_neon_narrow8(const mcu_requant_neon_t *q,
                                                                               int32x4_t a, int32x4_t b)
{
    int8x8_t r = vqmovn_s16(vqaddq_s16(vqmovn_high_s32(vqmovn_s32(a), b), q->zp));
    if (!q->full) {
        r = vmin_s8(vmax_s8(r, vget_low_s8(q->lo)), vget_low_s8(q->hi));
    }
    return r;
}

#endif /* MCU_REQUANT_NEON_H */
