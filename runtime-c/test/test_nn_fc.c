/**
 * @file test_nn_fc.c
 * @brief Host test: mcu_fully_connected_s8 / _s16 / _s8_s16 / _s8_s32 / _s16_s32 against the Java
 *        reference (golden table nn_fc, format in NnGoldenVectors.fc).
 */
#include "mcu_stream.h"
#include "mcu_matvec.h"

/** The packed layouts (besides PLAIN) every int8 case also runs on, packed here from mcu_matvec_offset(). */
static const mcu_weight_layout_t packed_layouts[] = {MCU_WLAYOUT_DSP_PAIRS, MCU_WLAYOUT_ROWS4, MCU_WLAYOUT_ROWMAJOR};
static int8_t packed[MCU_STREAM_MAX + 4096];

static int32_t buf_x[MCU_STREAM_MAX];
static int32_t buf_y[MCU_STREAM_MAX];
static int32_t buf_got[MCU_STREAM_MAX];
static int8_t w8[MCU_STREAM_MAX];
static int8_t x8[MCU_STREAM_MAX];
static int8_t y8[MCU_STREAM_MAX];
static int16_t x16[MCU_STREAM_MAX];
static int16_t y16[MCU_STREAM_MAX];
static int32_t y32[MCU_STREAM_MAX];
static int32_t bias32[4096];
static int64_t bias64[4096];
static mcu_rescale_t rescales[4096];

int main(int argc, char **argv)
{
    mcu_stream_t s = mcu_stream_open(argc > 1 ? argv[1] : ".", "nn_fc");
    const int32_t cases = mcu_stream_next(&s);
    int32_t c;
    for (c = 0; c < cases; c++) {
        mcu_fc_params_t p;
        int32_t bits, out_bits, rows, i, n_in, n_out;
        s.case_index = c;
        bits = mcu_stream_next(&s);
        out_bits = mcu_stream_next(&s);
        if (bits == 8) {
            s.what = out_bits == 8 ? "mcu_fully_connected_s8"
                     : out_bits == 16 ? "mcu_fully_connected_s8_s16" : "mcu_fully_connected_s8_s32";
        } else {
            s.what = out_bits == 16 ? "mcu_fully_connected_s16" : "mcu_fully_connected_s16_s32";
        }
        p.input_size = mcu_stream_next(&s);
        p.units = mcu_stream_next(&s);
        rows = mcu_stream_next(&s);
        p.acc_shift = mcu_stream_next(&s);
        p.output_zp = mcu_stream_next(&s);
        p.act_min = mcu_stream_next(&s);
        p.act_max = mcu_stream_next(&s);
        p.rescale_count = mcu_stream_next(&s);
        for (i = 0; i < p.rescale_count; i++) {
            rescales[i] = mcu_stream_rescale(&s);
        }
        p.rescale = rescales;
        mcu_stream_read(&s, buf_x, p.input_size * p.units);
        for (i = 0; i < p.input_size * p.units; i++) {
            w8[i] = (int8_t)buf_x[i];
        }
        p.weights = w8;
        p.weight_layout = MCU_WLAYOUT_PLAIN;
        p.acc_small = 0;
        for (i = 0; i < p.units; i++) {
            if (bits == 8) {
                bias32[i] = mcu_stream_next(&s);
            } else {
                bias64[i] = mcu_stream_next64(&s);
            }
        }
        p.bias = bias32;
        p.bias64 = bias64;
        n_in = rows * p.input_size;
        n_out = rows * p.units;
        mcu_stream_read(&s, buf_x, n_in);
        mcu_stream_read(&s, buf_y, n_out);
        for (i = 0; i < n_in; i++) {
            x8[i] = (int8_t)(bits == 8 ? buf_x[i] : 0);
            x16[i] = (int16_t)(bits == 16 ? buf_x[i] : 0);
        }
        if (bits == 8 && out_bits == 8) {
            mcu_fully_connected_s8(&p, rows, x8, y8);
        } else if (bits == 8 && out_bits == 16) {
            mcu_fully_connected_s8_s16(&p, rows, x8, y16);
        } else if (bits == 8) {
            mcu_fully_connected_s8_s32(&p, rows, x8, y32);
        } else if (out_bits == 16) {
            mcu_fully_connected_s16(&p, rows, x16, y16);
        } else {
            mcu_fully_connected_s16_s32(&p, rows, x16, y32);
        }
        for (i = 0; i < n_out; i++) {
            buf_got[i] = out_bits == 8 ? y8[i] : (out_bits == 16 ? y16[i] : y32[i]);
        }
        mcu_stream_compare(&s, buf_y, buf_got, n_out);
        if (bits == 8) {
            size_t l;
            for (l = 0; l < sizeof packed_layouts / sizeof packed_layouts[0]; l++) {
                const mcu_weight_layout_t lay = packed_layouts[l];
                const int32_t rp = mcu_matvec_padded(p.units);
                const int32_t cp = mcu_matvec_padded(p.input_size);
                int32_t r, col, small;
                if ((int64_t)rp * cp > (int64_t)sizeof packed) {
                    continue;
                }
                for (r = 0; r < rp; r++) {
                    for (col = 0; col < cp; col++) {
                        const int32_t v = r < p.units && col < p.input_size ? w8[col * p.units + r] : 0;
                        const size_t off = mcu_matvec_offset(lay, p.input_size, r, col);
                        packed[off] = (int8_t)(lay == MCU_WLAYOUT_DSP_PAIRS && (r & 1) != 0 ? v + 128 - 256 * (v >= 0) : v);
                    }
                }
                for (r = 0; r < rp; r++) {
                    for (col = 0; col < cp; col++) {
                        const int32_t v = r < p.units && col < p.input_size ? w8[col * p.units + r] : 0;
                        if (mcu_matvec_weight(packed, lay, p.input_size, r, col) != v) {
                            printf("test_nn_fc: case %d layout %d: W[%d][%d] packs wrong\n", (int)c, (int)lay, (int)r, (int)col);
                            return 1;
                        }
                    }
                }
                p.weights = packed;
                p.weight_layout = lay;
                /* acc_small as the generator sets it (the bound from the weights), and 0 */
                small = 1;
                for (r = 0; r < p.units; r++) {
                    int64_t bound = bias32[r] < 0 ? -(int64_t)bias32[r] : bias32[r];
                    for (col = 0; col < p.input_size; col++) {
                        const int32_t v = w8[col * p.units + r];
                        bound += 128 * (v < 0 ? -v : v);
                    }
                    small = small && bound < ((int64_t)1 << 30);
                }
                for (p.acc_small = small; p.acc_small >= 0; p.acc_small--) {
                    if (out_bits == 8) {
                        mcu_fully_connected_s8(&p, rows, x8, y8);
                    } else if (out_bits == 16) {
                        mcu_fully_connected_s8_s16(&p, rows, x8, y16);
                    } else {
                        mcu_fully_connected_s8_s32(&p, rows, x8, y32);
                    }
                    for (i = 0; i < n_out; i++) {
                        buf_got[i] = out_bits == 8 ? y8[i] : (out_bits == 16 ? y16[i] : y32[i]);
                    }
                    mcu_stream_compare(&s, buf_y, buf_got, n_out);
                }
                p.acc_small = 0;
                p.weights = w8;
                p.weight_layout = MCU_WLAYOUT_PLAIN;
            }
        }
    }
    mcu_stream_finish(&s, "test_nn_fc");
    return 0;
}
