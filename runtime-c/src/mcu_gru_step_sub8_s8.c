/**
 * @file mcu_gru_step_sub8_s8.c
 * @brief mcu_gru_step_sub8_s8(): one GRU step, int8 x and y, matrices int8 or packed 4- / 2-bit (see
 *        mcu_rnn.h; Java `GruCell.step`): the step body of mcu_gru_step_s8() with every matrix row read
 *        through mcu_rnn_sub8_internal.h.
 */
#include "mcu_rnn_sub8_internal.h"

/* The step body reads the candidate's recurrent product on the int16 state with mcu_rnn_row_acc_s16()
 * by name: here it is the width-aware row (its four-row loops only take MCU_WLAYOUT_PLAIN matrices, and
 * MCU_RNN_PACKED_INPUT is left undefined: no packed int8 layout is read). */
#define mcu_rnn_row_acc_s16 mcu_rnn_sub8_row_acc_s16
#define MCU_RNN_T int8_t
#define MCU_RNN_ROW_ACC mcu_rnn_sub8_row_acc_s8
#define MCU_RNN_ROWS4_ACC mcu_rnn_rows4_acc_s8
#define MCU_RNN_GATE mcu_rnn_sub8_gate_s8_s16
#include "mcu_gru_step_impl.h"
#undef mcu_rnn_row_acc_s16

void mcu_gru_step_sub8_s8(const mcu_gru_params_t *p, mcu_gru_state_t *state, const int8_t *x_t, int8_t *y,
                          int16_t *scratch)
{
    mcu_gru_step_body(p, state, x_t, NULL, y, scratch);
}
