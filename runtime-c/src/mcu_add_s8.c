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
 * Two operands whose three rescales all shift right only (r0, r1: the input rescales in the multiplier
 * form, see mcu_add_input_right_only()): the same formula as the general loop with
 * the parameters read once and the branches on the rescale form taken once per call. Each step is
 * mcu_requant_s32() for shift <= 0 (TFLite `MultiplyByQuantizedMultiplier`): srdhm, then a rounding
 * divide by 2^-shift, ties away from zero.
 */
static void mcu_add2_right_s8(const mcu_add_params_t *p, const mcu_rescale_t *r0, const mcu_rescale_t *r1,
                              const int8_t *x0, const int8_t *x1, int32_t size, int8_t *y)
{
    const int32_t scale = (int32_t)1 << p->left_shift;
    const int32_t zp0 = p->input_zp[0];
    const int32_t zp1 = p->input_zp[1];
    const int32_t m0 = r0->multiplier;
    const int32_t m1 = r1->multiplier;
    const int32_t e0 = -r0->shift;
    const int32_t e1 = -r1->shift;
    const int32_t mo = p->output_rescale.multiplier;
    const int32_t eo = -p->output_rescale.shift;
    const int32_t zpo = p->output_zp;
    const int32_t lo = p->qmin;
    const int32_t hi = p->qmax;
    int32_t i;
    for (i = 0; i < size; i++) {
        int32_t t0 = mcu_srdhm_nosat_s32(((int32_t)x0[i] - zp0) * scale, m0);
        int32_t t1 = mcu_srdhm_nosat_s32(((int32_t)x1[i] - zp1) * scale, m1);
        int32_t s;
        if (e0 > 0) {
            t0 = mcu_rdivpot_nomin_s32(t0, e0);
        }
        if (e1 > 0) {
            t1 = mcu_rdivpot_nomin_s32(t1, e1);
        }
        s = mcu_srdhm_nosat_s32(t0 + t1, mo);
        if (eo > 0) {
            s = mcu_rdivpot_nomin_s32(s, eo);
        }
        y[i] = (int8_t)mcu_nn_add_zp_clamp(s, zpo, lo, hi);
    }
}

void mcu_add_s8(const mcu_add_params_t *p, const int8_t *const *x, int32_t size, int8_t *y)
{
    const int32_t scale = (int32_t)1 << p->left_shift;
    int32_t i;
    mcu_rescale_t r0;
    mcu_rescale_t r1;
    if (p->num_inputs == 2 && mcu_add_input_right_only(&p->input_rescale[0], p->left_shift, &r0)
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
