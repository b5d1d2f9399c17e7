/**
 * @file test_nn_pool.c
 * @brief Host test: max / avg / global max / global avg pooling, s8 and s16, against the Java
 *        reference (golden table nn_pool, format in NnGoldenVectors.pool).
 */
#include "mcu_stream.h"

static int32_t buf_x[MCU_STREAM_MAX];
static int32_t buf_y[MCU_STREAM_MAX];
static int32_t buf_got[MCU_STREAM_MAX];
static int8_t x8[MCU_STREAM_MAX];
static int8_t y8[MCU_STREAM_MAX];
static int16_t x16[MCU_STREAM_MAX];
static int16_t y16[MCU_STREAM_MAX];

static const char *const NAMES[2][4] = {
    {"mcu_max_pool_s8", "mcu_avg_pool_s8", "mcu_global_max_pool_s8", "mcu_global_avg_pool_s8"},
    {"mcu_max_pool_s16", "mcu_avg_pool_s16", "mcu_global_max_pool_s16", "mcu_global_avg_pool_s16"}};

int main(int argc, char **argv)
{
    mcu_stream_t s = mcu_stream_open(argc > 1 ? argv[1] : ".", "nn_pool");
    const int32_t cases = mcu_stream_next(&s);
    int32_t c;
    for (c = 0; c < cases; c++) {
        int32_t bits, kind, i, n_in, n_out;
        mcu_pool_params_t p;
        mcu_global_pool_params_t g;
        s.case_index = c;
        bits = mcu_stream_next(&s);
        kind = mcu_stream_next(&s);
        s.what = NAMES[bits == 8 ? 0 : 1][kind & 3];
        if (kind < 2) {
            int32_t oh, ow;
            p.in_h = mcu_stream_next(&s);
            p.in_w = mcu_stream_next(&s);
            p.channels = mcu_stream_next(&s);
            p.kernel_h = mcu_stream_next(&s);
            p.kernel_w = mcu_stream_next(&s);
            p.stride_h = mcu_stream_next(&s);
            p.stride_w = mcu_stream_next(&s);
            p.padding = mcu_stream_next(&s) ? MCU_PADDING_SAME : MCU_PADDING_VALID;
            n_in = p.in_h * p.in_w * p.channels;
            mcu_stream_read(&s, buf_x, n_in);
            n_out = mcu_stream_next(&s);
            oh = mcu_conv_out_length(p.in_h, p.kernel_h, p.stride_h, 1, p.padding);
            ow = mcu_conv_out_length(p.in_w, p.kernel_w, p.stride_w, 1, p.padding);
            if (oh * ow * p.channels != n_out) {
                fprintf(stderr, "MISMATCH nn_pool case %ld: output length differs\n", (long)c);
                return 1;
            }
        } else {
            g.positions = mcu_stream_next(&s);
            g.channels = mcu_stream_next(&s);
            g.use_rescale = mcu_stream_next(&s);
            g.input_zp = mcu_stream_next(&s);
            g.rescale = mcu_stream_rescale(&s);
            g.output_zp = mcu_stream_next(&s);
            g.qmin = mcu_stream_next(&s);
            g.qmax = mcu_stream_next(&s);
            n_in = g.positions * g.channels;
            mcu_stream_read(&s, buf_x, n_in);
            n_out = g.channels;
        }
        mcu_stream_read(&s, buf_y, n_out);
        if (bits == 8) {
            for (i = 0; i < n_in; i++) {
                x8[i] = (int8_t)buf_x[i];
            }
            switch (kind) {
            case 0: mcu_max_pool_s8(&p, x8, y8); break;
            case 1: mcu_avg_pool_s8(&p, x8, y8); break;
            case 2: mcu_global_max_pool_s8(&g, x8, y8); break;
            default: mcu_global_avg_pool_s8(&g, x8, y8); break;
            }
            for (i = 0; i < n_out; i++) {
                buf_got[i] = y8[i];
            }
        } else {
            for (i = 0; i < n_in; i++) {
                x16[i] = (int16_t)buf_x[i];
            }
            switch (kind) {
            case 0: mcu_max_pool_s16(&p, x16, y16); break;
            case 1: mcu_avg_pool_s16(&p, x16, y16); break;
            case 2: mcu_global_max_pool_s16(&g, x16, y16); break;
            default: mcu_global_avg_pool_s16(&g, x16, y16); break;
            }
            for (i = 0; i < n_out; i++) {
                buf_got[i] = y16[i];
            }
        }
        mcu_stream_compare(&s, buf_y, buf_got, n_out);
    }
    mcu_stream_finish(&s, "test_nn_pool");
    return 0;
}
