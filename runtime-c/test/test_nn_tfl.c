/**
 * @file test_nn_tfl.c
 * @brief Host test: the TFLite-semantics kernels of mcu_tfl.h (mcu_requant_tfl_s64, mcu_conv_tfl_s16,
 *        mcu_strided_slice_s8 / _s16, mcu_mean_tfl_s8 / _s16, mcu_depthwise_conv_tfl_s16,
 *        mcu_mean_tfl_steps_s8) against the Java reference (golden table nn_tfl, format in
 *        TflGoldenVectors).
 */
#include "mcu_stream.h"
#include "mcu_tfl.h"

static int32_t buf_x[MCU_STREAM_MAX];
static int32_t buf_y[MCU_STREAM_MAX];
static int32_t buf_got[MCU_STREAM_MAX];
static int8_t w8[MCU_STREAM_MAX];
static int8_t x8[MCU_STREAM_MAX];
static int8_t y8[MCU_STREAM_MAX];
static int16_t x16[MCU_STREAM_MAX];
static int16_t y16[MCU_STREAM_MAX];
static int64_t bias[256];
static mcu_rescale_t rescale[256];

static int64_t next64(mcu_stream_t *s)
{
    const uint32_t lo = (uint32_t)mcu_stream_next(s);
    const uint32_t hi = (uint32_t)mcu_stream_next(s);
    const uint64_t u = ((uint64_t)hi << 32) | lo;
    /* two's complement int64 from its bits without an implementation-defined conversion */
    return u >= ((uint64_t)1 << 63) ? -(int64_t)(~u) - 1 : (int64_t)u;
}

static void requant_case(mcu_stream_t *s)
{
    const int64_t x = next64(s);
    const int32_t m = mcu_stream_next(s);
    const int32_t e = mcu_stream_next(s);
    int32_t want = mcu_stream_next(s);
    int32_t got = mcu_requant_tfl_s64(x, m, e);
    s->what = "mcu_requant_tfl_s64";
    mcu_stream_compare(s, &want, &got, 1);
}

static void conv_case(mcu_stream_t *s)
{
    mcu_conv_tfl_params_t p;
    int32_t count, i, n, len;
    p.in_h = mcu_stream_next(s);
    p.in_w = mcu_stream_next(s);
    p.channels = mcu_stream_next(s);
    p.filters = mcu_stream_next(s);
    p.kernel_h = mcu_stream_next(s);
    p.kernel_w = mcu_stream_next(s);
    p.stride_h = mcu_stream_next(s);
    p.stride_w = mcu_stream_next(s);
    p.dilation_h = mcu_stream_next(s);
    p.dilation_w = mcu_stream_next(s);
    p.padding = mcu_stream_next(s) ? MCU_PADDING_SAME : MCU_PADDING_VALID;
    p.output_zp = mcu_stream_next(s);
    p.act_min = mcu_stream_next(s);
    p.act_max = mcu_stream_next(s);
    count = mcu_stream_next(s);
    for (i = 0; i < count; i++) {
        rescale[i].multiplier = mcu_stream_next(s);
        rescale[i].shift = mcu_stream_next(s);
    }
    p.rescale = rescale;
    p.rescale_count = count;
    n = p.kernel_h * p.kernel_w * p.channels * p.filters;
    mcu_stream_read(s, buf_x, n);
    for (i = 0; i < n; i++) {
        w8[i] = (int8_t)buf_x[i];
    }
    p.weights = w8;
    for (i = 0; i < p.filters; i++) {
        bias[i] = next64(s);
    }
    p.bias = bias;
    n = p.in_h * p.in_w * p.channels;
    mcu_stream_read(s, buf_x, n);
    for (i = 0; i < n; i++) {
        x16[i] = (int16_t)buf_x[i];
    }
    len = mcu_stream_next(s);
    mcu_stream_read(s, buf_y, len);
    s->what = "mcu_conv_tfl_s16";
    mcu_conv_tfl_s16(&p, x16, y16);
    for (i = 0; i < len; i++) {
        buf_got[i] = y16[i];
    }
    mcu_stream_compare(s, buf_y, buf_got, len);
}

static void slice_case(mcu_stream_t *s)
{
    mcu_strided_slice_params_t p;
    const int32_t bits = mcu_stream_next(s);
    int32_t a, i, n = 1, len;
    for (a = 0; a < 4; a++) {
        p.in_dims[a] = mcu_stream_next(s);
        n *= p.in_dims[a];
    }
    for (a = 0; a < 4; a++) {
        p.out_dims[a] = mcu_stream_next(s);
    }
    for (a = 0; a < 4; a++) {
        p.begin[a] = mcu_stream_next(s);
    }
    for (a = 0; a < 4; a++) {
        p.stride[a] = mcu_stream_next(s);
    }
    mcu_stream_read(s, buf_x, n);
    for (i = 0; i < n; i++) {
        x8[i] = (int8_t)(bits == 8 ? buf_x[i] : 0);
        x16[i] = (int16_t)(bits == 16 ? buf_x[i] : 0);
    }
    len = mcu_stream_next(s);
    mcu_stream_read(s, buf_y, len);
    if (bits == 8) {
        s->what = "mcu_strided_slice_s8";
        mcu_strided_slice_s8(&p, x8, y8);
    } else {
        s->what = "mcu_strided_slice_s16";
        mcu_strided_slice_s16(&p, x16, y16);
    }
    for (i = 0; i < len; i++) {
        buf_got[i] = bits == 8 ? y8[i] : y16[i];
    }
    mcu_stream_compare(s, buf_y, buf_got, len);
}

