/**
 * @file test_nn_norm.c
 * @brief Host test: layer normalization and embedding lookup, s8 and s16, against the Java reference
 *        (golden table nn_norm, format in NormGoldenVectors).
 */
#include "mcu_stream.h"

static int32_t buf_x[MCU_STREAM_MAX];
static int32_t buf_y[MCU_STREAM_MAX];
static int32_t buf_got[MCU_STREAM_MAX];
static int8_t x8[4096];
static int8_t y8[4096];
static int16_t x16[4096];
static int16_t y16[4096];
static int16_t gamma16[4096];
static int32_t bias[4096];
static int8_t table8[4096];
static int16_t table16[4096];
static int32_t ids[4096];

/** Reads `n` values into buf_x, checked against the buffers' size. */
static void read_values(mcu_stream_t *s, int32_t n)
{
    if (n < 0 || n > 4096) {
        fprintf(stderr, "nn_norm case %ld: %ld values do not fit the test buffers\n", (long)s->case_index, (long)n);
        exit(2);
    }
    mcu_stream_read(s, buf_x, n);
}

int main(int argc, char **argv)
{
    mcu_stream_t s = mcu_stream_open(argc > 1 ? argv[1] : ".", "nn_norm");
    const int32_t cases = mcu_stream_next(&s);
    int32_t c;
    for (c = 0; c < cases; c++) {
        int32_t bits, op, size, i;
        s.case_index = c;
        bits = mcu_stream_next(&s);
        op = mcu_stream_next(&s);
        if (op == 0) {
            mcu_layer_norm_params_t p;
            int32_t rows;
            s.what = bits == 8 ? "mcu_layer_norm_s8" : "mcu_layer_norm_s16";
            p.row = mcu_stream_next(&s);
            rows = mcu_stream_next(&s);
            p.norm_frac_bits = mcu_stream_next(&s);
            p.epsilon_term = mcu_stream_next64(&s);
            read_values(&s, p.row);
            for (i = 0; i < p.row; i++) {
                gamma16[i] = (int16_t)buf_x[i];
            }
            read_values(&s, p.row);
            for (i = 0; i < p.row; i++) {
                bias[i] = buf_x[i];
            }
            p.gamma = gamma16;
            p.bias = bias;
            p.rescale = mcu_stream_rescale(&s);
            p.output_zp = mcu_stream_next(&s);
            p.lo = mcu_stream_next(&s);
            p.hi = mcu_stream_next(&s);
            size = rows * p.row;
            read_values(&s, size);
            for (i = 0; i < size; i++) {
                x8[i] = (int8_t)(bits == 8 ? buf_x[i] : 0);
                x16[i] = (int16_t)(bits == 16 ? buf_x[i] : 0);
            }
            if (bits == 8) {
                mcu_layer_norm_s8(&p, rows, x8, y8);
            } else {
                mcu_layer_norm_s16(&p, rows, x16, y16);
            }
        } else if (op == 1) {
            mcu_embedding_params_t p;
            int32_t count;
            s.what = bits == 8 ? "mcu_embedding_s8" : "mcu_embedding_s16";
            p.rows = mcu_stream_next(&s);
            p.dim = mcu_stream_next(&s);
            count = mcu_stream_next(&s);
            read_values(&s, p.rows * p.dim);
            for (i = 0; i < p.rows * p.dim; i++) {
                table8[i] = (int8_t)(bits == 8 ? buf_x[i] : 0);
                table16[i] = (int16_t)(bits == 16 ? buf_x[i] : 0);
            }
            p.table_s8 = bits == 8 ? table8 : NULL;
            p.table_s16 = bits == 16 ? table16 : NULL;
            read_values(&s, count);
            for (i = 0; i < count; i++) {
                ids[i] = buf_x[i];
            }
            size = count * p.dim;
            if (size > 4096) {
                fprintf(stderr, "nn_norm case %ld: too large for the test buffers\n", (long)c);
                return 2;
            }
            if (bits == 8) {
                mcu_embedding_s8(&p, ids, count, y8);
            } else {
                mcu_embedding_s16(&p, ids, count, y16);
            }
        } else {
            fprintf(stderr, "nn_norm case %ld: unknown op %ld\n", (long)c, (long)op);
            return 2;
        }
        mcu_stream_read(&s, buf_y, size);
        for (i = 0; i < size; i++) {
            buf_got[i] = bits == 8 ? y8[i] : y16[i];
        }
        mcu_stream_compare(&s, buf_y, buf_got, size);
    }
    mcu_stream_finish(&s, "test_nn_norm");
    return 0;
}
