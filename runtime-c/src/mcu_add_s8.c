/**
 * @file mcu_add_s8.c
 * @brief mcu_add_s8() (see mcu_nn.h; Java `FeedForwardKernels.add`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

/** Whether r is the multiplier form with a shift in [-31, 0] (what TFLite's ADD gives). */
static int mcu_add_rescale_right_only(const mcu_rescale_t *r)
{
    return r->multiplier != 0 && r->shift <= 0;
}

/**
 * An input rescale as the multiplier form with a shift <= 0, valid for even arguments (the input
 * terms (x - zp) 2^left_shift with left_shift >= 1): the power-of-two form 2^-e, e >= 1 (mcugen's own
 * quantization gives 1/2), is rdivpot(x, e), and for even x srdhm(x, 2^30) = x / 2 exactly, so
 * rdivpot(srdhm(x, 2^30), e - 1) = rdivpot(x, e). Returns 0 when r has no such form.
 */
static int mcu_add_input_right_only(const mcu_rescale_t *r, int32_t left_shift, mcu_rescale_t *out)
{
    if (mcu_add_rescale_right_only(r)) {
        *out = *r;
        return 1;
    }
    if (r->multiplier == 0 && r->shift <= -1 && left_shift >= 1) {
        out->multiplier = (int32_t)1 << 30;
        out->shift = r->shift + 1;
        return 1;
    }
    return 0;
}

/**
 * srdhm(x, m) (mcu_srdhm_nosat_s32()) from x2 = 2 x, |x2| < 2^31: floor((x m + 2^30) / 2^31)
 * = floor((x2 m + 2^31) / 2^32), one SMMULR on DSP cores.
 */
static inline int32_t mcu_add_srdhm_x2(int32_t x2, int32_t m)
{
#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(MCU_MATVEC_PORTABLE)
    int32_t h;
    __asm__("smmulr %0, %1, %2" : "=r"(h) : "r"(x2), "r"(m));
    return h;
#else
    const int64_t q = (int64_t)x2 * (int64_t)m + ((int64_t)1 << 31);
    return (int32_t)(q >= 0 ? q / ((int64_t)1 << 32) : ~(~q / ((int64_t)1 << 32)));
#endif
}

/**
 * rdivpot(h, e) for e >= 1 from em1 = e - 1 (mcu_rdivpot_nomin_s32(), ties away from zero, h != INT32_MIN):
 * with g = h - (h < 0), floor((g + 2^(e-1)) / 2^e) = floor((floor(g / 2^(e-1)) + 1) / 2), one shift
 * amount instead of two.
 */
static inline int32_t mcu_add_rdivpot(int32_t h, int32_t em1)
{
    return mcu_asr_s32(mcu_asr_s32(h + mcu_asr_s32(h, 31), em1) + 1, 1);
}

/**
 * Two operands whose three rescales all shift right only (r0, r1: the input rescales in the multiplier
 * form, see mcu_add_input_right_only()): the same formula as the general loop with
 * the parameters read once and the branches on the rescale form taken once per call. Each step is
 * mcu_requant_s32() for shift <= 0 (TFLite `MultiplyByQuantizedMultiplier`): srdhm, then a rounding
 * divide by 2^-shift, ties away from zero.
 */
