/**
 * @file mcu_rnn_stream.h
 * @brief Host-test helper for the mcu_rnn.h kernel tests: reads the parameter blocks of the
 *        golden tables rnn_* (`RnnGoldenVectors`: matVec, activation, gate) into static pools.
 */
#ifndef MCU_RNN_STREAM_H
#define MCU_RNN_STREAM_H

#include "mcu_rnn.h"
#include "mcu_stream.h"

/** Bump-allocated pools for one case's parameters (reset with mcu_rnn_pool_reset()). */
static int8_t mcu_rnn_pool8[MCU_STREAM_MAX];
static int16_t mcu_rnn_pool16[MCU_STREAM_MAX];
static int32_t mcu_rnn_pool32[MCU_STREAM_MAX];
static int32_t mcu_rnn_used8;
static int32_t mcu_rnn_used16;
static int32_t mcu_rnn_used32;

static inline void mcu_rnn_pool_reset(void)
{
    mcu_rnn_used8 = 0;
    mcu_rnn_used16 = 0;
    mcu_rnn_used32 = 0;
}

static inline void mcu_rnn_check(mcu_stream_t *s, int32_t used, int32_t n)
{
    if (n < 0 || used + n > MCU_STREAM_MAX) {
        fprintf(stderr, "%s: case %ld: parameters exceed the test pools\n", s->table.name, (long)s->case_index);
        exit(2);
    }
}

static inline const int8_t *mcu_rnn_read8(mcu_stream_t *s, int32_t n)
{
    int8_t *p = mcu_rnn_pool8 + mcu_rnn_used8;
    int32_t i;
    mcu_rnn_check(s, mcu_rnn_used8, n);
    for (i = 0; i < n; i++) {
        p[i] = (int8_t)mcu_stream_next(s);
    }
    mcu_rnn_used8 += n;
    return p;
}

static inline const int16_t *mcu_rnn_read16(mcu_stream_t *s, int32_t n)
{
    int16_t *p = mcu_rnn_pool16 + mcu_rnn_used16;
    int32_t i;
    mcu_rnn_check(s, mcu_rnn_used16, n);
    for (i = 0; i < n; i++) {
        p[i] = (int16_t)mcu_stream_next(s);
    }
    mcu_rnn_used16 += n;
    return p;
}

static inline const int32_t *mcu_rnn_read32(mcu_stream_t *s, int32_t n)
{
    int32_t *p = mcu_rnn_pool32 + mcu_rnn_used32;
    mcu_rnn_check(s, mcu_rnn_used32, n);
    mcu_stream_read(s, p, n);
    mcu_rnn_used32 += n;
    return p;
}

/** rows, cols, weights[rows*cols], bias[rows], rescale. */
static inline mcu_rnn_matvec_t mcu_rnn_read_matvec(mcu_stream_t *s)
{
    mcu_rnn_matvec_t m;
    m.rows = mcu_stream_next(s);
    m.cols = mcu_stream_next(s);
    m.weights = mcu_rnn_read8(s, m.rows * m.cols);
    m.bias = mcu_rnn_read32(s, m.rows);
    m.rescale = mcu_stream_rescale(s);
    m.weight_layout = MCU_WLAYOUT_PLAIN;
    return m;
}

/** function, impl, input_frac_bits. */
static inline mcu_rnn_act_t mcu_rnn_read_act(mcu_stream_t *s)
{
    mcu_rnn_act_t a;
    a.function = mcu_stream_next(s);
    a.impl = mcu_stream_next(s);
    a.input_frac_bits = mcu_stream_next(s);
    return a;
}

