/*
 * NEON paths of mcu_matvec.h against the portable contract, on AArch64 (`make -C runtime-c test-neon`
 * cross-compiles it and runs it under qemu-aarch64):
 * - mcu_matvec_neon_rescale() == mcu_nn_rescale() lane by lane on edge values (rounding ties of
 *   every shift, negatives, INT32_MIN / INT32_MAX, saturating left shifts, multiplier and
 *   power-of-two forms) and on random values; the short form of mcu_requant_neon.h (the NEON
 *   convolution and depthwise output stage) on the same values for every multiplier form with a
 *   right shift;
 * - mcu_matvec_neon_rows4() == the portable ROWMAJOR sums for every column count 1..200 with
 *   weights at +-127 and inputs at -128 (the int16 lanes' worst case) and random ones.
 */
#include <stdint.h>
#include <stdio.h>

#include "mcu_matvec.h"
#include "mcu_requant_neon.h"

#ifndef MCU_MATVEC_HAVE_NEON
#error "test_matvec_neon needs the NEON path (__ARM_NEON, __aarch64__)"
#endif

static uint32_t rng = 12345u;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static long compared = 0;

static int check_rescale(int32_t x, int32_t mult, int32_t shift)
{
    int32_t got[4];
    const mcu_rescale_t r = {mult, shift};
    const int32_t want = mcu_nn_rescale(x, &r);
    vst1q_s32(got, mcu_matvec_neon_rescale(vdupq_n_s32(x), vdupq_n_s32(mult), vdupq_n_s32(shift)));
    compared++;
    if (got[0] != want || got[3] != want) {
        printf("test_matvec_neon: rescale(%ld, %ld, %ld) = %ld, want %ld\n", (long)x, (long)mult, (long)shift,
               (long)got[0], (long)want);
        return 1;
    }
    if (mult != 0 && shift <= -1 && shift >= -31) {
        /* the short form of mcu_requant_neon.h (SQRDMULH, SSRA, SRSHL) on the same values */
        mcu_requant_neon_t q;
        mcu_requant_neon_init(&q, &r, 1, 0, -128, 127);
        if (!q.short_rq) {
            printf("test_matvec_neon: rescale (%ld, %ld) not taken as the short form\n", (long)mult, (long)shift);
            return 1;
        }
        vst1q_s32(got, mcu_requant_neon_rescale(&q, vdupq_n_s32(x), vdupq_n_s32(mult), vdupq_n_s32(shift)));
        compared++;
        if (got[0] != want || got[3] != want) {
            printf("test_matvec_neon: short rescale(%ld, %ld, %ld) = %ld, want %ld\n", (long)x, (long)mult,
                   (long)shift, (long)got[0], (long)want);
            return 1;
        }
    }
    return 0;
}

static int test_rescale(void)
{
    static const int32_t mults[] = {0, 1073741824, 1073741825, 1518500250, 2147483647};
    int32_t s;
    size_t m;
    int i;
    for (m = 0; m < sizeof mults / sizeof mults[0]; m++) {
        for (s = MCU_MIN_SHIFT; s <= MCU_MAX_SHIFT; s++) {
            const int32_t e = s < 0 ? -s : 1;
            const int64_t half = (int64_t)1 << (e - 1);
            int64_t k;
            /* ties of rdivpot by 2^e (k 2^e +- 2^(e-1)), their neighbours, and the extremes */
            for (k = -3; k <= 3; k++) {
                int64_t d;
                for (d = -1; d <= 1; d++) {
                    const int64_t v = k * ((int64_t)1 << e) + half + d;
                    const int64_t w = k * ((int64_t)1 << e) - half + d;
                    if (v >= INT32_MIN && v <= INT32_MAX && check_rescale((int32_t)v, mults[m], s)) {
                        return 1;
                    }
                    if (w >= INT32_MIN && w <= INT32_MAX && check_rescale((int32_t)w, mults[m], s)) {
                        return 1;
                    }
                }
            }
            if (check_rescale(INT32_MIN, mults[m], s) || check_rescale(INT32_MIN + 1, mults[m], s) ||
                check_rescale(INT32_MAX, mults[m], s) || check_rescale(-1, mults[m], s) ||
                check_rescale(0, mults[m], s) || check_rescale(1, mults[m], s)) {
                return 1;
            }
            for (i = 0; i < 2000; i++) {
                /* random magnitudes of every size */
                const int32_t x = (int32_t)(next() >> (next() % 32u)) * ((next() & 1u) ? 1 : -1);
                if (check_rescale(x, mults[m], s)) {
                    return 1;
                }
            }
        }
    }
    for (i = 0; i < 200000; i++) {
        const int32_t mult = (next() & 3u) == 0 ? 0 : (int32_t)(0x40000000u + (next() & 0x3FFFFFFFu));
        const int32_t shift = (int32_t)(next() % 62u) - 31;
        if (check_rescale((int32_t)next(), mult, shift)) {
            return 1;
        }
    }
    return 0;
}

static int test_rows4(void)
{
    static int8_t w[4 * 200];
    static int8_t x[200];
    int32_t cols;
    int pattern;
    for (pattern = 0; pattern < 3; pattern++) {
        for (cols = 1; cols <= 200; cols++) {
            const int32_t cols_p = mcu_matvec_padded(cols);
            int32_t want[4] = {0, 0, 0, 0};
            int32_t got[4];
            int32_t c;
            int32_t q;
            for (q = 0; q < 4; q++) {
                for (c = 0; c < cols_p; c++) {
                    const int32_t v = pattern == 0 ? (q & 1 ? -127 : 127) : (int32_t)(next() % 255u) - 127;
                    w[q * cols_p + c] = (int8_t)(c < cols ? v : 0);
                }
            }
            for (c = 0; c < cols; c++) {
                x[c] = (int8_t)(pattern == 0 ? -128 : (pattern == 1 ? 127 : (int32_t)(next() % 256u) - 128));
            }
            mcu_matvec_rowmajor_portable(w, x, cols, cols_p, want);
            vst1q_s32(got, mcu_matvec_neon_rows4(w, x, cols, cols_p));
            for (q = 0; q < 4; q++) {
                compared++;
                if (got[q] != want[q]) {
                    printf("test_matvec_neon: pattern %d cols %ld row %ld: %ld, want %ld\n", pattern, (long)cols,
                           (long)q, (long)got[q], (long)want[q]);
                    return 1;
                }
            }
        }
    }
    return 0;
}

int main(void)
{
    if (test_rescale() || test_rows4()) {
        return 1;
    }
    printf("test_matvec_neon: %ld values compared, all equal\n", compared);
    return 0;
}
