/**
 * @file mcu_simple_rnn_step_impl.h
 * @brief The body of mcu_simple_rnn_step_s8() and mcu_simple_rnn_step_s16() (Java `SimpleRnnCell.step`).
 *
 * Private, included once per element type: the including file defines MCU_RNN_NAME (the function),
 * MCU_RNN_T (the element type of x_t and y) and MCU_RNN_ROW_ACC (the matVec row on an MCU_RNN_T
 * vector: mcu_rnn_row_acc_s8 or mcu_rnn_row_acc_s16); all are undefined again at the end. No include
 * guard on purpose.
 */
void MCU_RNN_NAME(const mcu_simple_rnn_params_t *p, mcu_simple_rnn_state_t *state, const MCU_RNN_T *x_t,
                  MCU_RNN_T *y, int16_t *scratch)
{
    const int32_t u = p->units;
    int16_t *h = state->h;
    int32_t j;
    for (j = 0; j < u; j++) {
        const int64_t sum = (int64_t)mcu_nn_rescale(MCU_RNN_ROW_ACC(&p->input, j, x_t), &p->input.rescale)
            + mcu_nn_rescale(mcu_rnn_row_acc_s16(&p->recurrent, j, h), &p->recurrent.rescale);
        scratch[j] = mcu_rnn_sat16_s64(sum);
    }
    /* every row reads the old h: the new one is written only once all sums are done */
    mcu_rnn_activation_vec(&p->activation, scratch, h, u);
    if (p->has_output_rescale && y != NULL) {
        for (j = 0; j < u; j++) {
            const int64_t v = (int64_t)mcu_nn_rescale(h[j], &p->output_rescale) + p->output_zp;
            y[j] = (MCU_RNN_T)mcu_rnn_clamp64(v, p->output_min, p->output_max);
        }
    }
}

#undef MCU_RNN_NAME
#undef MCU_RNN_T
#undef MCU_RNN_ROW_ACC
