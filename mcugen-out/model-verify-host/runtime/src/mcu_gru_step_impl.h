/**
 * @file mcu_gru_step_impl.h
 * @brief The body of mcu_gru_step_s8() and mcu_gru_step_s16(), both reset_after forms (Java
 *        `GruCell.step`).
 *
 * Private, included once per element type: the including file defines MCU_RNN_T (the element type of x_t and y), MCU_RNN_ROW_ACC (the matVec row on an MCU_RNN_T vector:
 * mcu_rnn_row_acc_s8 or mcu_rnn_row_acc_s16), MCU_RNN_ROWS4_ACC (its four-row form where
 * MCU_RNN_HAVE_ROWS4_S16: mcu_rnn_rows4_acc_s8 or mcu_rnn_rows4_acc_s16) and MCU_RNN_GATE (the gate reading an MCU_RNN_T x and
 * the int16 state: mcu_rnn_gate_s8_s16 or mcu_rnn_gate_s16_s16); all are undefined again at the end.
 * The body is a static function that the public wrappers call. `pre`, when not NULL, holds the input
 * accumulators of the three input products (int32 [3 * units]: update, reset, candidate;
 * mcu_gru_input2_s8()) and x_t is not read. No include guard on purpose.
 */
static void mcu_gru_step_body(const mcu_gru_params_t *p, mcu_gru_state_t *state, const MCU_RNN_T *x_t,
                              const int32_t *pre, MCU_RNN_T *y, int16_t *scratch)
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
    MCU_RNN_GATE(&p->update_gate, x_t, pre, h, NULL, z);
    MCU_RNN_GATE(&p->reset_gate, x_t, pre != NULL ? pre + u : NULL, h, NULL, r);
    if (!p->reset_after) {
        for (j = 0; j < u; j++) {
            mid[j] = (int16_t)mcu_rnn_mul_shift(r[j], h[j], p->reset_shift);
        }
    }
    mcu_rnn_lean_t k = {0, 0, 0, 0, 0, 0}; /* set by mcu_rnn_lean_pair() when lean (zeroed: -Wmaybe-uninitialized) */
    /* reset_after 0: hh = sat16(sat32(R_in(acc_x) + R_rec(acc_rh))), a gate sum (mcu_rnn_gate_sum_lean()) */
    const int32_t lean = !p->reset_after && mcu_rnn_lean_pair(&p->candidate_input.rescale,
                                                              &p->candidate_recurrent.rescale, &k);
#ifdef MCU_RNN_PACKED_INPUT
    /* int8 x: the generator packs the candidate's input matrix in the target's layout (four rows per
     * pass of the block kernel, as the gates' input products) */
    MCU_MATVEC_BUFFER(bx, MCU_RNN_MATVEC_CHUNK);
    mcu_matvec_s8_t mx;
    const int32_t cand_packed = pre == NULL && p->candidate_input.weight_layout != MCU_WLAYOUT_PLAIN
                                && p->candidate_input.cols <= MCU_RNN_LEAN_COLS_S8;
    memset(&mx, 0, sizeof mx); /* begun only when cand_packed (-Wmaybe-uninitialized) */
    if (cand_packed) {
        mcu_matvec_s8_begin(&mx, p->candidate_input.weight_layout, p->candidate_input.weights,
                            p->candidate_input.cols, x_t, bx.h, bx.w, MCU_RNN_MATVEC_CHUNK);
    }
#endif
    for (j = 0; j < u; j += 4) {
        /* the candidate's two products four rows at a time where the target has the 4-row loops
         * (mcu_rnn_rows4_acc_*: the same exact accumulators), row by row otherwise */
        const int32_t n = u - j < 4 ? u - j : 4;
        const int16_t *hv = p->reset_after ? h : mid;
        int32_t ax[4];
        int32_t ah[4];
        int32_t q;
#ifdef MCU_RNN_HAVE_ROWS4_S16
        if (n == 4 && p->candidate_recurrent.weight_layout == MCU_WLAYOUT_PLAIN) {
            mcu_rnn_rows4_acc_s16(&p->candidate_recurrent, j, hv, ah);
        } else
#endif
        {
            for (q = 0; q < n; q++) {
                ah[q] = mcu_rnn_row_acc_s16(&p->candidate_recurrent, j + q, hv);
            }
        }
        if (pre != NULL) {
            for (q = 0; q < n; q++) {
                ax[q] = pre[2 * u + j + q];
            }
        }
#ifdef MCU_RNN_PACKED_INPUT
        else if (cand_packed) {
            mcu_matvec_s8_group(&mx, j / 4, ax);
            for (q = 0; q < n; q++) {
                ax[q] = mcu_rnn_bias_add(p->candidate_input.bias[j + q], ax[q]);
            }
        }
#endif
#ifdef MCU_RNN_HAVE_ROWS4_S16
        else if (n == 4 && p->candidate_input.weight_layout == MCU_WLAYOUT_PLAIN) {
            MCU_RNN_ROWS4_ACC(&p->candidate_input, j, x_t, ax);
        }
#endif
        else {
            for (q = 0; q < n; q++) {
                ax[q] = MCU_RNN_ROW_ACC(&p->candidate_input, j + q, x_t);
            }
        }
        for (q = 0; q < n; q++) {
            int32_t sx;
            int64_t sum;
            if (lean && mcu_rnn_below30(ax[q]) && mcu_rnn_below30(ah[q])) {
                hh[j + q] = mcu_rnn_gate_sum_lean(&k, ax[q], ah[q]);
                continue;
            }
            sx = mcu_nn_rescale(ax[q], &p->candidate_input.rescale);
            if (p->reset_after) {
                const int32_t rec = mcu_sat_s16(mcu_nn_rescale(ah[q], &p->candidate_recurrent.rescale));
                sum = (int64_t)sx + mcu_nn_rescale((int32_t)r[j + q] * rec, &p->reset_product_rescale);
            } else {
                sum = (int64_t)sx + mcu_nn_rescale(ah[q], &p->candidate_recurrent.rescale);
            }
            hh[j + q] = mcu_rnn_sat16_s64(sum);
        }
    }
    mcu_rnn_activation_vec(&p->candidate_activation, hh, hh, u);
    for (j = 0; j < u; j++) {
        /* |z h + (1 - z) hh| <= 2^30 for z in [0, 2^15]: exact in int32 */
        h[j] = mcu_sat_s16(mcu_rnn_round_shift(z[j] * h[j] + (one - z[j]) * hh[j], shift));
    }
    if (p->has_output_rescale && y != NULL) {
        for (j = 0; j < u; j++) {
            const int64_t v = (int64_t)mcu_nn_rescale(h[j], &p->output_rescale) + p->output_zp;
            y[j] = (MCU_RNN_T)mcu_rnn_clamp64(v, p->output_min, p->output_max);
        }
    }
}

#undef MCU_RNN_T
#undef MCU_RNN_ROW_ACC
#undef MCU_RNN_ROWS4_ACC
#undef MCU_RNN_GATE
#undef MCU_RNN_PACKED_INPUT
