/**
 * @file mcu_lstm_step_impl.h
 * @brief The body of mcu_lstm_step_s8() and mcu_lstm_step_s16(), every LSTM variant of mcu_rnn.h
 *        (Java `LstmCell.step`).
 *
 * Private, included once per element type: the including file defines MCU_RNN_T (the element type
 * of x_t, h, m and y), MCU_RNN_ROW_ACC (the matVec row on an MCU_RNN_T vector: mcu_rnn_row_acc_s8 or
 * mcu_rnn_row_acc_s16) and MCU_RNN_GATE (the gate reading an MCU_RNN_T x and h: mcu_rnn_gate_s8_s8
 * or mcu_rnn_gate_s16_s16); all are undefined again at the end. The body is a static function that
 * the public wrapper calls once (the state struct and the scratch arguments differ by width). No
 * include guard on purpose.
 *
 * `pre`, when not NULL, holds the input accumulators of the four gates (int32 [4 * units], gate order
 * i, f, z, o; mcu_lstm_input2_s8()) and x_t is not read.
 *
 * `m_buf` (MCU_RNN_T [units]) holds m when there is a projection; it may alias `scratch16[0..units)`
 * (the input gate, dead once c is updated). Without a projection m is written to h directly.
 */
static void mcu_lstm_step_body(const mcu_lstm_params_t *p, MCU_RNN_T *h, int16_t *c, const MCU_RNN_T *x_t,
                               const int32_t *pre, MCU_RNN_T *y, int16_t *scratch16, MCU_RNN_T *m_buf)
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
        MCU_RNN_GATE(p->input_gate, x_t, pre, h, c, gi);
    }
    MCU_RNN_GATE(&p->forget_gate, x_t, pre != NULL ? pre + u : NULL, h, c, gf);
    if (p->input_gate == NULL) {
        for (j = 0; j < u; j++) {
            const int32_t v = 32768 - (int32_t)gf[j]; /* CIFG: i = 1 - f in Q0.15, capped at 32767 */
            gi[j] = (int16_t)(v < 32767 ? v : 32767);
        }
    }
    MCU_RNN_GATE(&p->cell_gate, x_t, pre != NULL ? pre + 2 * u : NULL, h, NULL, gz);
    {
        /* hoisted: the shifts are per layer, the loop is per unit */
        const int32_t fs = p->cell_forget_shift;
        const int32_t is = p->cell_input_shift;
        for (j = 0; j < u; j++) {
            c[j] = mcu_rnn_sat16_s64((int64_t)mcu_rnn_mul_shift(gf[j], c[j], fs) + mcu_rnn_mul_shift(gi[j], gz[j], is));
        }
    }
    /* gi and gz are dead from here on (m_buf may alias gi); gf holds act(c), computed in one pass */
    mcu_rnn_activation_vec(&p->cell_activation, c, gf, u);
    MCU_RNN_GATE(&p->output_gate, x_t, pre != NULL ? pre + 3 * u : NULL, h, c, go);
    {
        const mcu_rescale_t hr = p->hidden_rescale;
        const int32_t zp = p->hidden_zp;
        const int32_t lo = p->hidden_min;
        const int32_t hi = p->hidden_max;
        for (j = 0; j < u; j++) {
            const int32_t prod = (int32_t)go[j] * (int32_t)gf[j];
            const int32_t r = hr.multiplier != 0 ? mcu_requant_s32(prod, hr.multiplier, hr.shift)
                                                 : mcu_mul_pot_s32(prod, hr.shift);
            m[j] = (MCU_RNN_T)mcu_rnn_clamp64((int64_t)r + zp, lo, hi);
        }
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
