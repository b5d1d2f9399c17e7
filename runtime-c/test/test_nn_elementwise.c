/**
 * @file test_nn_elementwise.c
 * @brief Host test: add, requant, channel affine, logistic and concat, s8 and s16 (requant and
 *        logistic also s16_s8), against the Java reference (golden table nn_elementwise, format in
 *        NnGoldenVectors.elementwise).
 */
#include "mcu_stream.h"

#define MAX_INPUTS 8

static int32_t buf_x[MCU_STREAM_MAX];
static int32_t buf_y[MCU_STREAM_MAX];
static int32_t buf_got[MCU_STREAM_MAX];
static int8_t x8[MAX_INPUTS][4096];
static int8_t y8[4096];
static int16_t x16[MAX_INPUTS][4096];
static int16_t y16[4096];
static int16_t weights[4096];
static int32_t bias[4096];
static int32_t zps[MAX_INPUTS];
static mcu_rescale_t rescales[4096];

static int32_t sizes[MAX_INPUTS];

/** Kernel names by [input 8, input 16, input 16 output 8][op]. */
static const char *const NAMES[3][5] = {
    {"mcu_add_s8", "mcu_requant_s8", "mcu_channel_affine_s8", "mcu_logistic_s8", "mcu_concat_s8"},
    {"mcu_add_s16", "mcu_requant_s16", "mcu_channel_affine_s16", "mcu_logistic_s16", "mcu_concat_s16"},
    {"?", "mcu_requant_s16_s8", "?", "mcu_logistic_s16_s8", "?"}};

/** Reads `count` tensors of `size` values into input slots 0.. of the bits' buffers. */
static void read_inputs(mcu_stream_t *s, int32_t bits, int32_t count, int32_t size)
{
    int32_t k, i;
    if (count > MAX_INPUTS || size > 4096) {
        fprintf(stderr, "nn_elementwise case %ld: too large for the test buffers\n", (long)s->case_index);
        exit(2);
    }
    for (k = 0; k < count; k++) {
        mcu_stream_read(s, buf_x, size);
        for (i = 0; i < size; i++) {
            if (bits == 8) {
                x8[k][i] = (int8_t)buf_x[i];
            } else {
                x16[k][i] = (int16_t)buf_x[i];
            }
        }
    }
}

