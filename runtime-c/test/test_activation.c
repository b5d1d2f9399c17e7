/**
 * @file test_activation.c
 * @brief Host test: the four int16 activations against the Java reference for all 65,536 inputs
 *        x every integer_bits m in 0..7, and the sigmoid table against the Java table.
 *        Usage: test_activation VECTOR_DIR. Exit 0 when every value matches, 1 on the first
 *        mismatch (printed with its inputs, expected and got), 2 when the vectors are missing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mcu_activation.h"
#include "mcu_golden.h"

typedef int16_t (*activation_fn)(int16_t, int32_t);

static long total;

static void check_activation(const char *dir, const char *name, activation_fn f)
{
    mcu_golden_t t = mcu_golden_load(dir, name, 3);
    int32_t r;
    if (t.rows != (MCU_MAX_INTEGER_BITS + 1) * 65536) {
        fprintf(stderr, "%s: %ld rows, expected every int16 input for every m in 0..7\n", name,
                (long)t.rows);
        exit(1);
    }
    for (r = 0; r < t.rows; r++) {
        const int32_t m = mcu_golden_at(&t, r, 0);
        const int32_t x = mcu_golden_at(&t, r, 1);
        int32_t got;
        if (m != r / 65536 || x != r % 65536 - 32768) {
            fprintf(stderr, "%s row %ld: inputs (%ld, %ld) out of order\n", name, (long)r, (long)m,
                    (long)x);
            exit(1);
        }
        got = f((int16_t)x, m);
        if (got != mcu_golden_at(&t, r, 2)) {
            mcu_golden_fail(&t, r, got);
        }
    }
    printf("  %-13s %8ld values\n", name, (long)t.rows);
    total += t.rows;
    mcu_golden_free(&t);
}

static void check_table(const char *dir)
{
    mcu_golden_t t = mcu_golden_load(dir, "lut_table", 2);
    int32_t r;
    if (t.rows != MCU_SIGMOID_TABLE_SIZE) {
        fprintf(stderr, "lut_table: %ld rows, expected %d\n", (long)t.rows, MCU_SIGMOID_TABLE_SIZE);
        exit(1);
    }
    for (r = 0; r < t.rows; r++) {
        const int32_t got = (int32_t)mcu_sigmoid_table_u16[r];
        if (mcu_golden_at(&t, r, 0) != r || got != mcu_golden_at(&t, r, 1)) {
            mcu_golden_fail(&t, r, got);
        }
    }
    printf("  %-13s %8ld values\n", "lut_table", (long)t.rows);
    total += t.rows;
    mcu_golden_free(&t);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s VECTOR_DIR\n", argv[0]);
        return 2;
    }
    check_table(argv[1]);
    check_activation(argv[1], "lut_sigmoid", mcu_sigmoid_lut_s16);
    check_activation(argv[1], "lut_tanh", mcu_tanh_lut_s16);
    check_activation(argv[1], "poly_sigmoid", mcu_sigmoid_poly_s16);
    check_activation(argv[1], "poly_tanh", mcu_tanh_poly_s16);
    printf("test_activation: %ld values compared, all equal\n", total);
    return 0;
}
