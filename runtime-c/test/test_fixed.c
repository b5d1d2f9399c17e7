/**
 * @file test_fixed.c
 * @brief Host test: every primitive of mcu_fixed.h against the Java reference's golden vectors
 *        (edge values crossed with each other or with every shift, then seeded random operands).
 *        Usage: test_fixed VECTOR_DIR. Exit 0 when every value matches, 1 on the first mismatch
 *        (printed with its inputs, expected and got), 2 when the vectors are missing.
 */
#include <stdio.h>

#include "mcu_fixed.h"
#include "mcu_golden.h"

typedef int32_t (*unary_fn)(int32_t);
typedef int32_t (*binary_fn)(int32_t, int32_t);

static int32_t sat_s8(int32_t x) { return mcu_sat_s8(x); }
static int32_t sat_s16(int32_t x) { return mcu_sat_s16(x); }
static int32_t add_sat_s16(int32_t a, int32_t b) { return mcu_add_sat_s16((int16_t)a, (int16_t)b); }
static int32_t sub_sat_s16(int32_t a, int32_t b) { return mcu_sub_sat_s16((int16_t)a, (int16_t)b); }

static long total;

static void check_unary(const char *dir, const char *name, unary_fn f)
{
    mcu_golden_t t = mcu_golden_load(dir, name, 2);
    int32_t r;
    for (r = 0; r < t.rows; r++) {
        const int32_t got = f(mcu_golden_at(&t, r, 0));
        if (got != mcu_golden_at(&t, r, 1)) {
            mcu_golden_fail(&t, r, got);
        }
    }
    printf("  %-10s %8ld values\n", name, (long)t.rows);
    total += t.rows;
    mcu_golden_free(&t);
}

static void check_binary(const char *dir, const char *name, binary_fn f)
{
    mcu_golden_t t = mcu_golden_load(dir, name, 3);
    int32_t r;
    for (r = 0; r < t.rows; r++) {
        const int32_t got = f(mcu_golden_at(&t, r, 0), mcu_golden_at(&t, r, 1));
        if (got != mcu_golden_at(&t, r, 2)) {
            mcu_golden_fail(&t, r, got);
        }
    }
    printf("  %-10s %8ld values\n", name, (long)t.rows);
    total += t.rows;
    mcu_golden_free(&t);
}

static void check_requant(const char *dir)
{
    mcu_golden_t t = mcu_golden_load(dir, "requant", 4);
    int32_t r;
    for (r = 0; r < t.rows; r++) {
        const int32_t got = mcu_requant_s32(mcu_golden_at(&t, r, 0), mcu_golden_at(&t, r, 1),
                                            mcu_golden_at(&t, r, 2));
        if (got != mcu_golden_at(&t, r, 3)) {
            mcu_golden_fail(&t, r, got);
        }
    }
    printf("  %-10s %8ld values\n", "requant", (long)t.rows);
    total += t.rows;
    mcu_golden_free(&t);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s VECTOR_DIR\n", argv[0]);
        return 2;
    }
    check_binary(argv[1], "srdhm", mcu_srdhm_s32);
    check_binary(argv[1], "rdivpot", mcu_rdivpot_s32);
    check_binary(argv[1], "shl_sat", mcu_shl_sat_s32);
    check_binary(argv[1], "mul_pot", mcu_mul_pot_s32);
    check_requant(argv[1]);
    check_unary(argv[1], "sat_int8", sat_s8);
    check_unary(argv[1], "sat_int16", sat_s16);
    check_binary(argv[1], "add_sat16", add_sat_s16);
    check_binary(argv[1], "sub_sat16", sub_sat_s16);
    printf("test_fixed: %ld values compared, all equal\n", total);
    return 0;
}
