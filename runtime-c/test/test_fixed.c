/**
 * @file test_fixed.c
 * @brief Host test: every primitive of mcu_fixed.h against the Java reference's golden vectors
 *        (edge values crossed with each other or with every shift, then seeded random operands).
 *        Usage: test_fixed VECTOR_DIR. Exit 0 when every value matches, 1 on the first mismatch
 *        (printed with its inputs, expected and got), 2 when the vectors are missing.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mcu_fixed.h"
#include "mcu_golden.h"

typedef int32_t (*unary_fn)(int32_t);
typedef int32_t (*binary_fn)(int32_t, int32_t);

static int32_t sat_s8(int32_t x) { return mcu_sat_s8(x); }
static int32_t sat_s16(int32_t x) { return mcu_sat_s16(x); }
static int32_t add_sat_s16(int32_t a, int32_t b) { return mcu_add_sat_s16((int16_t)a, (int16_t)b); }
static int32_t sub_sat_s16(int32_t a, int32_t b) { return mcu_sub_sat_s16((int16_t)a, (int16_t)b); }

static long total;

/*
 * The straightforward forms of the primitives (the original runtime code, int64 with an explicit nudge
 * branch), kept as the reference the fast forms of mcu_fixed.h must equal on every input.
 */
static int32_t ref_srdhm(int32_t a, int32_t b)
{
    int64_t p;
    int64_t nudge;
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    p = (int64_t)a * (int64_t)b;
    nudge = p >= 0 ? ((int64_t)1 << 30) : ((int64_t)1 - ((int64_t)1 << 30));
    return (int32_t)((p + nudge) / ((int64_t)1 << 31));
}

static int32_t ref_rdivpot(int32_t x, int32_t e)
{
    const int64_t d = (int64_t)1 << e;
    const int64_t q = (int64_t)x / d; /* truncates */
    const int64_t r = (int64_t)x - q * d;
    const int64_t twice = 2 * (r >= 0 ? r : -r);
    return (int32_t)(twice >= d ? q + (x >= 0 ? 1 : -1) : q);
}

static int32_t ref_shl_sat(int32_t x, int32_t e)
{
    const int64_t v = (int64_t)x * ((int64_t)1 << e);
    return v > INT32_MAX ? INT32_MAX : (v < INT32_MIN ? INT32_MIN : (int32_t)v);
}

static int32_t ref_requant(int32_t x, int32_t m, int32_t s)
{
    return ref_rdivpot(ref_srdhm(ref_shl_sat(x, s > 0 ? s : 0), m), s > 0 ? 0 : -s);
}

/* xorshift64*: a fixed seed, so a failure reproduces */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint32_t rng32(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717u) >> 32);
}

/* A random int32 that often lands near an edge: uniform, small, or a power of two +-3. */
static int32_t rng_edgy(void)
{
    const uint32_t k = rng32() % 4u;
    const uint32_t u = rng32();
    if (k == 0u) {
        return (int32_t)(u % 2001u) - 1000;
    }
    if (k == 1u) {
        const int32_t p = (int32_t)(u % 31u);
        const int32_t v = ((int32_t)1 << p) + (int32_t)(rng32() % 7u) - 3;
        return (u & 0x80000000u) ? -v : v;
    }
    return mcu_s32_from_u32(u);
}

static void fast_fail(const char *name, int32_t a, int32_t b, int32_t c, int32_t want, int32_t got)
{
    printf("test_fixed: %s(%ld, %ld, %ld): reference %ld, fast %ld\n", name, (long)a, (long)b, (long)c,
           (long)want, (long)got);
    exit(1);
}

/* The fast forms against the references: every edge value crossed with every other (and every
 * shift), then millions of random and edge-biased operands. */
