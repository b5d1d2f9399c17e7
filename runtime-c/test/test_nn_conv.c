/**
 * @file test_nn_conv.c
 * @brief Host test: mcu_conv_s8 / _s16 / _s8_s16 and mcu_conv_packed_s8 / _s8_s16 against the Java
 *        reference (golden table nn_conv, format in NnGoldenVectors.conv); every int8 case also runs
 *        mcu_conv_packed_* on PLAIN and on each packed weight layout (the convolution as the Dense over
 *        im2col rows), with acc_small as the generator sets it and 0, and with three im2col buffers: the
 *        generator's (WeightLayout.im2colBytes: as many receptive fields as fit 512 bytes, at least
 *        one), 24 bytes (rows wider than it take the one-weight-at-a-time path, the others come a few
 *        per batch), none (NULL: every copied row one weight at a time, in-place rows still fast) and,
 *        where it applies, the generator's buffer for the im2col-free row path on DSP_PAIRS
 *        (mcu_conv_rows_impl.h; table nn_conv_rows holds the shapes it takes). The table nn_conv_wide
 *        (ConvWideCases: channel and filter counts of real models, the NEON blocks' shapes) runs the same way.
 */
#include <stdlib.h>

#include "mcu_stream.h"
#include "mcu_matvec.h"

/** The layouts every int8 case also runs mcu_conv_packed_* on, packed here from mcu_matvec_offset() (PLAIN: as read). */
static const mcu_weight_layout_t packed_layouts[] = {MCU_WLAYOUT_PLAIN, MCU_WLAYOUT_DSP_PAIRS, MCU_WLAYOUT_ROWS4, MCU_WLAYOUT_ROWMAJOR};
static int8_t packed[MCU_STREAM_MAX + 4096];
static int32_t colbuf[16384 / 4]; /* word aligned, as the generator's arena buffers */

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

/** Runs of mcu_conv_packed_* with a buffer for the im2col-free row path (DSP_PAIRS, rows_bytes > 0). */
static long rows_runs;

/**
 * Bytes of the row path's buffer, mcu_conv_rows_bytes() (mcu_conv_rows_impl.h) and Java
 * WeightLayout.rowsBytes restated: kernel_h rows of wp = (out_w - 1) stride_w + kernel_w positions of
 * channels int16 and an int32 sum; 0 where the path does not apply.
 */
static int32_t rows_bytes(const mcu_conv_params_t *p, int32_t ow)
{
    if (p->weight_layout != MCU_WLAYOUT_DSP_PAIRS || p->channels % 4 != 0 || p->dilation_h != 1 || p->dilation_w != 1
        || p->kernel_w * p->channels > 512 || p->kernel_h * p->kernel_w == 1) {
        return 0;
    }
    return p->kernel_h * ((ow - 1) * p->stride_w + p->kernel_w) * (2 * p->channels + 4);
}

