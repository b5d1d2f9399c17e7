/**
 * @file mcu_lstm_step_impl.h
 * @brief The body of mcu_lstm_step_s8() and mcu_lstm_step_s16(), every seed 000 variant (Java
 *        `LstmCell.step`).
 *
 * Private, included once per element type: the including file defines MCU_RNN_T (the element type
 * of x_t, h, m and y), MCU_RNN_ROW_ACC (the matVec row on an MCU_RNN_T vector: mcu_rnn_row_acc_s8 or
 * mcu_rnn_row_acc_s16) and MCU_RNN_GATE (the gate reading an MCU_RNN_T x and h: mcu_rnn_gate_s8_s8
 * or mcu_rnn_gate_s16_s16); all are undefined again at the end. The body is a static function that
 * the public wrapper calls once (the state struct and the scratch arguments differ by width). No
 * include guard on purpose.
 *
 * `m_buf` (MCU_RNN_T [units]) holds m when there is a projection; it may alias `scratch16[0..units)`
 * (the input gate, dead once c is updated). Without a projection m is written to h directly.
 */
static void mcu_lstm_step_body(const mcu_lstm_params_t *p, MCU_RNN_T *h, int16_t *c, const MCU_RNN_T *x_t,
                               MCU_RNN_T *y, int16_t *scratch16, MCU_RNN_T *m_buf)
{
    const int32_t u = p->units;
    int16_t *gi = scratch16;
    int16_t *gf = scratch16 + u;
    int16_t *gz = scratch16 + 2 * u;
    int16_t *go = scratch16 + 3 * u;
    MCU_RNN_T *m = p->projection != NULL ? m_buf : h;
    int32_t out_units = u;
    int32_t j;
    if (p->input_gate != NULL) {
        MCU_RNN_GATE(p->input_gate, x_t, h, c, gi);
    }
    MCU_RNN_GATE(&p->forget_gate, x_t, h, c, gf);
    if (p->input_gate == NULL) {
        for (j = 0; j < u; j++) {
            const int32_t v = 32768 - (int32_t)gf[j]; /* seed 000 §3.2.9 */
            gi[j] = (int16_t)(v < 32767 ? v : 32767);
        }
    }
    MCU_RNN_GATE(&p->cell_gate, x_t, h, NULL, gz);
    for (j = 0; j < u; j++) {
        const int64_t sum = (int64_t)mcu_rnn_mul_shift(gf[j], c[j], p->cell_forget_shift)
            + mcu_rnn_mul_shift(gi[j], gz[j], p->cell_input_shift);
        c[j] = mcu_sat_s16(mcu_rnn_sat32(sum));
    }
    /* gi, gf and gz are dead from here on (m_buf may alias gi) */
    MCU_RNN_GATE(&p->output_gate, x_t, h, c, go);
    for (j = 0; j < u; j++) {
        const int32_t act = mcu_rnn_activation(&p->cell_activation, c[j]);
        const int64_t v = (int64_t)mcu_nn_rescale((int32_t)go[j] * act, &p->hidden_rescale) + p->hidden_zp;
        m[j] = (MCU_RNN_T)mcu_rnn_clamp64(v, p->hidden_min, p->hidden_max);
    }
    if (p->projection != NULL) {
        out_units = p->projection->rows;
        for (j = 0; j < out_units; j++) {
            const int64_t v = (int64_t)mcu_nn_rescale(MCU_RNN_ROW_ACC(p->projection, j, m), &p->projection->rescale)
                + p->output_zp;
            h[j] = (MCU_RNN_T)mcu_rnn_clamp64(v, p->output_min, p->output_max);
        }
    }
    if (y != NULL) {
        for (j = 0; j < out_units; j++) {
            y[j] = h[j];
        }
    }
}

#undef MCU_RNN_T
#undef MCU_RNN_ROW_ACC
#undef MCU_RNN_GATE
