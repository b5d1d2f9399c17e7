/**
 * @file mcu_stream.h
 * @brief Host-test helper for the mcu_nn.h kernel tests: reads the one-column golden tables
 *        (`NnGoldenVectors`: a flat int32 stream of cases) sequentially, and compares outputs.
 */
#ifndef MCU_STREAM_H
#define MCU_STREAM_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "mcu_golden.h"
#include "mcu_nn.h"

/** A read position in a one-column table. */
typedef struct {
    mcu_golden_t table;
    int32_t pos;
    int32_t case_index;
    const char *what;  /**< the op of the current case, for messages */
    long compared;     /**< output values compared so far */
} mcu_stream_t;

/** Capacity of the test programs' static buffers (values). */
#define MCU_STREAM_MAX 65536

static inline mcu_stream_t mcu_stream_open(const char *dir, const char *name)
{
    mcu_stream_t s;
    s.table = mcu_golden_load(dir, name, 1);
    s.pos = 0;
    s.case_index = -1;
    s.what = "";
    s.compared = 0;
    return s;
}

static inline int32_t mcu_stream_next(mcu_stream_t *s)
{
    if (s->pos >= s->table.rows) {
        fprintf(stderr, "%s: stream ends early in case %ld\n", s->table.name, (long)s->case_index);
        exit(2);
    }
    return s->table.data[s->pos++];
}

/** Reads `n` values (n <= MCU_STREAM_MAX) into `out`. */
static inline void mcu_stream_read(mcu_stream_t *s, int32_t *out, int32_t n)
{
    int32_t i;
    if (n < 0 || n > MCU_STREAM_MAX) {
        fprintf(stderr, "%s: case %ld: %ld values exceed the test buffers\n", s->table.name, (long)s->case_index,
                (long)n);
        exit(2);
    }
    for (i = 0; i < n; i++) {
        out[i] = mcu_stream_next(s);
    }
}

static inline int64_t mcu_stream_next64(mcu_stream_t *s)
{
    const uint32_t lo = (uint32_t)mcu_stream_next(s);
    const uint32_t hi = (uint32_t)mcu_stream_next(s);
    const uint64_t u = ((uint64_t)hi << 32) | lo;
    return u <= (uint64_t)INT64_MAX ? (int64_t)u : (int64_t)(u - ((uint64_t)1 << 63)) + INT64_MIN;
}

static inline mcu_rescale_t mcu_stream_rescale(mcu_stream_t *s)
{
    mcu_rescale_t r;
    r.multiplier = mcu_stream_next(s);
    r.shift = mcu_stream_next(s);
    return r;
}

/**
 * Compares `n` outputs; on the first mismatch prints the table, case, op, index, expected and got
 * with up to 3 neighbours on each side, and exits with status 1.
 */
static inline void mcu_stream_compare(mcu_stream_t *s, const int32_t *expected, const int32_t *got, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        if (expected[i] != got[i]) {
            int32_t k;
            fprintf(stderr, "MISMATCH %s case %ld (%s) output %ld of %ld: expected %ld got %ld\n  context:",
                    s->table.name, (long)s->case_index, s->what, (long)i, (long)n, (long)expected[i], (long)got[i]);
            for (k = i - 3 < 0 ? 0 : i - 3; k < n && k <= i + 3; k++) {
                fprintf(stderr, " [%ld] %ld/%ld", (long)k, (long)expected[k], (long)got[k]);
            }
            fprintf(stderr, " (expected/got)\n");
            exit(1);
        }
    }
    s->compared += n;
}

/** Checks that the whole stream was consumed, prints "<prog>: N values compared, all equal". */
static inline void mcu_stream_finish(mcu_stream_t *s, const char *prog)
{
    if (s->pos != s->table.rows) {
        fprintf(stderr, "%s: %ld trailing values\n", s->table.name, (long)(s->table.rows - s->pos));
        exit(2);
    }
    printf("%s: %ld values compared, all equal\n", prog, s->compared);
    mcu_golden_free(&s->table);
}

#endif /* MCU_STREAM_H */
