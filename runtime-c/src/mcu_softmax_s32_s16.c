/**
 * @file mcu_softmax_s32_s16.c
 * @brief mcu_softmax_s32_s16() (int32 input: the raw accumulator of the layer before) (see mcu_nn.h; Java `FeedForwardKernels.softmax`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"
#include "mcu_softmax_internal.h"

void mcu_softmax_s32_s16(const mcu_softmax_params_t *p, int32_t rows, const int32_t *x, int16_t *y)
{
    const int32_t depth = p->depth;
    int32_t r;
    for (r = 0; r < rows; r++) {
        const int32_t *xr = x + (size_t)r * (size_t)depth;
        int16_t *yr = y + (size_t)r * (size_t)depth;
        int32_t max = INT32_MIN;
        int32_t sum = 0;
        int32_t bits_over_unit;
        int32_t reciprocal;
        int32_t exponent;
        int32_t c;
        for (c = 0; c < depth; c++) {
            max = xr[c] > max ? xr[c] : max;
        }
        /* Pass 1: the sum of the kept exponentials. The exponentials are recomputed in pass 2
         * instead of stored (no scratch buffer); the function is pure, so the values are equal. */
        for (c = 0; c < depth; c++) {
            const int64_t diff = (int64_t)xr[c] - (int64_t)max;
            if (diff >= (int64_t)p->diff_min) {
                const int32_t e = mcu_softmax_exp_negative(mcu_nn_rescale((int32_t)diff, &p->input_beta));
                sum += mcu_rdivpot_s32(e, MCU_SOFTMAX_ACCUMULATION_INTEGER_BITS);
            }
        }
        reciprocal = mcu_softmax_reciprocal(sum, &bits_over_unit);
        exponent = bits_over_unit + 31 - p->output_frac_bits;
        for (c = 0; c < depth; c++) {
            const int64_t diff = (int64_t)xr[c] - (int64_t)max;
            int32_t out = p->output_zp;
            if (diff >= (int64_t)p->diff_min) {
                const int32_t e = mcu_softmax_exp_negative(mcu_nn_rescale((int32_t)diff, &p->input_beta));
                out = mcu_nn_add_zp_clamp(mcu_rdivpot_s32(mcu_srdhm_s32(reciprocal, e), exponent),
                                          p->output_zp, p->qmin, p->qmax);
            }
            yr[c] = (int16_t)out;
        }
    }
}
