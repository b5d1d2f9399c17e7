/**
 * @file test_rnn_lstm.c
 * @brief Host test: mcu_lstm_step_s8 against the Java LstmCell, step by step, every variant
 *        (golden table rnn_lstm, format in RnnGoldenVectors.lstm).
 */
#include "mcu_rnn_stream.h"

static int8_t x[4096];
static int8_t y[4096];
static int8_t h[4096];
static int16_t cell[4096];
static int16_t scratch16[4 * 4096];
static int8_t scratch8[4096];

int main(int argc, char **argv)
{
    mcu_stream_t s = mcu_stream_open(argc > 1 ? argv[1] : ".", "rnn_lstm");
    const int32_t cases = mcu_stream_next(&s);
    int32_t c;
    s.what = "mcu_lstm_step_s8";
    for (c = 0; c < cases; c++) {
        mcu_lstm_params_t p;
        mcu_lstm_state_t st;
        mcu_rnn_gate_t input_gate;
        mcu_rnn_matvec_t projection;
        int32_t in, steps, t, j, out_units;
        s.case_index = c;
        mcu_rnn_pool_reset();
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
            h[j] = (int8_t)p.output_zp;
        }
        for (j = 0; j < p.units; j++) {
            cell[j] = 0;
        }
        st.h = h;
        st.c = cell;
        for (t = 0; t < steps; t++) {
            mcu_rnn_read_x(&s, x, in);
            mcu_lstm_step_s8(&p, &st, x, y, scratch16, p.projection != NULL ? scratch8 : NULL);
            mcu_rnn_compare8(&s, y, out_units);
            mcu_rnn_compare16(&s, st.c, p.units);
        }
    }
    mcu_stream_finish(&s, "test_rnn_lstm");
    return 0;
}