static void mcu_add2_right_s8(const mcu_add_params_t *p, const mcu_rescale_t *r0, const mcu_rescale_t *r1,
                              const int8_t *x0, const int8_t *x1, int32_t size, int8_t *y)
{
    const int32_t scale2 = (int32_t)1 << (p->left_shift + 1); /* 2 (x - zp) 2^left_shift: SMMULR's doubled argument */
    const int32_t zp0 = p->input_zp[0];
    const int32_t zp1 = p->input_zp[1];
    const int32_t m0 = r0->multiplier;
    const int32_t m1 = r1->multiplier;
    const int32_t e0 = -r0->shift - 1; /* e - 1 of each rescale */
    const int32_t e1 = -r1->shift - 1;
    const int32_t mo = p->output_rescale.multiplier;
    const int32_t eo = -p->output_rescale.shift - 1;
    const int32_t zpo = p->output_zp;
    const int32_t lo = p->qmin;
    const int32_t hi = p->qmax;
    int32_t i;
    /* left_shift <= 20: |x - zp| <= 255, so |2 (x - zp) 2^left_shift| < 2^30, each |t_k| <= 255 2^20 (a
     * rescale of the multiplier form with shift <= 0 is at most 1) and |2 (t0 + t1)| < 2^30: every
     * SMMULR argument fits, and s + zpo fits int32 */
    /* an input rescale of exactly 1/2 (the multiplier 2^30, shift 0: the larger input scale's, as TFLite
     * and mcugen write it) halves its even argument exactly: srdhm(2 d 2^ls, 2^30) = d 2^(ls-1) */
    const int32_t half0 = m0 == (int32_t)1 << 30 && e0 == -1 && p->left_shift >= 1;
    const int32_t half1 = m1 == (int32_t)1 << 30 && e1 == -1 && p->left_shift >= 1;
    if (eo >= 0 && ((e0 >= 0 && (e1 >= 0 || half1)) || (half0 && e1 >= 0))) {
        /* every other shift right by at least 1 (TFLite's usual ADD): no branch per value, the zero points
         * folded into the products (x scale2 - zp scale2, exact) and the output zero point into the last
         * halving of the rounding divide (floor((t + 1 + 2 zpo) / 2) = floor((t + 1) / 2) + zpo, as the
         * packed Dense's output stage). Operand g is a general one, operand h general or the half. */
        const int swap = half0;
        const int8_t *xg = swap ? x1 : x0;
        const int8_t *xh = swap ? x0 : x1;
        const int32_t mg = swap ? m1 : m0;
        const int32_t eg = swap ? e1 : e0;
        const int32_t mh = swap ? m0 : m1;
        const int32_t eh = swap ? e0 : e1;
        const int32_t offg = -(swap ? zp1 : zp0) * scale2;
        const int32_t co = 1 + 2 * zpo;
        if (swap || half1) {
            const int32_t scale_h = scale2 / 4; /* 2^(left_shift - 1) */
            const int32_t offh = -(swap ? zp0 : zp1) * scale_h;
            for (i = 0; i < size; i++) {
                const int32_t tg = mcu_add_rdivpot(mcu_add_srdhm_x2((int32_t)xg[i] * scale2 + offg, mg), eg);
                const int32_t th = (int32_t)xh[i] * scale_h + offh;
                int32_t s = mcu_add_srdhm_x2(2 * (tg + th), mo);
                s = mcu_asr_s32(mcu_asr_s32(s + mcu_asr_s32(s, 31), eo) + co, 1);
                y[i] = (int8_t)(s < lo ? lo : (s > hi ? hi : s));
            }
        } else {
            const int32_t offh = -zp1 * scale2;
            for (i = 0; i < size; i++) {
                const int32_t tg = mcu_add_rdivpot(mcu_add_srdhm_x2((int32_t)xg[i] * scale2 + offg, mg), eg);
                const int32_t th = mcu_add_rdivpot(mcu_add_srdhm_x2((int32_t)xh[i] * scale2 + offh, mh), eh);
                int32_t s = mcu_add_srdhm_x2(2 * (tg + th), mo);
                s = mcu_asr_s32(mcu_asr_s32(s + mcu_asr_s32(s, 31), eo) + co, 1);
                y[i] = (int8_t)(s < lo ? lo : (s > hi ? hi : s));
            }
        }
        return;
    }
    for (i = 0; i < size; i++) {
        int32_t t0 = mcu_add_srdhm_x2(((int32_t)x0[i] - zp0) * scale2, m0);
        int32_t t1 = mcu_add_srdhm_x2(((int32_t)x1[i] - zp1) * scale2, m1);
        int32_t s;
        if (e0 >= 0) {
            t0 = mcu_add_rdivpot(t0, e0);
        }
        if (e1 >= 0) {
            t1 = mcu_add_rdivpot(t1, e1);
        }
        s = mcu_add_srdhm_x2(2 * (t0 + t1), mo);
        if (eo >= 0) {
            s = mcu_add_rdivpot(s, eo);
        }
        s += zpo;
        y[i] = (int8_t)(s < lo ? lo : (s > hi ? hi : s));
    }
}

void mcu_add_s8(const mcu_add_params_t *p, const int8_t *const *x, int32_t size, int8_t *y)
{
    const int32_t scale = (int32_t)1 << p->left_shift;
    int32_t i;
    mcu_rescale_t r0;
    mcu_rescale_t r1;
    if (p->num_inputs == 2 && p->left_shift <= 20 && mcu_add_input_right_only(&p->input_rescale[0], p->left_shift, &r0)
        && mcu_add_input_right_only(&p->input_rescale[1], p->left_shift, &r1)
        && mcu_add_rescale_right_only(&p->output_rescale)) {
        mcu_add2_right_s8(p, &r0, &r1, x[0], x[1], size, y);
        return;
    }
    for (i = 0; i < size; i++) {
        int32_t sum = 0;
        int32_t k;
        for (k = 0; k < p->num_inputs; k++) {
            const int32_t d = (int32_t)x[k][i] - p->input_zp[k];
            sum += mcu_nn_rescale(d * scale, &p->input_rescale[k]);
        }
        y[i] = (int8_t)mcu_nn_add_zp_clamp(mcu_nn_rescale(sum, &p->output_rescale), p->output_zp, p->qmin, p->qmax);
    }
}
