/**
 * @file test_rnn_lstm.c
 * @brief Host test: mcu_lstm_step_s8 and mcu_lstm_step_s16 against the Java LstmCell, step by step,
 *        every variant (golden table rnn_lstm, format in RnnGoldenVectors.writeLstm).
 *        Usage: test_rnn_lstm [vector dir [table]].
 */
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
                mcu_lstm_step_s8(&p, &st8, x8, y8, scratch16, p.projection != NULL ? scratch8 : NULL);
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
