/**
 * @file test_nn_depthwise.c
 * @brief Host test: mcu_depthwise_conv_s8 / _s16 against the Java reference (golden table nn_depthwise,
 *        format in NnGoldenVectors.depthwise).
 */
#include "mcu_stream.h"

static int32_t buf_x[MCU_STREAM_MAX];
static int32_t buf_y[MCU_STREAM_MAX];
static int32_t buf_got[MCU_STREAM_MAX];
static int8_t w8[MCU_STREAM_MAX];
static int8_t x8[MCU_STREAM_MAX];
static int8_t y8[MCU_STREAM_MAX];
static int16_t x16[MCU_STREAM_MAX];
static int16_t y16[MCU_STREAM_MAX];
static int32_t bias32[4096];
static int64_t bias64[4096];
static mcu_rescale_t rescales[4096];

int main(int argc, char **argv)
{
    mcu_stream_t s = mcu_stream_open(argc > 1 ? argv[1] : ".", "nn_depthwise");
    const int32_t cases = mcu_stream_next(&s);
    int32_t c;
    for (c = 0; c < cases; c++) {
        mcu_depthwise_conv_params_t p;
        int32_t bits, i, n_w, n_in, n_out, oh, ow, oc;
        s.case_index = c;
        bits = mcu_stream_next(&s);
        s.what = bits == 16 ? "mcu_depthwise_conv_s16" : "mcu_depthwise_conv_s8";
        p.in_h = mcu_stream_next(&s);
        p.in_w = mcu_stream_next(&s);
        p.channels = mcu_stream_next(&s);
        p.multiplier = mcu_stream_next(&s);
        p.kernel_h = mcu_stream_next(&s);
        p.kernel_w = mcu_stream_next(&s);
        p.stride_h = mcu_stream_next(&s);
        p.stride_w = mcu_stream_next(&s);
        p.dilation_h = mcu_stream_next(&s);
        p.dilation_w = mcu_stream_next(&s);
        p.padding = mcu_stream_next(&s) ? MCU_PADDING_SAME : MCU_PADDING_VALID;
        p.pad_value = mcu_stream_next(&s);
        p.acc_shift = mcu_stream_next(&s);
        p.output_zp = mcu_stream_next(&s);
        p.act_min = mcu_stream_next(&s);
        p.act_max = mcu_stream_next(&s);
        p.rescale_count = mcu_stream_next(&s);
        for (i = 0; i < p.rescale_count; i++) {
            rescales[i] = mcu_stream_rescale(&s);
        }
        p.rescale = rescales;
        oc = p.channels * p.multiplier;
        n_w = p.kernel_h * p.kernel_w * oc;
        mcu_stream_read(&s, buf_x, n_w);
        for (i = 0; i < n_w; i++) {
            w8[i] = (int8_t)buf_x[i];
        }
        p.weights = w8;
        for (i = 0; i < oc; i++) {
            if (bits == 8) {
                bias32[i] = mcu_stream_next(&s);
            } else {
                bias64[i] = mcu_stream_next64(&s);
            }
        }
        p.bias = bias32;
        p.bias64 = bias64;
        n_in = p.in_h * p.in_w * p.channels;
        mcu_stream_read(&s, buf_x, n_in);
        n_out = mcu_stream_next(&s);
        mcu_stream_read(&s, buf_y, n_out);
        oh = mcu_conv_out_length(p.in_h, p.kernel_h, p.stride_h, p.dilation_h, p.padding);
        ow = mcu_conv_out_length(p.in_w, p.kernel_w, p.stride_w, p.dilation_w, p.padding);
        if (oh * ow * oc != n_out) {
            fprintf(stderr, "MISMATCH nn_depthwise case %ld: output length %ld x %ld x %ld, expected %ld\n", (long)c,
                    (long)oh, (long)ow, (long)oc, (long)n_out);
            return 1;
        }
        for (i = 0; i < n_in; i++) {
            x8[i] = (int8_t)(bits == 8 ? buf_x[i] : 0);
            x16[i] = (int16_t)(bits == 16 ? buf_x[i] : 0);
        }
        if (bits == 16) {
            mcu_depthwise_conv_s16(&p, x16, y16);
        } else {
            mcu_depthwise_conv_s8(&p, x8, y8);
        }
        for (i = 0; i < n_out; i++) {
            buf_got[i] = bits == 8 ? y8[i] : y16[i];
        }
        mcu_stream_compare(&s, buf_y, buf_got, n_out);
    }
    mcu_stream_finish(&s, "test_nn_depthwise");
    return 0;
}
