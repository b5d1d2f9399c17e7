/**
 * @file mcu_rnn_sub8_internal.h
 * @brief Matrix rows and gates of recurrent layers whose matrices may be narrower than 8 bits
 *        (mcu_rnn_matvec_t.sub8): the portable scalar path of ::mcu_lstm_step_sub8_s8 and
 *        ::mcu_gru_step_sub8_s8. Private.
 *
 * Each matrix is int8 (MCU_WLAYOUT_PLAIN, read by mcu_rnn_row_acc_s8() / _s16()) or packed
 * (MCU_WLAYOUT_SUB8, mcu_sub8_dot_s8() / _s16()); a row's accumulator is sat32(bias + W x) summed
 * exactly either way (Java `QMatVec`), and a gate is GateKernel.run row by row
 * (mcu_rnn_gate_sum(), mcu_rnn_gate_finish()): the integers of the int8 kernels.
 */
#ifndef MCU_RNN_SUB8_INTERNAL_H
#define MCU_RNN_SUB8_INTERNAL_H

#include "mcu_rnn_internal.h"
#include "mcu_sub8_internal.h"

/** Row r of QMatVec on an int8 vector, before the rescale: sat32(bias + sum w x), any width. */
static inline int32_t mcu_rnn_sub8_row_acc_s8(const mcu_rnn_matvec_t *m, int32_t r, const int8_t *x)
{
    if (m->weight_layout == MCU_WLAYOUT_SUB8) {
        return mcu_rnn_sat32((int64_t)m->bias[r] + mcu_sub8_dot_s8(&m->sub8, m->cols, r, x));
    }
    return mcu_rnn_row_acc_s8(m, r, x);
}

/** Row r of QMatVec on an int16 vector, before the rescale: sat32(bias + sum w x), any width. */
static inline int32_t mcu_rnn_sub8_row_acc_s16(const mcu_rnn_matvec_t *m, int32_t r, const int16_t *x)
{
    if (m->weight_layout == MCU_WLAYOUT_SUB8) {
        return mcu_rnn_sat32((int64_t)m->bias[r] + mcu_sub8_dot_s16(&m->sub8, m->cols, r, x));
    }
    return mcu_rnn_row_acc_s16(m, r, x);
}

/** The rows of one matrix on one int8 vector, whose sum packed rows take once (mcu_sub8_vec_s8()). */
typedef struct {
    const mcu_rnn_matvec_t *m;
    mcu_sub8_vec_s8_t v;
} mcu_rnn_sub8_rows_s8_t;

static inline void mcu_rnn_sub8_rows_s8(mcu_rnn_sub8_rows_s8_t *a, const mcu_rnn_matvec_t *m, const int8_t *x)
{
    a->m = m;
    mcu_sub8_vec_s8(&a->v, x, m->cols, m->weight_layout == MCU_WLAYOUT_SUB8 ? m->sub8.bits : 8);
}

/** Row r's sat32(bias + sum w x): mcu_rnn_sub8_row_acc_s8(), the same integer. */
static inline int32_t mcu_rnn_sub8_row_s8(const mcu_rnn_sub8_rows_s8_t *a, int32_t r)
{
    if (a->m->weight_layout == MCU_WLAYOUT_SUB8) {
        return mcu_rnn_sat32((int64_t)a->m->bias[r] + mcu_sub8_dot_vec_s8(&a->m->sub8, r, &a->v));
    }
    return mcu_rnn_row_acc_s8(a->m, r, a->v.x);
}

/** GateKernel.run with int8 x (or its accumulators `pre`) and int8 h (the LSTM). */
static inline void mcu_rnn_sub8_gate_s8_s8(const mcu_rnn_gate_t *g, const int8_t *x, const int32_t *pre,
                                           const int8_t *h, const int16_t *c, int16_t *out)
{
    mcu_rnn_sub8_rows_s8_t rx;
    mcu_rnn_sub8_rows_s8_t rh;
    int32_t j;
    if (pre == NULL) {
        mcu_rnn_sub8_rows_s8(&rx, &g->input, x);
    }
    mcu_rnn_sub8_rows_s8(&rh, &g->recurrent, h);
    for (j = 0; j < g->input.rows; j++) {
        const int32_t ax = pre != NULL ? pre[j] : mcu_rnn_sub8_row_s8(&rx, j);
        out[j] = mcu_rnn_gate_sum(g, j, ax, mcu_rnn_sub8_row_s8(&rh, j), c);
    }
    mcu_rnn_gate_finish(g, out);
}

/** GateKernel.run with int8 x (or its accumulators `pre`) and the int16 state h (the GRU). */
static inline void mcu_rnn_sub8_gate_s8_s16(const mcu_rnn_gate_t *g, const int8_t *x, const int32_t *pre,
                                            const int16_t *h, const int16_t *c, int16_t *out)
{
    mcu_rnn_sub8_rows_s8_t rx;
    int32_t j;
    if (pre == NULL) {
        mcu_rnn_sub8_rows_s8(&rx, &g->input, x);
    }
    for (j = 0; j < g->input.rows; j++) {
        const int32_t ax = pre != NULL ? pre[j] : mcu_rnn_sub8_row_s8(&rx, j);
        out[j] = mcu_rnn_gate_sum(g, j, ax, mcu_rnn_sub8_row_acc_s16(&g->recurrent, j, h), c);
    }
    mcu_rnn_gate_finish(g, out);
}

#endif /* MCU_RNN_SUB8_INTERNAL_H */