int main(int argc, char **argv)
{
    mcu_stream_t s = mcu_stream_open(argc > 1 ? argv[1] : ".", "nn_elementwise");
    const int32_t cases = mcu_stream_next(&s);
    int32_t c;
    for (c = 0; c < cases; c++) {
        int32_t bits, out_bits, op, size = 0, i;
        s.case_index = c;
        bits = mcu_stream_next(&s);
        out_bits = mcu_stream_next(&s);
        op = mcu_stream_next(&s);
        if (op < 0 || op > 4) {
            fprintf(stderr, "nn_elementwise case %ld: unknown op %ld\n", (long)c, (long)op);
            return 2;
        }
        s.what = NAMES[bits == 8 ? 0 : (out_bits == 16 ? 1 : 2)][op];
        if (op == 0) {
            mcu_add_params_t p;
            const int8_t *in8[MAX_INPUTS];
            const int16_t *in16[MAX_INPUTS];
            p.num_inputs = mcu_stream_next(&s);
            size = mcu_stream_next(&s);
            p.left_shift = mcu_stream_next(&s);
            if (p.num_inputs > MAX_INPUTS) {
                fprintf(stderr, "nn_elementwise case %ld: too many inputs\n", (long)c);
                return 2;
            }
            for (i = 0; i < p.num_inputs; i++) {
                zps[i] = mcu_stream_next(&s);
            }
            for (i = 0; i < p.num_inputs; i++) {
                rescales[i] = mcu_stream_rescale(&s);
                in8[i] = x8[i];
                in16[i] = x16[i];
            }
            p.input_zp = zps;
            p.input_rescale = rescales;
            p.output_rescale = mcu_stream_rescale(&s);
            p.output_zp = mcu_stream_next(&s);
            p.qmin = mcu_stream_next(&s);
            p.qmax = mcu_stream_next(&s);
            read_inputs(&s, bits, p.num_inputs, size);
            if (bits == 8) {
                mcu_add_s8(&p, in8, size, y8);
            } else {
                mcu_add_s16(&p, in16, size, y16);
            }
        } else if (op == 1) {
            mcu_requant_params_t p;
            size = mcu_stream_next(&s);
            p.input_zp = mcu_stream_next(&s);
            p.gain = mcu_stream_next(&s);
            p.rescale = mcu_stream_rescale(&s);
            p.offset = mcu_stream_next(&s);
            p.output_zp = mcu_stream_next(&s);
            p.lo = mcu_stream_next(&s);
            p.hi = mcu_stream_next(&s);
            read_inputs(&s, bits, 1, size);
            if (bits == 8) {
                mcu_requant_s8(&p, x8[0], size, y8);
            } else if (out_bits == 16) {
                mcu_requant_s16(&p, x16[0], size, y16);
            } else {
                mcu_requant_s16_s8(&p, x16[0], size, y8);
            }
        } else if (op == 2) {
            mcu_channel_affine_params_t p;
            p.channels = mcu_stream_next(&s);
            size = mcu_stream_next(&s);
            p.rescale_count = mcu_stream_next(&s);
            for (i = 0; i < p.rescale_count; i++) {
                rescales[i] = mcu_stream_rescale(&s);
            }
            p.rescale = rescales;
            for (i = 0; i < p.channels; i++) {
                weights[i] = (int16_t)mcu_stream_next(&s);
            }
            for (i = 0; i < p.channels; i++) {
                bias[i] = mcu_stream_next(&s);
            }
            p.weights = weights;
            p.bias = bias;
            p.output_zp = mcu_stream_next(&s);
            p.lo = mcu_stream_next(&s);
            p.hi = mcu_stream_next(&s);
            read_inputs(&s, bits, 1, size);
            if (bits == 8) {
                mcu_channel_affine_s8(&p, x8[0], size, y8);
            } else {
                mcu_channel_affine_s16(&p, x16[0], size, y16);
            }
        } else if (op == 3) {
            mcu_logistic_params_t p;
            p.function = mcu_stream_next(&s) ? MCU_LOGISTIC_TANH : MCU_LOGISTIC_SIGMOID;
            p.impl = mcu_stream_next(&s) ? MCU_ACTIVATION_POLY : MCU_ACTIVATION_LUT;
            size = mcu_stream_next(&s);
            p.input_zp = mcu_stream_next(&s);
            p.input_rescale = mcu_stream_rescale(&s);
            p.output_rescale = mcu_stream_rescale(&s);
            p.output_zp = mcu_stream_next(&s);
            p.qmin = mcu_stream_next(&s);
            p.qmax = mcu_stream_next(&s);
            read_inputs(&s, bits, 1, size);
            if (bits == 8) {
                mcu_logistic_s8(&p, x8[0], size, y8);
            } else if (out_bits == 16) {
                mcu_logistic_s16(&p, x16[0], size, y16);
            } else {
                mcu_logistic_s16_s8(&p, x16[0], size, y8);
            }
        } else {
            mcu_concat_params_t p;
            const int8_t *in8[MAX_INPUTS];
            const int16_t *in16[MAX_INPUTS];
            int32_t k;
            p.num_inputs = mcu_stream_next(&s);
            p.outer = mcu_stream_next(&s);
            if (p.num_inputs > MAX_INPUTS) {
                fprintf(stderr, "nn_elementwise case %ld: too many inputs\n", (long)c);
                return 2;
            }
            for (k = 0; k < p.num_inputs; k++) {
                sizes[k] = mcu_stream_next(&s);
                size += p.outer * sizes[k];
            }
            for (k = 0; k < p.num_inputs; k++) {
                zps[k] = mcu_stream_next(&s);
            }
            for (k = 0; k < p.num_inputs; k++) {
                rescales[k] = mcu_stream_rescale(&s);
                in8[k] = x8[k];
                in16[k] = x16[k];
            }
            p.input_size = sizes;
            p.input_zp = zps;
            p.input_rescale = rescales;
            p.output_zp = mcu_stream_next(&s);
            p.qmin = mcu_stream_next(&s);
            p.qmax = mcu_stream_next(&s);
            if (size > 4096) {
                fprintf(stderr, "nn_elementwise case %ld: too large for the test buffers\n", (long)c);
                return 2;
            }
            for (k = 0; k < p.num_inputs; k++) {
                mcu_stream_read(&s, buf_x, p.outer * sizes[k]);
                for (i = 0; i < p.outer * sizes[k]; i++) {
                    x8[k][i] = (int8_t)(bits == 8 ? buf_x[i] : 0);
                    x16[k][i] = (int16_t)(bits == 16 ? buf_x[i] : 0);
                }
            }
            if (bits == 8) {
                mcu_concat_s8(&p, in8, y8);
            } else {
                mcu_concat_s16(&p, in16, y16);
            }
        }
        mcu_stream_read(&s, buf_y, size);
        for (i = 0; i < size; i++) {
            buf_got[i] = out_bits == 8 ? y8[i] : y16[i];
        }
        mcu_stream_compare(&s, buf_y, buf_got, size);
    }
    mcu_stream_finish(&s, "test_nn_elementwise");
    return 0;
}
