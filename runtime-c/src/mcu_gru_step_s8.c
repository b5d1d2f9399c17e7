/**
 * @file mcu_gru_step_s8.c
 * @brief One GRU step, both reset_after forms (Java `GruCell.step`).
 */
#include "mcu_rnn_internal.h"

void mcu_gru_step_s8(const mcu_gru_params_t *p, mcu_gru_state_t *state, const int8_t *x_t, int8_t *y,
                     int16_t *scratch)
{
    const int32_t u = p->units;
    int16_t *h = state->h;
    int16_t *z = scratch;
    int16_t *r = scratch + u;
    int16_t *mid = scratch + 2 * u;
    int16_t *hh = scratch + 3 * u;
    const int32_t shift = p->update_shift;
    const int32_t one = (int32_t)1 << shift;
    int32_t j;
    mcu_rnn_gate(&p->update_gate, x_t, NULL, h, NULL, z);
    mcu_rnn_gate(&p->reset_gate, x_t, NULL, h, NULL, r);
    if (!p->reset_after) {
        for (j = 0; j < u; j++) {
            mid[j] = (int16_t)mcu_rnn_mul_shift(r[j], h[j], p->reset_shift);
        }
    }
    for (j = 0; j < u; j++) {
        const int32_t sx = mcu_nn_rescale(mcu_rnn_row_acc_s8(&p->candidate_input, j, x_t),
                                          &p->candidate_input.rescale);
        int64_t sum;
        if (p->reset_after) {
            const int32_t rec = mcu_sat_s16(mcu_nn_rescale(mcu_rnn_row_acc_s16(&p->candidate_recurrent, j, h),
                                                           &p->candidate_recurrent.rescale));
            sum = (int64_t)sx + mcu_nn_rescale((int32_t)r[j] * rec, &p->reset_product_rescale);
        } else {
            sum = (int64_t)sx + mcu_nn_rescale(mcu_rnn_row_acc_s16(&p->candidate_recurrent, j, mid),
                                               &p->candidate_recurrent.rescale);
        }
        hh[j] = mcu_rnn_activation(&p->candidate_activation, mcu_sat_s16(mcu_rnn_sat32(sum)));
    }
    for (j = 0; j < u; j++) {
        /* |z h + (1 - z) hh| <= 2^30 for z in [0, 2^15]: exact in int32 */
        h[j] = mcu_sat_s16(mcu_rdivpot_s32(z[j] * h[j] + (one - z[j]) * hh[j], shift));
    }
    if (p->has_output_rescale && y != NULL) {
        for (j = 0; j < u; j++) {
            const int64_t v = (int64_t)mcu_nn_rescale(h[j], &p->output_rescale) + p->output_zp;
            y[j] = (int8_t)mcu_rnn_clamp64(v, p->output_min, p->output_max);
        }
    }
}
