/**
 * @file mcu_lstm_step_s8.c
 * @brief One LSTM step, every seed 000 variant (Java `LstmCell.step`).
 */
#include "mcu_rnn_internal.h"

void mcu_lstm_step_s8(const mcu_lstm_params_t *p, mcu_lstm_state_t *state, const int8_t *x_t, int8_t *y,
                      int16_t *scratch16, int8_t *scratch8)
{
    const int32_t u = p->units;
    int8_t *h = state->h;
    int16_t *c = state->c;
    int16_t *gi = scratch16;
    int16_t *gf = scratch16 + u;
    int16_t *gz = scratch16 + 2 * u;
    int16_t *go = scratch16 + 3 * u;
    int8_t *m = p->projection != NULL ? scratch8 : h;
    int32_t out_units = u;
    int32_t j;
    if (p->input_gate != NULL) {
        mcu_rnn_gate(p->input_gate, x_t, h, NULL, c, gi);
    }
    mcu_rnn_gate(&p->forget_gate, x_t, h, NULL, c, gf);
    if (p->input_gate == NULL) {
        for (j = 0; j < u; j++) {
            const int32_t v = 32768 - (int32_t)gf[j]; /* seed 000 §3.2.9 */
            gi[j] = (int16_t)(v < 32767 ? v : 32767);
        }
    }
    mcu_rnn_gate(&p->cell_gate, x_t, h, NULL, NULL, gz);
    for (j = 0; j < u; j++) {
        const int64_t sum = (int64_t)mcu_rnn_mul_shift(gf[j], c[j], p->cell_forget_shift)
            + mcu_rnn_mul_shift(gi[j], gz[j], p->cell_input_shift);
        c[j] = mcu_sat_s16(mcu_rnn_sat32(sum));
    }
    mcu_rnn_gate(&p->output_gate, x_t, h, NULL, c, go);
    for (j = 0; j < u; j++) {
        const int32_t act = mcu_rnn_activation(&p->cell_activation, c[j]);
        const int64_t v = (int64_t)mcu_nn_rescale((int32_t)go[j] * act, &p->hidden_rescale) + p->hidden_zp;
        m[j] = (int8_t)mcu_rnn_clamp64(v, p->hidden_min, p->hidden_max);
    }
    if (p->projection != NULL) {
        out_units = p->projection->rows;
        for (j = 0; j < out_units; j++) {
            const int64_t v = (int64_t)mcu_nn_rescale(mcu_rnn_row_acc_s8(p->projection, j, m),
                                                      &p->projection->rescale) + p->output_zp;
            h[j] = (int8_t)mcu_rnn_clamp64(v, p->output_min, p->output_max);
        }
    }
    if (y != NULL) {
        for (j = 0; j < out_units; j++) {
            y[j] = h[j];
        }
    }
}
