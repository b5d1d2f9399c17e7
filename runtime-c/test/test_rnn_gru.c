/**
 * @file test_rnn_gru.c
 * @brief Host test: mcu_gru_step_s8 and mcu_gru_step_s16 against the Java GruCell, step by step
 *        (golden table rnn_gru, format in RnnGoldenVectors.writeGru).
 *        Usage: test_rnn_gru [vector dir [table]].
 */
#include "mcu_rnn_stream.h"

static int8_t x8[4096];
static int8_t y8[4096];
static int16_t x16[4096];
static int16_t y16[4096];
static int16_t h[4096];
static int16_t scratch[4 * 4096];

int main(int argc, char **argv)
{
    char label[256];
    mcu_stream_t s = mcu_rnn_open(argc, argv, "test_rnn_gru", "rnn_gru", label, sizeof label);
    const int32_t cases = mcu_stream_next(&s);
    long compared[2] = {0, 0};
    int32_t c;
    for (c = 0; c < cases; c++) {
        mcu_gru_params_t p;
        mcu_gru_state_t st;
        int32_t bits, in, steps, t, j;
        const long before = s.compared;
        s.case_index = c;
        mcu_rnn_pool_reset();
        bits = mcu_rnn_read_bits(&s);
        s.what = bits == 8 ? "mcu_gru_step_s8" : "mcu_gru_step_s16";
        p.units = mcu_stream_next(&s);
        in = mcu_stream_next(&s);
        steps = mcu_stream_next(&s);
        p.reset_after = mcu_stream_next(&s);
        p.update_gate = mcu_rnn_read_gate(&s);
        p.reset_gate = mcu_rnn_read_gate(&s);
        p.candidate_input = mcu_rnn_read_matvec(&s);
        p.candidate_recurrent = mcu_rnn_read_matvec(&s);
        p.reset_shift = mcu_stream_next(&s);
        p.reset_product_rescale = mcu_stream_rescale(&s);
        p.candidate_activation = mcu_rnn_read_act(&s);
        p.update_shift = mcu_stream_next(&s);
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
            if (bits == 8) {
                mcu_rnn_read_x(&s, x8, in);
                mcu_gru_step_s8(&p, &st, x8, p.has_output_rescale ? y8 : NULL, scratch);
                if (p.has_output_rescale) {
                    mcu_rnn_compare8(&s, y8, p.units);
                }
            } else {
                mcu_rnn_read_x16(&s, x16, in);
                mcu_gru_step_s16(&p, &st, x16, p.has_output_rescale ? y16 : NULL, scratch);
                if (p.has_output_rescale) {
                    mcu_rnn_compare16(&s, y16, p.units);
                }
            }
            mcu_rnn_compare16(&s, st.h, p.units);
        }
        compared[bits == 16] += s.compared - before;
    }
    mcu_rnn_finish(&s, label, "mcu_gru_step_s8", compared[0], "mcu_gru_step_s16", compared[1]);
    return 0;
}
