/**
 * @file test_nn_depthwise.c
 * @brief Host test: mcu_depthwise_conv_s8 / _s16 against the Java reference (golden tables nn_depthwise
 *        and nn_depthwise_packed, format in NnGoldenVectors.depthwise), and mcu_depthwise_conv_packed_s8
 *        in both packed layouts on every int8 case that meets its preconditions (weights packed here
 *        as mcu_nn.h states the layouts).
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
static int32_t packed[MCU_STREAM_MAX];

/** Whether case p (int8) meets mcu_depthwise_conv_packed_s8's preconditions. */
static int packable(const mcu_depthwise_conv_params_t *p)
{
    int32_t i, t;
    const int32_t taps = p->kernel_h * p->kernel_w;
    if (p->multiplier != 1 || p->acc_shift != 0) {
        return 0;
    }
    for (i = 0; i < p->rescale_count; i++) {
        if (p->rescale[i].multiplier <= 0 || p->rescale[i].shift > -1 || p->rescale[i].shift < -22) {
            return 0;
        }
    }
    for (i = 0; i < p->channels; i++) {
        int64_t bound = p->bias[i] < 0 ? -(int64_t)p->bias[i] : p->bias[i];
        for (t = 0; t < taps; t++) {
            const int32_t w = p->weights[t * p->channels + i];
            bound += 128 * (int64_t)(w < 0 ? -w : w);
        }
        if (bound >= ((int64_t)1 << 30)) {
            return 0;
        }
    }
    return 1;
}

/** The packed record of layout (MCU_DW_PACKED_H16 / _W32) into packed[], as mcu_nn.h defines it. */
static void pack(const mcu_depthwise_conv_params_t *p, int32_t layout)
{
    const int32_t taps = p->kernel_h * p->kernel_w;
    const int32_t words = layout == MCU_DW_PACKED_H16 ? 2 : 4;
    const int32_t blocks = (p->channels + 3) / 4;
    int32_t b, t, k;
    for (b = 0; b < blocks; b++) {
        int32_t *r = packed + b * (16 + taps * words);
        for (k = 0; k < 4; k++) {
            const int32_t ch = 4 * b + k;
            int32_t *q = r + 4 + taps * words + 6 * (k >> 1) + (k & 1);
            r[k] = ch < p->channels ? 2 * p->bias[ch] : 0;
            q[0] = q[2] = q[4] = 0;
            if (ch < p->channels) {
                const mcu_rescale_t *rs = &p->rescale[p->rescale_count == 1 ? 0 : ch];
                const int32_t right = -rs->shift;
                q[0] = rs->multiplier;
                q[2] = ((int32_t)1 << (right - 1)) + p->output_zp * ((int32_t)1 << right);
                q[4] = right;
            }
        }
        for (t = 0; t < taps; t++) {
            int32_t w2[4];
            for (k = 0; k < 4; k++) {
                const int32_t ch = 4 * b + k;
                w2[k] = ch < p->channels ? 2 * p->weights[t * p->channels + ch] : 0;
            }
            if (layout == MCU_DW_PACKED_H16) {
                r[4 + 2 * t] = (int32_t)(((uint32_t)w2[0] & 0xFFFFu) | ((uint32_t)w2[2] << 16));
                r[4 + 2 * t + 1] = (int32_t)(((uint32_t)w2[1] & 0xFFFFu) | ((uint32_t)w2[3] << 16));
            } else {
                for (k = 0; k < 4; k++) {
                    r[4 + 4 * t + k] = w2[k];
                }
            }
        }
    }
}

static int32_t packed_runs;

static void run_table(const char *dir, const char *table)
{
    mcu_stream_t s = mcu_stream_open(dir, table);
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
            exit(1);
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
        if (bits == 8 && packable(&p)) {
            int32_t layout;
            for (layout = MCU_DW_PACKED_H16; layout <= MCU_DW_PACKED_W32; layout++) {
                s.what = layout == MCU_DW_PACKED_H16 ? "mcu_depthwise_conv_packed_s8 (H16)"
                                                     : "mcu_depthwise_conv_packed_s8 (W32)";
                pack(&p, layout);
                p.packed_layout = layout;
                p.packed_weights = packed;
                for (i = 0; i < n_out; i++) {
                    y8[i] = 0;
                }
                mcu_depthwise_conv_packed_s8(&p, x8, y8);
                for (i = 0; i < n_out; i++) {
                    buf_got[i] = y8[i];
                }
                mcu_stream_compare(&s, buf_y, buf_got, n_out);
                packed_runs++;
            }
        }
    }
    mcu_stream_finish(&s, "test_nn_depthwise");
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    run_table(dir, "nn_depthwise");
    run_table(dir, "nn_depthwise_packed");
    if (packed_runs < 400) {
        fprintf(stderr, "test_nn_depthwise: only %ld runs of the packed kernel\n", (long)packed_runs);
        return 1;
    }
    printf("test_nn_depthwise: %ld runs of mcu_depthwise_conv_packed_s8\n", (long)packed_runs);
    return 0;
}
