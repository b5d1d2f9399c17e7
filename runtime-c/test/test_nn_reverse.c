/**
 * @file test_nn_reverse.c
 * @brief Host test: mcu_reverse_s8 and mcu_reverse_s16 against the Java reference (golden table
 *        nn_reverse, format in NnGoldenVectors.reverse).
 */
#include "mcu_stream.h"

static int32_t buf_x[MCU_STREAM_MAX];
static int32_t buf_y[MCU_STREAM_MAX];
static int32_t buf_got[MCU_STREAM_MAX];
static int8_t x8[MCU_STREAM_MAX];
static int8_t y8[MCU_STREAM_MAX];
static int16_t x16[MCU_STREAM_MAX];
static int16_t y16[MCU_STREAM_MAX];

int main(int argc, char **argv)
{
    mcu_stream_t s = mcu_stream_open(argc > 1 ? argv[1] : ".", "nn_reverse");
    const int32_t cases = mcu_stream_next(&s);
    int32_t c;
    for (c = 0; c < cases; c++) {
        int32_t bits, outer, n, inner, size, i;
        s.case_index = c;
        bits = mcu_stream_next(&s);
        outer = mcu_stream_next(&s);
        n = mcu_stream_next(&s);
        inner = mcu_stream_next(&s);
        size = outer * n * inner;
        s.what = bits == 8 ? "mcu_reverse_s8" : "mcu_reverse_s16";
        mcu_stream_read(&s, buf_x, size);
        for (i = 0; i < size; i++) {
            x8[i] = (int8_t)(bits == 8 ? buf_x[i] : 0);
            x16[i] = (int16_t)(bits == 16 ? buf_x[i] : 0);
        }
        if (bits == 8) {
            mcu_reverse_s8(x8, outer, n, inner, y8);
        } else {
            mcu_reverse_s16(x16, outer, n, inner, y16);
        }
        mcu_stream_read(&s, buf_y, size);
        for (i = 0; i < size; i++) {
            buf_got[i] = bits == 8 ? y8[i] : y16[i];
        }
        mcu_stream_compare(&s, buf_y, buf_got, size);
    }
    mcu_stream_finish(&s, "test_nn_reverse");
    return 0;
}
