/**
 * @file test_nn_fc_sub8.c
 * @brief Host test: mcu_fully_connected_s8w4 / _s8w4_s16 / _s8w4_s32 / _s8w2 / _s8w2_s16 / _s8w2_s32
 *        against the Java reference (golden table nn_fc_sub8, format in Sub8FcCases): the int8 weights
 *        of each case packed here as mcu_sub8_matrix_t (mcu_nn.h) states, and read back field by field.
 */
#include "mcu_stream.h"

static int32_t buf_x[MCU_STREAM_MAX];
static int32_t buf_y[MCU_STREAM_MAX];
static int32_t buf_got[MCU_STREAM_MAX];
static int32_t w32[MCU_STREAM_MAX];
static uint8_t codes[MCU_STREAM_MAX];
static int8_t x8[MCU_STREAM_MAX];
static int8_t y8[MCU_STREAM_MAX];
static int16_t y16[MCU_STREAM_MAX];
static int32_t y32[MCU_STREAM_MAX];
static int32_t bias32[4096];
static mcu_rescale_t rescales[4096];

int main(int argc, char **argv)
{
    mcu_stream_t s = mcu_stream_open(argc > 1 ? argv[1] : ".", "nn_fc_sub8");
    const int32_t cases = mcu_stream_next(&s);
    int32_t c;
    for (c = 0; c < cases; c++) {
        mcu_fc_sub8_params_t p;
        int32_t bits, odd, out_bits, rows, i, n_in, n_out, per, row_bytes, o;
        s.case_index = c;
        bits = mcu_stream_next(&s);
        odd = mcu_stream_next(&s);
        out_bits = mcu_stream_next(&s);
        s.what = bits == 4 ? (out_bits == 8 ? "mcu_fully_connected_s8w4" : out_bits == 16 ? "mcu_fully_connected_s8w4_s16"
                                                                                            : "mcu_fully_connected_s8w4_s32")
                           : (out_bits == 8 ? "mcu_fully_connected_s8w2" : out_bits == 16 ? "mcu_fully_connected_s8w2_s16"
                                                                                            : "mcu_fully_connected_s8w2_s32");
        p.input_size = mcu_stream_next(&s);
        p.units = mcu_stream_next(&s);
        rows = mcu_stream_next(&s);
        p.output_zp = mcu_stream_next(&s);
        p.act_min = mcu_stream_next(&s);
        p.act_max = mcu_stream_next(&s);
        p.rescale_count = mcu_stream_next(&s);
        for (i = 0; i < p.rescale_count; i++) {
            rescales[i] = mcu_stream_rescale(&s);
        }
        p.rescale = rescales;
        mcu_stream_read(&s, w32, p.input_size * p.units);
        for (i = 0; i < p.units; i++) {
            bias32[i] = mcu_stream_next(&s);
        }
        p.bias = bias32;
        /* pack: row o = unit o, column i = input i, first column in the lowest bits, k = (w + offset) / scale */
        per = 8 / bits;
        row_bytes = (p.input_size + per - 1) / per;
        p.weights.codes = codes;
        p.weights.bits = bits;
        p.weights.code_scale = odd ? 2 : 1;
        p.weights.code_offset = odd ? (1 << bits) - 1 : 1 << (bits - 1);
        for (i = 0; i < p.units * row_bytes; i++) {
            codes[i] = 0;
        }
        for (o = 0; o < p.units; o++) {
            for (i = 0; i < p.input_size; i++) {
                const int32_t k = (w32[i * p.units + o] + p.weights.code_offset) / p.weights.code_scale;
                const size_t at = (size_t)(o * row_bytes + i / per);
                if (k < 0 || k >= (1 << bits) || k * p.weights.code_scale - p.weights.code_offset != w32[i * p.units + o]) {
                    printf("test_nn_fc_sub8: case %d: weight %d is not a %d-bit level\n", (int)c, (int)w32[i * p.units + o],
                           (int)bits);
                    return 1;
                }
                codes[at] = (uint8_t)(codes[at] | (uint32_t)k << (bits * (i % per)));
            }
        }
        n_in = rows * p.input_size;
        n_out = rows * p.units;
        mcu_stream_read(&s, buf_x, n_in);
        mcu_stream_read(&s, buf_y, n_out);
        for (i = 0; i < n_in; i++) {
            x8[i] = (int8_t)buf_x[i];
        }
        if (bits == 4) {
            if (out_bits == 8) {
                mcu_fully_connected_s8w4(&p, rows, x8, y8);
            } else if (out_bits == 16) {
                mcu_fully_connected_s8w4_s16(&p, rows, x8, y16);
            } else {
                mcu_fully_connected_s8w4_s32(&p, rows, x8, y32);
            }
        } else {
            if (out_bits == 8) {
                mcu_fully_connected_s8w2(&p, rows, x8, y8);
            } else if (out_bits == 16) {
                mcu_fully_connected_s8w2_s16(&p, rows, x8, y16);
            } else {
                mcu_fully_connected_s8w2_s32(&p, rows, x8, y32);
            }
        }
        for (i = 0; i < n_out; i++) {
            buf_got[i] = out_bits == 8 ? y8[i] : (out_bits == 16 ? y16[i] : y32[i]);
        }
        mcu_stream_compare(&s, buf_y, buf_got, n_out);
    }
    mcu_stream_finish(&s, "test_nn_fc_sub8");
    return 0;
}
