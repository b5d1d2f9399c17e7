/**
 * @file test_nn_shape.c
 * @brief Host test: zero padding / cropping, nearest up-sampling, transpose and the transposed
 *        convolution, s8 and s16 (and s8 -> s16), against the Java reference (golden table nn_shape,
 *        format in NnGoldenVectors.shape).
 */
#include "mcu_shape.h"
#include "mcu_stream.h"

static int32_t buf_x[MCU_STREAM_MAX];
static int32_t buf_y[MCU_STREAM_MAX];
static int32_t buf_got[MCU_STREAM_MAX];
static int8_t x8[MCU_STREAM_MAX];
static int8_t y8[MCU_STREAM_MAX];
static int16_t x16[MCU_STREAM_MAX];
static int16_t y16[MCU_STREAM_MAX];
static int8_t weights[MCU_STREAM_MAX];
static int32_t bias32[4096];
static int64_t bias64[4096];
static mcu_rescale_t rescales[4096];

static const char *const NAMES[2][4] = {
    {"mcu_pad_s8", "mcu_upsample_nearest_s8", "mcu_transpose_s8", "mcu_transpose_conv_s8"},
    {"mcu_pad_s16", "mcu_upsample_nearest_s16", "mcu_transpose_s16", "mcu_transpose_conv_s16"}};

int main(int argc, char **argv)
{
    mcu_stream_t s = mcu_stream_open(argc > 1 ? argv[1] : ".", "nn_shape");
    const int32_t cases = mcu_stream_next(&s);
    int32_t c;
    for (c = 0; c < cases; c++) {
        int32_t bits, kind, i, n_in, n_out, out_bits;
        mcu_pad_params_t pd;
        mcu_upsample_params_t up;
        mcu_transpose_params_t tr;
        mcu_transpose_conv_params_t tc;
        s.case_index = c;
        bits = mcu_stream_next(&s);
        kind = mcu_stream_next(&s);
        out_bits = bits;
        s.what = NAMES[bits == 8 ? 0 : 1][kind & 3];
        if (kind == 0) {
            pd.in_h = mcu_stream_next(&s);
            pd.in_w = mcu_stream_next(&s);
            pd.channels = mcu_stream_next(&s);
            pd.pad_top = mcu_stream_next(&s);
            pd.pad_bottom = mcu_stream_next(&s);
            pd.pad_left = mcu_stream_next(&s);
            pd.pad_right = mcu_stream_next(&s);
            pd.pad_value = mcu_stream_next(&s);
            n_in = pd.in_h * pd.in_w * pd.channels;
        } else if (kind == 1) {
            up.in_h = mcu_stream_next(&s);
            up.in_w = mcu_stream_next(&s);
            up.channels = mcu_stream_next(&s);
            up.factor_h = mcu_stream_next(&s);
            up.factor_w = mcu_stream_next(&s);
            n_in = up.in_h * up.in_w * up.channels;
        } else if (kind == 2) {
            tr.rank = mcu_stream_next(&s);
            n_in = 1;
            for (i = 0; i < 4; i++) {
                tr.in_dims[i] = mcu_stream_next(&s);
                n_in *= tr.in_dims[i];
            }
            for (i = 0; i < 4; i++) {
                tr.perm[i] = mcu_stream_next(&s);
            }
        } else {
            out_bits = mcu_stream_next(&s);
            if (bits == 8 && out_bits == 16) {
                s.what = "mcu_transpose_conv_s8_s16";
            }
            tc.in_h = mcu_stream_next(&s);
            tc.in_w = mcu_stream_next(&s);
            tc.channels = mcu_stream_next(&s);
            tc.filters = mcu_stream_next(&s);
            tc.kernel_h = mcu_stream_next(&s);
            tc.kernel_w = mcu_stream_next(&s);
            tc.stride_h = mcu_stream_next(&s);
            tc.stride_w = mcu_stream_next(&s);
            tc.pad_top = mcu_stream_next(&s);
            tc.pad_left = mcu_stream_next(&s);
            tc.out_h = mcu_stream_next(&s);
            tc.out_w = mcu_stream_next(&s);
            tc.input_zp = mcu_stream_next(&s);
            tc.acc_shift = mcu_stream_next(&s);
            tc.output_zp = mcu_stream_next(&s);
            tc.act_min = mcu_stream_next(&s);
            tc.act_max = mcu_stream_next(&s);
            tc.rescale_count = mcu_stream_next(&s);
            for (i = 0; i < tc.rescale_count; i++) {
                rescales[i] = mcu_stream_rescale(&s);
            }
            tc.rescale = rescales;
            n_in = tc.kernel_h * tc.kernel_w * tc.filters * tc.channels;
            for (i = 0; i < n_in; i++) {
                weights[i] = (int8_t)mcu_stream_next(&s);
            }
            tc.weights = weights;
            for (i = 0; i < tc.filters; i++) {
                if (bits == 8) {
                    bias32[i] = mcu_stream_next(&s);
                } else {
                    bias64[i] = mcu_stream_next64(&s);
                }
            }
            tc.bias = bias32;
            tc.bias64 = bias64;
            n_in = tc.in_h * tc.in_w * tc.channels;
        }
        mcu_stream_read(&s, buf_x, n_in);
        n_out = mcu_stream_next(&s);
        mcu_stream_read(&s, buf_y, n_out);
        if (bits == 8) {
            for (i = 0; i < n_in; i++) {
                x8[i] = (int8_t)buf_x[i];
            }
            switch (kind) {
            case 0: mcu_pad_s8(&pd, x8, y8); break;
            case 1: mcu_upsample_nearest_s8(&up, x8, y8); break;
            case 2: mcu_transpose_s8(&tr, x8, y8); break;
            default:
                if (out_bits == 16) {
                    mcu_transpose_conv_s8_s16(&tc, x8, y16);
                } else {
                    mcu_transpose_conv_s8(&tc, x8, y8);
                }
                break;
            }
            for (i = 0; i < n_out; i++) {
                buf_got[i] = out_bits == 16 ? y16[i] : y8[i];
            }
        } else {
            for (i = 0; i < n_in; i++) {
                x16[i] = (int16_t)buf_x[i];
            }
            switch (kind) {
            case 0: mcu_pad_s16(&pd, x16, y16); break;
            case 1: mcu_upsample_nearest_s16(&up, x16, y16); break;
            case 2: mcu_transpose_s16(&tr, x16, y16); break;
            default: mcu_transpose_conv_s16(&tc, x16, y16); break;
            }
            for (i = 0; i < n_out; i++) {
                buf_got[i] = y16[i];
            }
        }
        mcu_stream_compare(&s, buf_y, buf_got, n_out);
    }
    mcu_stream_finish(&s, "test_nn_shape");
    return 0;
}
