/**
 * @file test_rnn_lstm.c
 * @brief Host test: mcu_lstm_step_s8 and mcu_lstm_step_s16 against the Java LstmCell, step by step,
 *        every variant (golden table rnn_lstm, format in RnnGoldenVectors.writeLstm). Every other
 *        int8 step goes through mcu_lstm_input2_s8 + mcu_lstm_step_acc_s8 instead, with the two-step
 *        product of the ROWS4-packed input matrices (x and a second vector) checked against the
 *        one-step PLAIN product first.
 *        Usage: test_rnn_lstm [vector dir [table]].
 */
#include "mcu_matvec.h"
#include "mcu_rnn_stream.h"

static int8_t x8[4096];
static int8_t y8[4096];
static int8_t h8[4096];
static int8_t scratch8[4096];
static int16_t x16[4096];
static int16_t y16[4096];
static int16_t h16[4096];
static int16_t cell[4096];
static int16_t scratch16[4 * 4096];

#define PACK_MAX (1 << 20)
static int8_t packed[4][PACK_MAX];
static int8_t x1v[4096];
static int32_t acc[8 * 4096];
static int32_t acc_ref[8 * 4096];

/** m with its weights copied into buf in the ROWS4 layout (rows padded to 4, columns to 4, with 0). */
static mcu_rnn_matvec_t rows4_copy(const mcu_rnn_matvec_t *m, int8_t *buf)
{
    mcu_rnn_matvec_t k = *m;
    const int32_t rows_p = (m->rows + 3) & ~3;
    const int32_t cols_p = mcu_matvec_padded(m->cols);
    int32_t r, c;
    if ((long)rows_p * cols_p > PACK_MAX) {
        fprintf(stderr, "test_rnn_lstm: matrix too large for the packing buffer\n");
        exit(1);
    }
    memset(buf, 0, (size_t)rows_p * (size_t)cols_p);
    for (r = 0; r < m->rows; r++) {
        for (c = 0; c < m->cols; c++) {
            buf[mcu_matvec_offset(MCU_WLAYOUT_ROWS4, m->cols, r, c)] = m->weights[(size_t)r * (size_t)m->cols + (size_t)c];
        }
    }
    k.weights = buf;
    k.weight_layout = MCU_WLAYOUT_ROWS4;
    return k;
}

/**
 * The two-step product of the ROWS4 copies (x, and x reversed) must equal the one-step products of
 * the PLAIN matrices; leaves x's accumulators in acc for mcu_lstm_step_acc_s8.
 */
static void check_input2(mcu_stream_t *s, const mcu_lstm_params_t *p, int32_t in)
{
    mcu_lstm_params_t k = *p;
    mcu_rnn_gate_t ig;
    const int32_t u = p->units;
    int32_t j, g;
    for (j = 0; j < in; j++) {
        x1v[j] = x8[in - 1 - j];
    }
    if (p->input_gate != NULL) {
        ig = *p->input_gate;
        ig.input = rows4_copy(&p->input_gate->input, packed[0]);
        k.input_gate = &ig;
    }
    k.forget_gate.input = rows4_copy(&p->forget_gate.input, packed[1]);
    k.cell_gate.input = rows4_copy(&p->cell_gate.input, packed[2]);
    k.output_gate.input = rows4_copy(&p->output_gate.input, packed[3]);
    mcu_lstm_input2_s8(&k, x8, x1v, acc);
    mcu_lstm_input2_s8(p, x8, NULL, acc_ref);
    mcu_lstm_input2_s8(p, x1v, NULL, acc_ref + 4 * u);
    for (g = p->input_gate != NULL ? 0 : 1; g < 4; g++) {
        for (j = 0; j < u; j++) {
            if (acc[g * u + j] != acc_ref[g * u + j] || acc[(4 + g) * u + j] != acc_ref[(4 + g) * u + j]) {
                fprintf(stderr, "test_rnn_lstm: case %d: two-step input product of gate %d row %d differs\n",
                        (int)s->case_index, (int)g, (int)j);
                exit(1);
            }
        }
    }
    s->compared += 8 * u;
}


int main(int argc, char **argv)
{
    char label[256];
    mcu_stream_t s = mcu_rnn_open(argc, argv, "test_rnn_lstm", "rnn_lstm", label, sizeof label);
    const int32_t cases = mcu_stream_next(&s);
    long compared[2] = {0, 0};
    int32_t c;
    for (c = 0; c < cases; c++) {
        mcu_lstm_params_t p;
        mcu_lstm_state_t st8;
        mcu_lstm_state_s16_t st16;
        mcu_rnn_gate_t input_gate;
        mcu_rnn_matvec_t projection;
        int32_t bits, in, steps, t, j, out_units;
        const long before = s.compared;
        s.case_index = c;
        mcu_rnn_pool_reset();
        bits = mcu_rnn_read_bits(&s);
        s.what = bits == 8 ? "mcu_lstm_step_s8" : "mcu_lstm_step_s16";
        p.units = mcu_stream_next(&s);
        in = mcu_stream_next(&s);
        steps = mcu_stream_next(&s);
        p.input_gate = NULL;
        if (mcu_stream_next(&s)) {
            input_gate = mcu_rnn_read_gate(&s);
            p.input_gate = &input_gate;
        }
        p.forget_gate = mcu_rnn_read_gate(&s);
        p.cell_gate = mcu_rnn_read_gate(&s);
        p.output_gate = mcu_rnn_read_gate(&s);
        p.cell_forget_shift = mcu_stream_next(&s);
        p.cell_input_shift = mcu_stream_next(&s);
        p.cell_activation = mcu_rnn_read_act(&s);
        p.hidden_rescale = mcu_stream_rescale(&s);
        p.hidden_zp = mcu_stream_next(&s);
        p.hidden_min = mcu_stream_next(&s);
        p.hidden_max = mcu_stream_next(&s);
        p.projection = NULL;
        if (mcu_stream_next(&s)) {
            projection = mcu_rnn_read_matvec(&s);
            p.projection = &projection;
        }
        p.output_zp = mcu_stream_next(&s);
        p.output_min = mcu_stream_next(&s);
        p.output_max = mcu_stream_next(&s);
        out_units = mcu_stream_next(&s);
        for (j = 0; j < out_units; j++) {
            h8[j] = (int8_t)p.output_zp;
            h16[j] = (int16_t)p.output_zp;
        }
        for (j = 0; j < p.units; j++) {
            cell[j] = 0;
        }
        st8.h = h8;
        st8.c = cell;
        st16.h = h16;
        st16.c = cell;
        for (t = 0; t < steps; t++) {
            if (bits == 8) {
                mcu_rnn_read_x(&s, x8, in);
                if (t % 2 == 0) {
                    mcu_lstm_step_s8(&p, &st8, x8, y8, scratch16, p.projection != NULL ? scratch8 : NULL);
                } else {
                    check_input2(&s, &p, in);
                    mcu_lstm_step_acc_s8(&p, &st8, acc, y8, scratch16, p.projection != NULL ? scratch8 : NULL);
                }
                mcu_rnn_compare8(&s, y8, out_units);
            } else {
                mcu_rnn_read_x16(&s, x16, in);
                mcu_lstm_step_s16(&p, &st16, x16, y16, scratch16);
                mcu_rnn_compare16(&s, y16, out_units);
            }
            mcu_rnn_compare16(&s, cell, p.units);
        }
        compared[bits == 16] += s.compared - before;
    }
    mcu_rnn_finish(&s, label, "mcu_lstm_step_s8", compared[0], "mcu_lstm_step_s16", compared[1]);
    return 0;
}
