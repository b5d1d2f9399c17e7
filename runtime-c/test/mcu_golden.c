/**
 * @file mcu_golden.c
 * @brief Host-test helper: golden vector reader (see mcu_golden.h).
 */
#include "mcu_golden.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die(const char *what, const char *path)
{
    fprintf(stderr, "golden vectors: %s: %s (generate them with the Java reference: "
                    "./mvnw -pl ir test -Dtest=CRuntimeTest, or GoldenVectors.writeBinary)\n",
            path, what);
    exit(2);
}

static int32_t decode_s32(const unsigned char *p)
{
    const uint32_t u = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16)
                       | ((uint32_t)p[3] << 24);
    return u <= (uint32_t)INT32_MAX ? (int32_t)u : (int32_t)(u - 0x80000000u) + INT32_MIN;
}

mcu_golden_t mcu_golden_load(const char *dir, const char *name, int32_t expected_cols)
{
    mcu_golden_t t;
    char path[4096];
    unsigned char header[12];
    unsigned char *raw;
    size_t count;
    size_t i;
    FILE *f;

    snprintf(path, sizeof path, "%s/%s.bin", dir, name);
    f = fopen(path, "rb");
    if (f == NULL) {
        die("cannot open", path);
    }
    if (fread(header, 1, sizeof header, f) != sizeof header || memcmp(header, "MCGV", 4) != 0) {
        die("not a golden vector file", path);
    }
    t.name = name;
    t.cols = decode_s32(header + 4);
    t.rows = decode_s32(header + 8);
    if (t.cols != expected_cols || t.rows <= 0) {
        die("unexpected number of columns or rows", path);
    }
    count = (size_t)t.cols * (size_t)t.rows;
    raw = (unsigned char *)malloc(count * 4);
    t.data = (int32_t *)malloc(count * sizeof(int32_t));
    if (raw == NULL || t.data == NULL) {
        die("out of memory", path);
    }
    if (fread(raw, 4, count, f) != count || fgetc(f) != EOF) {
        die("truncated or too long", path);
    }
    fclose(f);
    for (i = 0; i < count; i++) {
        t.data[i] = decode_s32(raw + 4 * i);
    }
    free(raw);
    return t;
}

void mcu_golden_free(mcu_golden_t *t)
{
    free(t->data);
    t->data = NULL;
}

int32_t mcu_golden_at(const mcu_golden_t *t, int32_t row, int32_t col)
{
    return t->data[(size_t)row * (size_t)t->cols + (size_t)col];
}

void mcu_golden_fail(const mcu_golden_t *t, int32_t row, int32_t got)
{
    int32_t c;
    fprintf(stderr, "MISMATCH %s row %ld: inputs (", t->name, (long)row);
    for (c = 0; c + 1 < t->cols; c++) {
        fprintf(stderr, "%s%ld", c == 0 ? "" : ", ", (long)mcu_golden_at(t, row, c));
    }
    fprintf(stderr, ") expected %ld got %ld\n", (long)mcu_golden_at(t, row, t->cols - 1), (long)got);
    exit(1);
}
