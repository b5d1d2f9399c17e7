/**
 * @file test_rnn_simple.c
 * @brief Host test: mcu_simple_rnn_step_s8 against the Java SimpleRnnCell, step by step (golden
 *        table rnn_simple, format in RnnGoldenVectors.simple).
 */
#include "mcu_rnn_stream.h"

static int8_t x[4096];
static int8_t y[4096];
static int16_t h[4096];
static int16_t scratch[4096];

int main(int argc, char **argv)
{
    mcu_stream_t s = mcu_stream_open(argc > 1 ? argv[1] : ".", "rnn_simple");
    const int32_t cases = mcu_stream_next(&s);
    int32_t c;
    s.what = "mcu_simple_rnn_step_s8";
    for (c = 0; c < cases; c++) {
        mcu_simple_rnn_params_t p;
        mcu_simple_rnn_state_t st;
        int32_t in, steps, t, j;
        s.case_index = c;
        mcu_rnn_pool_reset();
        p.units = mcu_stream_next(&s);
        in = mcu_stream_next(&s);
        steps = mcu_stream_next(&s);
        p.input = mcu_rnn_read_matvec(&s);
        p.recurrent = mcu_rnn_read_matvec(&s);
        p.activation = mcu_rnn_read_act(&s);
        p.has_output_rescale = mcu_stream_next(&s);
        p.output_rescale = mcu_stream_rescale(&s);
        p.output_zp = mcu_stream_next(&s);
        p.output_min = mcu_stream_next(&s);
        p.output_max = mcu_stream_next(&s);
        for (j = 0; j < p.units; j++) {
            h[j] = 0;
        }
        st.h = h;
        for (t = 0; t < steps; t++) {
            mcu_rnn_read_x(&s, x, in);
            mcu_simple_rnn_step_s8(&p, &st, x, p.has_output_rescale ? y : NULL, scratch);
            if (p.has_output_rescale) {
                mcu_rnn_compare8(&s, y, p.units);
            }
            mcu_rnn_compare16(&s, st.h, p.units);
        }
    }
    mcu_stream_finish(&s, "test_rnn_simple");
    return 0;
}