static void run_table(const char *dir, const char *name)
{
    mcu_stream_t s = mcu_stream_open(dir, name);
    const int32_t cases = mcu_stream_next(&s);
    int32_t c;
    for (c = 0; c < cases; c++) {
        mcu_conv_params_t p;
        int32_t bits, out_bits, i, n_w, n_in, n_out, oh, ow;
        s.case_index = c;
        bits = mcu_stream_next(&s);
        out_bits = mcu_stream_next(&s);
        s.what = bits == 16 ? "mcu_conv_s16" : (out_bits == 8 ? "mcu_conv_s8" : "mcu_conv_s8_s16");
        p.in_h = mcu_stream_next(&s);
        p.in_w = mcu_stream_next(&s);
        p.channels = mcu_stream_next(&s);
        p.filters = mcu_stream_next(&s);
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
        p.weight_layout = MCU_WLAYOUT_PLAIN;
        p.acc_small = 0;
        p.rescale_count = mcu_stream_next(&s);
        for (i = 0; i < p.rescale_count; i++) {
            rescales[i] = mcu_stream_rescale(&s);
        }
        p.rescale = rescales;
        n_w = p.kernel_h * p.kernel_w * p.channels * p.filters;
        mcu_stream_read(&s, buf_x, n_w);
        for (i = 0; i < n_w; i++) {
            w8[i] = (int8_t)buf_x[i];
        }
        p.weights = w8;
        for (i = 0; i < p.filters; i++) {
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
        if (oh * ow * p.filters != n_out) {
            fprintf(stderr, "MISMATCH %s case %ld: output length %ld x %ld x %ld, expected %ld\n", name, (long)c,
                    (long)oh, (long)ow, (long)p.filters, (long)n_out);
            exit(1);
        }
        for (i = 0; i < n_in; i++) {
            x8[i] = (int8_t)(bits == 8 ? buf_x[i] : 0);
            x16[i] = (int16_t)(bits == 16 ? buf_x[i] : 0);
        }
        if (bits == 16) {
            mcu_conv_s16(&p, x16, y16);
        } else if (out_bits == 8) {
            mcu_conv_s8(&p, x8, y8);
        } else {
            mcu_conv_s8_s16(&p, x8, y16);
        }
        for (i = 0; i < n_out; i++) {
            buf_got[i] = out_bits == 8 ? y8[i] : y16[i];
        }
        mcu_stream_compare(&s, buf_y, buf_got, n_out);
        if (bits == 8) {
            /* the Dense of the packed path: R = filters rows, C = kernel_h * kernel_w * channels columns */
            const int32_t rows = p.filters;
            const int32_t cols = p.kernel_h * p.kernel_w * p.channels;
            const int32_t rp = mcu_matvec_padded(rows);
            const int32_t cp = mcu_matvec_padded(cols);
            size_t l;
            for (l = 0; l < sizeof packed_layouts / sizeof packed_layouts[0]; l++) {
                const mcu_weight_layout_t lay = packed_layouts[l];
                int32_t r, col, small;
                if ((int64_t)rp * cp > (int64_t)sizeof packed) {
                    continue;
                }
                for (r = 0; r < rp && lay != MCU_WLAYOUT_PLAIN; r++) {
                    for (col = 0; col < cp; col++) {
                        const int32_t v = r < rows && col < cols ? w8[col * rows + r] : 0;
                        const size_t off = mcu_matvec_offset(lay, cols, r, col);
                        packed[off] = (int8_t)(lay == MCU_WLAYOUT_DSP_PAIRS && (r & 1) != 0 ? v + 128 - 256 * (v >= 0) : v);
                    }
                }
                small = 1;
                for (r = 0; r < rows; r++) {
                    int64_t bound = bias32[r] < 0 ? -(int64_t)bias32[r] : bias32[r];
                    for (col = 0; col < cols; col++) {
                        const int32_t v = w8[col * rows + r];
                        bound += 128 * (v < 0 ? -v : v);
                    }
                    small = small && bound < ((int64_t)1 << 30);
                }
                p.weights = lay == MCU_WLAYOUT_PLAIN ? w8 : packed;
                p.weight_layout = lay;
                for (p.acc_small = small; p.acc_small >= 0; p.acc_small--) {
                    const int32_t sizes[4] = {cols >= 512 ? cols : 512 / cols * cols, 24, 0, rows_bytes(&p, ow)};
                    size_t z;
                    for (z = 0; z < 4; z++) {
                        if (z == 3 && (sizes[z] == 0 || sizes[z] > (int32_t)sizeof colbuf)) {
                            continue;
                        }
                        rows_runs += z == 3;
                        int8_t *col_buf = sizes[z] > 0 ? (int8_t *)colbuf : NULL;
                        if (sizes[z] > (int32_t)sizeof colbuf) {
                            continue;
                        }
                        p.im2col_bytes = sizes[z];
                        if (out_bits == 8) {
                            mcu_conv_packed_s8(&p, x8, y8, col_buf);
                        } else {
                            mcu_conv_packed_s8_s16(&p, x8, y16, col_buf);
                        }
                        for (i = 0; i < n_out; i++) {
                            buf_got[i] = out_bits == 8 ? y8[i] : y16[i];
                        }
                        mcu_stream_compare(&s, buf_y, buf_got, n_out);
                    }
                }
                p.im2col_bytes = 0;
                p.acc_small = 0;
                p.weights = w8;
                p.weight_layout = MCU_WLAYOUT_PLAIN;
            }
        }
    }
    mcu_stream_finish(&s, "test_nn_conv");
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    run_table(dir, "nn_conv");
    run_table(dir, "nn_conv_rows");
    run_table(dir, "nn_conv_wide");
    if (rows_runs < 300) {
        fprintf(stderr, "test_nn_conv: only %ld runs with the row path's buffer\n", rows_runs);
        return 1;
    }
    printf("test_nn_conv: %ld runs with the row path's buffer\n", rows_runs);
    return 0;
}
