/**
 * @file mcu_golden.h
 * @brief Host-test helper: reads the golden vectors the Java reference writes
 *        (`GoldenVectors.writeBinary`): `<dir>/<name>.bin` = "MCGV", int32 columns, int32 rows,
 *        then rows x columns int32 values, all little-endian.
 */
#ifndef MCU_GOLDEN_H
#define MCU_GOLDEN_H

#include <stdint.h>

/** One table of golden vectors: `rows` rows of `cols` values, row-major. */
typedef struct {
    const char *name;
    int32_t cols;
    int32_t rows;
    int32_t *data;
} mcu_golden_t;

/** Loads `<dir>/<name>.bin`; exits with status 2 and a message if it is missing or malformed. */
mcu_golden_t mcu_golden_load(const char *dir, const char *name, int32_t expected_cols);

/** Frees a table. */
void mcu_golden_free(mcu_golden_t *t);

/** Value `col` of row `row`. */
int32_t mcu_golden_at(const mcu_golden_t *t, int32_t row, int32_t col);

/**
 * Reports a mismatch (table, row, the inputs, expected, got) on stderr and exits with status 1.
 * The last column of the row is the expected value.
 */
void mcu_golden_fail(const mcu_golden_t *t, int32_t row, int32_t got);

#endif /* MCU_GOLDEN_H */