/** input, recurrent, hasPeephole [P, rescale], hasLayerNorm [L, b, rescale], activation. */
static inline mcu_rnn_gate_t mcu_rnn_read_gate(mcu_stream_t *s)
{
    mcu_rnn_gate_t g;
    const mcu_rescale_t none = {0, 0};
    g.input = mcu_rnn_read_matvec(s);
    g.recurrent = mcu_rnn_read_matvec(s);
    g.peephole = NULL;
    g.peephole_rescale = none;
    if (mcu_stream_next(s)) {
        g.peephole = mcu_rnn_read16(s, g.input.rows);
        g.peephole_rescale = mcu_stream_rescale(s);
    }
    g.ln_coefficients = NULL;
    g.ln_bias = NULL;
    g.ln_rescale = none;
    if (mcu_stream_next(s)) {
        g.ln_coefficients = mcu_rnn_read16(s, g.input.rows);
        g.ln_bias = mcu_rnn_read32(s, g.input.rows);
        g.ln_rescale = mcu_stream_rescale(s);
    }
    g.activation = mcu_rnn_read_act(s);
    return g;
}

/** Reads n int8 values of x_t. */
static inline void mcu_rnn_read_x(mcu_stream_t *s, int8_t *x, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        x[i] = (int8_t)mcu_stream_next(s);
    }
}

/** Reads n int16 values of x_t. */
static inline void mcu_rnn_read_x16(mcu_stream_t *s, int16_t *x, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        x[i] = (int16_t)mcu_stream_next(s);
    }
}

/**
 * The command line of a test: `<prog> [vector dir [table]]`, the table defaulting to `table`.
 * Opens the table; `*label` becomes `prog` for the default table, else `prog (table)`.
 */
static inline mcu_stream_t mcu_rnn_open(int argc, char **argv, const char *prog, const char *table,
                                        char *label, size_t label_size)
{
    const char *name = argc > 2 ? argv[2] : table;
    if (argc > 2) {
        snprintf(label, label_size, "%s (%s)", prog, name);
    } else {
        snprintf(label, label_size, "%s", prog);
    }
    return mcu_stream_open(argc > 1 ? argv[1] : ".", name);
}

/** The element width of the next case (8: the _s8 kernel, 16: the _s16 kernel). */
static inline int32_t mcu_rnn_read_bits(mcu_stream_t *s)
{
    const int32_t bits = mcu_stream_next(s);
    if (bits != 8 && bits != 16) {
        fprintf(stderr, "%s: case %ld: element width %ld\n", s->table.name, (long)s->case_index, (long)bits);
        exit(2);
    }
    return bits;
}

/**
 * mcu_stream_finish, then the split per kernel:
 * "<label>: N values compared, all equal (<s8 kernel> A, <s16 kernel> B)".
 */
static inline void mcu_rnn_finish(mcu_stream_t *s, const char *label, const char *kernel8, long compared8,
                                  const char *kernel16, long compared16)
{
    if (s->pos != s->table.rows) {
        fprintf(stderr, "%s: %ld trailing values\n", s->table.name, (long)(s->table.rows - s->pos));
        exit(2);
    }
    printf("%s: %ld values compared, all equal (%s %ld, %s %ld)\n", label, s->compared, kernel8, compared8, kernel16,
           compared16);
    mcu_golden_free(&s->table);
}

/** Compares n values of an int8 vector with the next n expected values. */
static inline void mcu_rnn_compare8(mcu_stream_t *s, const int8_t *got, int32_t n)
{
    static int32_t e[MCU_STREAM_MAX];
    static int32_t g[MCU_STREAM_MAX];
    int32_t i;
    mcu_stream_read(s, e, n);
    for (i = 0; i < n; i++) {
        g[i] = got[i];
    }
    mcu_stream_compare(s, e, g, n);
}

/** Compares n values of an int16 vector with the next n expected values. */
static inline void mcu_rnn_compare16(mcu_stream_t *s, const int16_t *got, int32_t n)
{
    static int32_t e[MCU_STREAM_MAX];
    static int32_t g[MCU_STREAM_MAX];
    int32_t i;
    mcu_stream_read(s, e, n);
    for (i = 0; i < n; i++) {
        g[i] = got[i];
    }
    mcu_stream_compare(s, e, g, n);
}

#endif /* MCU_RNN_STREAM_H */
