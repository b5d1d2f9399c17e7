/**
 * @file test_nn_softmax.c
 * @brief Host test: mcu_softmax_s8 / _s16 / _s32_s8 / _s32_s16 against the Java reference (golden table nn_softmax,
 *        format in NnGoldenVectors.softmax).
 */
#include "mcu_stream.h"

static int32_t buf_x[MCU_STREAM_MAX];
static int32_t buf_y[MCU_STREAM_MAX];
static int32_t buf_got[MCU_STREAM_MAX];
static int8_t x8[MCU_STREAM_MAX];
static int8_t y8[MCU_STREAM_MAX];
static int16_t x16[MCU_STREAM_MAX];
static int16_t y16[MCU_STREAM_MAX];
static int32_t x32[MCU_STREAM_MAX];

int main(int argc, char **argv)
{
    mcu_stream_t s = mcu_stream_open(argc > 1 ? argv[1] : ".", "nn_softmax");
    const int32_t cases = mcu_stream_next(&s);
    int32_t c;
    for (c = 0; c < cases; c++) {
        mcu_softmax_params_t p;
        int32_t bits, out_bits, rows, i, n;
        s.case_index = c;
        bits = mcu_stream_next(&s);
        out_bits = mcu_stream_next(&s);
        s.what = bits == 8 ? "mcu_softmax_s8"
                 : bits == 16 ? "mcu_softmax_s16" : (out_bits == 8 ? "mcu_softmax_s32_s8" : "mcu_softmax_s32_s16");
        p.depth = mcu_stream_next(&s);
        rows = mcu_stream_next(&s);
        p.input_beta = mcu_stream_rescale(&s);
        p.diff_min = mcu_stream_next(&s);
        p.output_frac_bits = mcu_stream_next(&s);
        p.output_zp = mcu_stream_next(&s);
        p.qmin = mcu_stream_next(&s);
        p.qmax = mcu_stream_next(&s);
        n = rows * p.depth;
        mcu_stream_read(&s, buf_x, n);
        mcu_stream_read(&s, buf_y, n);
        for (i = 0; i < n; i++) {
            x8[i] = (int8_t)(bits == 8 ? buf_x[i] : 0);
            x16[i] = (int16_t)(bits == 16 ? buf_x[i] : 0);
            x32[i] = buf_x[i];
        }
        if (bits == 8) {
            mcu_softmax_s8(&p, rows, x8, y8);
        } else if (bits == 16) {
            mcu_softmax_s16(&p, rows, x16, y16);
        } else if (out_bits == 8) {
            mcu_softmax_s32_s8(&p, rows, x32, y8);
        } else {
            mcu_softmax_s32_s16(&p, rows, x32, y16);
        }
        for (i = 0; i < n; i++) {
            buf_got[i] = out_bits == 8 ? y8[i] : y16[i];
        }
        mcu_stream_compare(&s, buf_y, buf_got, n);
    }
    mcu_stream_finish(&s, "test_nn_softmax");
    return 0;
}