static void check_fast_forms(void)
{
    static const int32_t edges[] = {INT32_MIN, INT32_MIN + 1, -1073741825, -1073741824, -1073741823, -65536,
                                    -32769, -32768, -32767, -256, -3, -2, -1, 0, 1, 2, 3, 255, 32767, 32768,
                                    65535, 1073741823, 1073741824, 1073741825, INT32_MAX - 1, INT32_MAX};
    const int32_t n = (int32_t)(sizeof edges / sizeof edges[0]);
    long count = 0;
    int32_t i;
    int32_t j;
    int32_t e;
    for (i = 0; i < n; i++) {
        for (j = 0; j < n; j++) {
            const int32_t a = edges[i];
            const int32_t b = edges[j];
            if (mcu_srdhm_s32(a, b) != ref_srdhm(a, b)) {
                fast_fail("srdhm", a, b, 0, ref_srdhm(a, b), mcu_srdhm_s32(a, b));
            }
            if (b != INT32_MIN && mcu_srdhm_nosat_s32(a, b) != ref_srdhm(a, b)) {
                fast_fail("srdhm_nosat", a, b, 0, ref_srdhm(a, b), mcu_srdhm_nosat_s32(a, b));
            }
            count += 2;
        }
        for (e = 0; e <= 31; e++) {
            const int32_t x = edges[i];
            if (mcu_rdivpot_s32(x, e) != ref_rdivpot(x, e)) {
                fast_fail("rdivpot", x, e, 0, ref_rdivpot(x, e), mcu_rdivpot_s32(x, e));
            }
            if (e >= 1 && x != INT32_MIN && mcu_rdivpot_nomin_s32(x, e) != ref_rdivpot(x, e)) {
                fast_fail("rdivpot_nomin", x, e, 0, ref_rdivpot(x, e), mcu_rdivpot_nomin_s32(x, e));
            }
            if (e <= 30 && mcu_shl_sat_s32(x, e) != ref_shl_sat(x, e)) {
                fast_fail("shl_sat", x, e, 0, ref_shl_sat(x, e), mcu_shl_sat_s32(x, e));
            }
            if (e <= 30 && mcu_mul_pot_s32(x, e) != ref_shl_sat(x, e)) {
                fast_fail("mul_pot", x, e, 0, ref_shl_sat(x, e), mcu_mul_pot_s32(x, e));
            }
            if (mcu_mul_pot_s32(x, -e) != ref_rdivpot(x, e)) {
                fast_fail("mul_pot", x, -e, 0, ref_rdivpot(x, e), mcu_mul_pot_s32(x, -e));
            }
            count += 4;
        }
        for (j = 0; j < n; j++) {
            const int32_t m = edges[j] >= 0 ? (edges[j] | 0x40000000) : 0x40000000 + (int32_t)(rng32() % 1000u);
            for (e = MCU_MIN_SHIFT; e <= MCU_MAX_SHIFT; e++) {
                if (mcu_requant_s32(edges[i], m, e) != ref_requant(edges[i], m, e)) {
                    fast_fail("requant", edges[i], m, e, ref_requant(edges[i], m, e), mcu_requant_s32(edges[i], m, e));
                }
                count++;
            }
        }
    }
    for (i = 0; i < 4000000; i++) {
        const int32_t a = (i & 1) ? rng_edgy() : mcu_s32_from_u32(rng32());
        const int32_t b = rng_edgy();
        const int32_t s = (int32_t)(rng32() % 62u) - 31;
        const int32_t m = (int32_t)(0x40000000u | (rng32() & 0x3fffffffu));
        const int32_t x = mcu_s32_from_u32(rng32());
        if (mcu_srdhm_s32(a, b) != ref_srdhm(a, b)) {
            fast_fail("srdhm", a, b, 0, ref_srdhm(a, b), mcu_srdhm_s32(a, b));
        }
        if (mcu_srdhm_s32(x, b) != ref_srdhm(x, b)) {
            fast_fail("srdhm", x, b, 0, ref_srdhm(x, b), mcu_srdhm_s32(x, b));
        }
        if (mcu_rdivpot_s32(a, s < 0 ? -s : s) != ref_rdivpot(a, s < 0 ? -s : s)) {
            fast_fail("rdivpot", a, s, 0, ref_rdivpot(a, s < 0 ? -s : s), mcu_rdivpot_s32(a, s < 0 ? -s : s));
        }
        if (a != INT32_MIN && s != 0 && mcu_rdivpot_nomin_s32(a, s < 0 ? -s : s) != ref_rdivpot(a, s < 0 ? -s : s)) {
            fast_fail("rdivpot_nomin", a, s, 0, ref_rdivpot(a, s < 0 ? -s : s), mcu_rdivpot_nomin_s32(a, s < 0 ? -s : s));
        }
        if (mcu_requant_s32(a, m, s) != ref_requant(a, m, s)) {
            fast_fail("requant", a, m, s, ref_requant(a, m, s), mcu_requant_s32(a, m, s));
        }
        if (mcu_requant_s32(x, m, s) != ref_requant(x, m, s)) {
            fast_fail("requant", x, m, s, ref_requant(x, m, s), mcu_requant_s32(x, m, s));
        }
        count += 6;
    }
    printf("  %-10s %8ld values (fast forms vs the int64 reference forms)\n", "fast", count);
    total += count;
}

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
    check_fast_forms();
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