static void mean_case(mcu_stream_t *s)
{
    mcu_mean_tfl_params_t p;
    const int32_t bits = mcu_stream_next(s);
    int32_t i, n;
    p.in_h = mcu_stream_next(s);
    p.in_w = mcu_stream_next(s);
    p.channels = mcu_stream_next(s);
    p.rounded = mcu_stream_next(s);
    p.input_zp = mcu_stream_next(s);
    p.rescale.multiplier = mcu_stream_next(s);
    p.rescale.shift = mcu_stream_next(s);
    p.output_zp = mcu_stream_next(s);
    n = p.in_h * p.in_w * p.channels;
    mcu_stream_read(s, buf_x, n);
    for (i = 0; i < n; i++) {
        x8[i] = (int8_t)(bits == 8 ? buf_x[i] : 0);
        x16[i] = (int16_t)(bits == 16 ? buf_x[i] : 0);
    }
    mcu_stream_read(s, buf_y, p.channels);
    if (bits == 8) {
        s->what = "mcu_mean_tfl_s8";
        mcu_mean_tfl_s8(&p, x8, y8);
    } else {
        s->what = "mcu_mean_tfl_s16";
        mcu_mean_tfl_s16(&p, x16, y16);
    }
    for (i = 0; i < p.channels; i++) {
        buf_got[i] = bits == 8 ? y8[i] : y16[i];
    }
    mcu_stream_compare(s, buf_y, buf_got, p.channels);
}

static void depthwise_case(mcu_stream_t *s)
{
    mcu_depthwise_conv_tfl_params_t p;
    int32_t count, i, n, len, f;
    p.in_h = mcu_stream_next(s);
    p.in_w = mcu_stream_next(s);
    p.channels = mcu_stream_next(s);
    p.multiplier = mcu_stream_next(s);
    p.kernel_h = mcu_stream_next(s);
    p.kernel_w = mcu_stream_next(s);
    p.stride_h = mcu_stream_next(s);
    p.stride_w = mcu_stream_next(s);
    p.dilation_h = mcu_stream_next(s);
    p.dilation_w = mcu_stream_next(s);
    p.padding = mcu_stream_next(s) ? MCU_PADDING_SAME : MCU_PADDING_VALID;
    p.act_min = mcu_stream_next(s);
    p.act_max = mcu_stream_next(s);
    count = mcu_stream_next(s);
    for (i = 0; i < count; i++) {
        rescale[i].multiplier = mcu_stream_next(s);
        rescale[i].shift = mcu_stream_next(s);
    }
    p.rescale = rescale;
    p.rescale_count = count;
    f = p.channels * p.multiplier;
    n = p.kernel_h * p.kernel_w * f;
    mcu_stream_read(s, buf_x, n);
    for (i = 0; i < n; i++) {
        w8[i] = (int8_t)buf_x[i];
    }
    p.weights = w8;
    for (i = 0; i < f; i++) {
        bias[i] = next64(s);
    }
    p.bias = bias;
    n = p.in_h * p.in_w * p.channels;
    mcu_stream_read(s, buf_x, n);
    for (i = 0; i < n; i++) {
        x16[i] = (int16_t)buf_x[i];
    }
    len = mcu_stream_next(s);
    mcu_stream_read(s, buf_y, len);
    s->what = "mcu_depthwise_conv_tfl_s16";
    mcu_depthwise_conv_tfl_s16(&p, x16, y16);
    for (i = 0; i < len; i++) {
        buf_got[i] = y16[i];
    }
    mcu_stream_compare(s, buf_y, buf_got, len);
}

static int32_t steps[255];

static void mean_steps_case(mcu_stream_t *s)
{
    mcu_mean_tfl_steps_params_t p;
    int32_t i, n;
    p.in_h = mcu_stream_next(s);
    p.in_w = mcu_stream_next(s);
    p.channels = mcu_stream_next(s);
    mcu_stream_read(s, steps, 255);
    p.steps = steps;
    n = p.in_h * p.in_w * p.channels;
    mcu_stream_read(s, buf_x, n);
    for (i = 0; i < n; i++) {
        x8[i] = (int8_t)buf_x[i];
    }
    mcu_stream_read(s, buf_y, p.channels);
    s->what = "mcu_mean_tfl_steps_s8";
    mcu_mean_tfl_steps_s8(&p, x8, y8);
    for (i = 0; i < p.channels; i++) {
        buf_got[i] = y8[i];
    }
    mcu_stream_compare(s, buf_y, buf_got, p.channels);
}

int main(int argc, char **argv)
{
    mcu_stream_t s = mcu_stream_open(argc > 1 ? argv[1] : ".", "nn_tfl");
    const int32_t cases = mcu_stream_next(&s);
    int32_t c;
    for (c = 0; c < cases; c++) {
        int32_t kind;
        s.case_index = c;
        kind = mcu_stream_next(&s);
        if (kind == 0) {
            requant_case(&s);
        } else if (kind == 1) {
            conv_case(&s);
        } else if (kind == 2) {
            slice_case(&s);
        } else if (kind == 3) {
            mean_case(&s);
        } else if (kind == 4) {
            depthwise_case(&s);
        } else {
            mean_steps_case(&s);
        }
    }
    mcu_stream_finish(&s, "test_nn_tfl");
    return 0;
}
