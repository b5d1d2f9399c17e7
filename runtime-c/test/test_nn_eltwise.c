/**
 * @file test_nn_eltwise.c
 * @brief Host test: mcu_sum, mcu_sub, mcu_mul, mcu_maximum, mcu_minimum, s8 and s16, with
 *        per-channel operands, against the Java reference (golden table nn_eltwise, format in
 *        ElementwiseGoldenVectors).
 */
#include "mcu_stream.h"

#define MAX_INPUTS 8
#define MAX_SIZE 4096

static int32_t buf[MCU_STREAM_MAX];
static int32_t got[MAX_SIZE];
static int8_t x8[MAX_INPUTS][MAX_SIZE];
static int8_t y8[MAX_SIZE];
static int16_t x16[MAX_INPUTS][MAX_SIZE];
static int16_t y16[MAX_SIZE];
static int32_t channelwise[MAX_INPUTS];
static int32_t zps[MAX_INPUTS];
static mcu_rescale_t rescales[MAX_INPUTS];
static mcu_rescale_t steps[MAX_INPUTS];

typedef void (*kernel_s8_t)(const mcu_elementwise_params_t *, const int8_t *const *, int32_t, int8_t *);
typedef void (*kernel_s16_t)(const mcu_elementwise_params_t *, const int16_t *const *, int32_t, int16_t *);

static const kernel_s8_t KERNELS_S8[5] = {mcu_sum_s8, mcu_sub_s8, mcu_mul_s8, mcu_maximum_s8, mcu_minimum_s8};
static const kernel_s16_t KERNELS_S16[5] = {mcu_sum_s16, mcu_sub_s16, mcu_mul_s16, mcu_maximum_s16, mcu_minimum_s16};
static const char *const NAMES[2][5] = {
    {"mcu_sum_s8", "mcu_sub_s8", "mcu_mul_s8", "mcu_maximum_s8", "mcu_minimum_s8"},
    {"mcu_sum_s16", "mcu_sub_s16", "mcu_mul_s16", "mcu_maximum_s16", "mcu_minimum_s16"}};

int main(int argc, char **argv)
{
    mcu_stream_t s = mcu_stream_open(argc > 1 ? argv[1] : ".", "nn_eltwise");
    const int32_t cases = mcu_stream_next(&s);
    int32_t c;
    for (c = 0; c < cases; c++) {
        mcu_elementwise_params_t p;
        const int8_t *in8[MAX_INPUTS];
        const int16_t *in16[MAX_INPUTS];
        int32_t bits, op, size, k, i;
        s.case_index = c;
        bits = mcu_stream_next(&s);
        op = mcu_stream_next(&s);
        p.num_inputs = mcu_stream_next(&s);
        p.channels = mcu_stream_next(&s);
        size = mcu_stream_next(&s);
        if (op < 0 || op > 4 || p.num_inputs < 2 || p.num_inputs > MAX_INPUTS || size > MAX_SIZE || p.channels < 1) {
            fprintf(stderr, "nn_eltwise case %ld: bad header\n", (long)c);
            return 2;
        }
        s.what = NAMES[bits == 8 ? 0 : 1][op];
        for (k = 0; k < p.num_inputs; k++) {
            channelwise[k] = mcu_stream_next(&s);
            zps[k] = mcu_stream_next(&s);
            rescales[k] = mcu_stream_rescale(&s);
        }
        p.left_shift = mcu_stream_next(&s);
        for (k = 0; op == 2 && k < p.num_inputs - 2; k++) {
            steps[k] = mcu_stream_rescale(&s);
        }
        p.output_rescale = mcu_stream_rescale(&s);
        p.output_zp = mcu_stream_next(&s);
        p.qmin = mcu_stream_next(&s);
        p.qmax = mcu_stream_next(&s);
        p.input_channelwise = channelwise;
        p.input_zp = zps;
        p.input_rescale = rescales;
        p.step_rescale = steps;
        for (k = 0; k < p.num_inputs; k++) {
            const int32_t n = channelwise[k] ? p.channels : size;
            mcu_stream_read(&s, buf, n);
            for (i = 0; i < n; i++) {
                if (bits == 8) {
                    x8[k][i] = (int8_t)buf[i];
                } else {
                    x16[k][i] = (int16_t)buf[i];
                }
            }
            in8[k] = x8[k];
            in16[k] = x16[k];
        }
        if (bits == 8) {
            KERNELS_S8[op](&p, in8, size, y8);
        } else {
            KERNELS_S16[op](&p, in16, size, y16);
        }
        for (i = 0; i < size; i++) {
            got[i] = bits == 8 ? y8[i] : y16[i];
        }
        mcu_stream_read(&s, buf, size);
        mcu_stream_compare(&s, buf, got, size);
    }
    mcu_stream_finish(&s, "test_nn_eltwise");
    return 0;
}
