/**
 * @file mcu_matvec.h
 * @brief int8 matrix times int8 vector, four output rows per pass, on the packed weight layouts
 *        (::mcu_weight_layout_t): the block kernel of mcu_fully_connected_s8* and of the recurrent
 *        gates. Private (not public API).
 *
 * Every function here computes exact integer dot products `dot_r = sum_c W[r][c] x_c`; the callers
 * add the bias and rescale exactly as with the PLAIN layout, so a layout changes the summation order
 * only, never a result. |W x| <= 127 * 128 per term, so `|dot| <= 16256 cols < 2^31` for any
 * cols < 132104 (the generator refuses larger rows long before: the accumulator proof).
 *
 * MCU_WLAYOUT_DSP_PAIRS (Cortex-M4/M7/M33/M55). A halfword of the layout is `H = 256 a_j + (b_j + 128)` for
 * the weights a_j, b_j of two rows a, b (byte 1 = a_j signed, byte 0 = b_j + 128 in [1, 255]); the
 * signed value of the halfword is exactly that sum. With the input prepared as int16 pairs X,
 * `SMLAD(W, X)` over a chunk of n columns accumulates `A = 256 dot_a + dot_b + 128 S` and
 * `SMLAD(UXTB16(W), X)` (the low bytes, zero-extended: b_j + 128) accumulates `B = dot_b + 128 S`,
 * S = sum of x over the chunk. B is exact in int32 (|B| <= 255 * 128 n < 2^24 for n <= 512). SMLAD
 * wraps modulo 2^32 (it only sets Q), so `A - B = 256 dot_a` modulo 2^32, which is exact as long as
 * `|256 dot_a| < 2^31`, i.e. |dot_a| <= 16256 n < 2^23: n <= MCU_MATVEC_CHUNK = 512 columns per chunk.
 * Then `dot_b = B - 128 S` and `dot_a = (A - B) / 256` (an exact division). Four rows per pass: one
 * load of 4 prepared inputs (two words), one LDM of 4 weight words, 4 UXTB16 and 8 SMLAD = 14
 * instructions for 16 MACs.
 * The prepared input of a block of 4 columns j..j+3 is the halfwords (x_j, x_{j+2}, x_{j+1},
 * x_{j+3}): what SXTB16 and SXTB16 ROR 8 give from one word of x, and what the column pairs of the
 * weight words W0..W3 (mcu_nn.h) expect.
 *
 * MCU_WLAYOUT_ROWS4 (Cortex-M3): the 4 weights of one column are adjacent, so one load of x_c serves
 * 4 rows (LDRSB + MLA per MAC).
 *
 * MCU_WLAYOUT_ROWMAJOR (NEON, Cortex-M0): each row's weights contiguous (row stride padded to 4), so
 * NEON multiplies 16 columns of a row per register (mcu_matvec_neon.h: SMULL + SMLAL2 + SADALP) and
 * ARMv6-M addresses the 4 rows of a group and x with one register index (mcu_matvec_v6m.h: LDRSB,
 * MULS, ADD). Both also provide mcu_matvec_fc_rowmajor(), the whole Dense row with a lean output
 * stage, which mcu_fully_connected_impl.h calls under MCU_MATVEC_HAVE_FC_ROWMAJOR.
 *
 * Usage: mcu_matvec_s8_begin() once per input vector, then mcu_matvec_s8_group() for each group of
 * 4 rows (any order). The ISA fast paths live in mcu_matvec_<isa>.h, included under the feature
 * macro; everything else is portable C99 that emulates the same arithmetic (also the wrap of A).
 */
#ifndef MCU_MATVEC_H
#define MCU_MATVEC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mcu_fixed.h"
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

/**
 * The per-group helpers are forced inline under GCC on the targets with a fast path: out of line,
 * the four accumulators and dot products would go through memory once per group of rows. Elsewhere
 * the compiler decides (the portable emulation is for correctness, not speed: smaller code).
 */
#if defined(__GNUC__) && !defined(MCU_MATVEC_PORTABLE) && (defined(__ARM_FEATURE_DSP) || defined(__ARM_ARCH_7M__))
#define MCU_MATVEC_INLINE static inline __attribute__((always_inline))
#elif defined(__GNUC__)
#define MCU_MATVEC_INLINE static __attribute__((noinline, unused))
#else
#define MCU_MATVEC_INLINE static inline
#endif

/**
 * Columns of the packed Dense's prepared-input buffer (on the stack): 512 int16 (1 KiB) on DSP,
 * 256 int32 (1 KiB) on Cortex-M3; wider inputs are prepared per chunk.
 */
#if defined(__ARM_ARCH_7M__) && !defined(__ARM_FEATURE_DSP)
#define MCU_MATVEC_FC_COLUMNS 256
#else
#define MCU_MATVEC_FC_COLUMNS 512
#endif

/** Columns per prepared chunk of MCU_WLAYOUT_DSP_PAIRS: |dot_a| <= 127 * 128 * 512 < 2^23 (see above). */
#define MCU_MATVEC_CHUNK 512

#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(MCU_MATVEC_PORTABLE)
#include "mcu_matvec_dsp.h"
#define MCU_MATVEC_HAVE_DSP 1
#elif defined(__ARM_ARCH_7M__) && defined(__GNUC__) && !defined(MCU_MATVEC_PORTABLE)
#include "mcu_matvec_m3.h"
#define MCU_MATVEC_HAVE_ROWS4 1
#endif

/**
 * The two-phase output stage of the packed Dense (mcu_fully_connected_impl.h): on the fast-path
 * targets, and on every non-Arm host (where the tests run it); Arm targets without a fast path
 * (Cortex-M0) read packed layouts through the compact generic path.
 */
#if defined(MCU_MATVEC_HAVE_DSP) || defined(MCU_MATVEC_HAVE_ROWS4) || !defined(__arm__)
#define MCU_MATVEC_TWO_PHASE 1
#endif

/* MCU_WLAYOUT_ROWMAJOR fast paths: AArch64 NEON and ARMv6-M (Cortex-M0) inline assembly. */
#if defined(__ARM_NEON) && defined(__aarch64__) && !defined(MCU_MATVEC_PORTABLE)
#include "mcu_matvec_neon.h"
#define MCU_MATVEC_HAVE_ROWMAJOR 1
#define MCU_MATVEC_HAVE_NEON 1
#define MCU_MATVEC_HAVE_FC_ROWMAJOR 1
#elif defined(__ARM_ARCH_6M__) && defined(__GNUC__) && !defined(__OPTIMIZE_SIZE__) && !defined(MCU_MATVEC_PORTABLE)
/* (-Os: GCC keeps r8-r11 out of Thumb-1 register allocation, which the loop's accumulators need;
 * the portable ROWMAJOR loop runs instead) */
#include "mcu_matvec_v6m.h"
#define MCU_MATVEC_HAVE_ROWMAJOR 1
#define MCU_MATVEC_HAVE_FC_ROWMAJOR 1
#endif

/** Columns padded to the layout's multiple of 4. */
static inline int32_t mcu_matvec_padded(int32_t n)
{
    return (n + 3) & ~(int32_t)3;
}

/** Byte offset of W[r][c] in a packed (not PLAIN) layout with `cols` logical columns (mcu_nn.h). */
static inline size_t mcu_matvec_offset(mcu_weight_layout_t layout, int32_t cols, int32_t r, int32_t c)
{
    const size_t base = (size_t)(r >> 2) * 4u * (size_t)mcu_matvec_padded(cols);
    if (layout == MCU_WLAYOUT_DSP_PAIRS) {
        return base + (size_t)(c >> 2) * 16u + 4u * (size_t)(2 * (c & 1) + ((r >> 1) & 1)) + 2u * (size_t)((c >> 1) & 1)
               + (size_t)((r & 1) == 0);
    }
    if (layout == MCU_WLAYOUT_ROWMAJOR) {
        return base + (size_t)(r & 3) * (size_t)mcu_matvec_padded(cols) + (size_t)c;
    }
    return base + 4u * (size_t)c + (size_t)(r & 3);
}

/**
 * Weight W[r][c] of a packed (not PLAIN) layout with `cols` logical columns: the definition of the
 * layouts in mcu_nn.h as code (the row-at-a-time accessors and the tests use it). DSP_PAIRS keeps
 * the b rows (odd r) as b + 128 in an unsigned byte.
 */
static inline int32_t mcu_matvec_weight(const int8_t *w, mcu_weight_layout_t layout, int32_t cols, int32_t r,
                                        int32_t c)
{
    const size_t off = mcu_matvec_offset(layout, cols, r, c);
    if (layout == MCU_WLAYOUT_DSP_PAIRS && (r & 1) != 0) {
        return (int32_t)(uint8_t)w[off] - 128;
    }
    return (int32_t)w[off];
}

/**
 * mcu_nn_rescale() (mcu_nn_internal.h), the same integers, with the common form of the layers' output
 * scale (multiplier form, shift <= 0: no left shift) computed with one 64-bit multiply-add: for that
 * form mcu_requant_s32() is rdivpot(srdhm(x, M), -shift), and srdhm's
 * `trunc((p + (p >= 0 ? 2^30 : 1 - 2^30)) / 2^31)` equals `floor((p + 2^30) / 2^31)` for every p
 * (for p < 0 the truncation of q = p + 1 - 2^30 is ceil(q / 2^31) = floor((q + 2^31 - 1) / 2^31));
 * M >= 2^30 > 0 rules out srdhm's only overflow (INT32_MIN * INT32_MIN).
 */
MCU_MATVEC_INLINE int32_t mcu_matvec_rescale(int32_t x, const mcu_rescale_t *r)
{
    if (r->multiplier != 0 && r->shift <= 0) {
        const int64_t q = (int64_t)x * (int64_t)r->multiplier + ((int64_t)1 << 30);
        const int32_t h = (int32_t)(q >= 0 ? q / ((int64_t)1 << 31) : ~(~q / ((int64_t)1 << 31)));
        return mcu_rdivpot_s32(h, -r->shift);
    }
    return mcu_nn_rescale(x, r);
}

/**
 * The buffer of the prepared input, word aligned (LDRD / LDM need it): declare one per product on the
 * caller's stack, `MCU_MATVEC_BUFFER(name, columns)` (columns <= MCU_MATVEC_CHUNK, a multiple of 4),
 * and pass `name.h`, `name.w` and columns to mcu_matvec_s8_begin(). DSP_PAIRS prepares int16 pairs
 * (h, on DSP and in the portable emulation), ROWS4 on Cortex-M3 int32 values (w); the other member
 * has length 1.
 */
#ifdef MCU_MATVEC_HAVE_ROWS4
#define MCU_MATVEC_BUFFER(name, columns) \
    union {                              \
        int32_t w[columns];              \
        int16_t h[2];                    \
    } name
#else
#define MCU_MATVEC_BUFFER(name, columns) \
    union {                              \
        int32_t w[1];                    \
        int16_t h[columns];              \
    } name
#endif

/**
 * The rounded high half of the output stage below: srdhm(acc, M) from x2 = 2 acc, SMMULR on DSP.
 *
 * The output stage of the packed Dense when the generator proved every accumulator |acc| < 2^30
 * (mcu_fc_params_t.acc_small) and the rescale is of the multiplier form with shift e' = -right,
 * right >= 1 (the usual one): mcu_requant_s32(acc, M, -right) from x2 = 2 acc and half = 2^(right-1).
 * srdhm(acc, M) = floor((acc M + 2^30) / 2^31) (see mcu_matvec_rescale()) = floor((x2 M + 2^31) / 2^32),
 * which is SMMULR on DSP; rdivpot(h, right) = floor((h + half - (h < 0)) / 2^right) (for h >= 0 the
 * remainder test `rem > half - 1`, for h < 0 `rem > half`), no overflow since |h| <= |acc| < 2^30.
 */
MCU_MATVEC_INLINE int32_t mcu_matvec_requant_x2_high(int32_t x2, int32_t multiplier)
{
#ifdef MCU_MATVEC_HAVE_DSP
    int32_t h;
    __asm__("smmulr %0, %1, %2" : "=r"(h) : "r"(x2), "r"(multiplier));
#else
    const int64_t q = (int64_t)x2 * (int64_t)multiplier + ((int64_t)1 << 31);
    const int32_t h = (int32_t)(q >= 0 ? q / ((int64_t)1 << 32) : ~(~q / ((int64_t)1 << 32)));
#endif
    return h;
}

/** mcu_matvec_requant_x2_high() then the rounding divide by 2^right (see above). */
MCU_MATVEC_INLINE int32_t mcu_matvec_requant_x2(int32_t x2, int32_t multiplier, int32_t half, int32_t right)
{
    const int32_t h = mcu_matvec_requant_x2_high(x2, multiplier);
    return mcu_asr_s32(h + half - (h < 0 ? 1 : 0), right);
}

/** State of one matrix-vector product. */
typedef struct {
    int16_t *xs;                /**< DSP_PAIRS: the prepared chunk (MCU_MATVEC_BUFFER) */
    int32_t *xw;                /**< ROWS4 on Cortex-M3: the prepared chunk (MCU_MATVEC_BUFFER) */
    int32_t chunk;              /**< columns per prepared chunk (multiple of 4, <= MCU_MATVEC_CHUNK) */
    const int8_t *w;            /**< packed weights */
    const int8_t *x;            /**< the int8 input vector, cols values */
    mcu_weight_layout_t layout; /**< DSP_PAIRS or ROWS4 */
    int32_t cols;               /**< logical columns */
    int32_t cols_p;             /**< padded columns (multiple of 4) */
    int32_t sum;                /**< DSP_PAIRS, whole: sum of x */
    int32_t whole;              /**< 1 when all columns fit one chunk, prepared once by begin */
} mcu_matvec_s8_t;

/**
 * DSP_PAIRS input preparation of columns [c0, c0 + n) (n a multiple of 4, columns >= cols read as 0)
 * into xs in block order (x_j, x_{j+2}, x_{j+1}, x_{j+3}); returns their sum.
 */
static inline int32_t mcu_matvec_dsp_prepare(const int8_t *x, int32_t cols, int32_t c0, int32_t n, int16_t *xs)
{
    int32_t sum = 0;
    int32_t k = 0;
#ifdef MCU_MATVEC_HAVE_DSP
    const int32_t full = (cols - c0 < n ? cols - c0 : n) & ~(int32_t)3;
    sum = mcu_matvec_dsp_prepare_words(x + c0, full, xs);
    k = full;
#endif
    for (; k < n; k += 4) {
        int32_t q;
        for (q = 0; q < 4; q++) {
            const int32_t c = c0 + k + q;
            const int32_t v = c < cols ? (int32_t)x[c] : 0;
            xs[k + (q >> 1) + 2 * (q & 1)] = (int16_t)v;
            sum += v;
        }
    }
    return sum;
}

#ifndef MCU_MATVEC_HAVE_DSP
/** low * low + high * high of two halfword pairs, added to acc modulo 2^32: SMLAD without the Q flag. */
static inline uint32_t mcu_matvec_smlad(uint32_t w, uint32_t x, uint32_t acc)
{
    const int32_t wl = (int32_t)(w & 0xFFFFu) - (int32_t)((w & 0x8000u) << 1);
    const int32_t wh = (int32_t)(w >> 16) - (int32_t)((w >> 31) << 16);
    const int32_t xl = (int32_t)(x & 0xFFFFu) - (int32_t)((x & 0x8000u) << 1);
    const int32_t xh = (int32_t)(x >> 16) - (int32_t)((x >> 31) << 16);
    return acc + (uint32_t)(wl * xl) + (uint32_t)(wh * xh);
}

/** A little-endian word of the weights (the layout is defined on bytes, any host byte order). */
static inline uint32_t mcu_matvec_word(const int8_t *p)
{
    const uint8_t *b = (const uint8_t *)p;
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/**
 * Portable emulation of mcu_matvec_dsp_block(): acc[0..3] = (A0, B0, A1, B1) of pair 0 and pair 1
 * accumulated over nblocks blocks of 4 columns, with the same wrapping arithmetic as SMLAD.
 */
MCU_MATVEC_INLINE void mcu_matvec_dsp_block(const int8_t *w, const int16_t *xs, int32_t nblocks, uint32_t acc[4])
{
    int32_t k;
    for (k = 0; k < nblocks; k++) {
        const uint16_t *h = (const uint16_t *)(const void *)(xs + 4 * k);
        const uint32_t x0 = (uint32_t)h[0] | (uint32_t)h[1] << 16;
        const uint32_t x1 = (uint32_t)h[2] | (uint32_t)h[3] << 16;
        int32_t q;
        for (q = 0; q < 4; q++) {
            const uint32_t wq = mcu_matvec_word(w + 16 * k + 4 * q);
            const uint32_t xq = q < 2 ? x0 : x1;
            acc[2 * (q & 1)] = mcu_matvec_smlad(wq, xq, acc[2 * (q & 1)]);
            acc[2 * (q & 1) + 1] = mcu_matvec_smlad(wq & 0x00FF00FFu, xq, acc[2 * (q & 1) + 1]);
        }
    }
}
#endif

/** dot_a, dot_b of one row pair from its (A, B) and the chunk's input sum (see the file comment). */
MCU_MATVEC_INLINE void mcu_matvec_dsp_finish(uint32_t a, uint32_t b, int32_t sum, int32_t *dot_a, int32_t *dot_b)
{
    const uint32_t d = a - b; /* 256 dot_a modulo 2^32, |256 dot_a| < 2^31 */
    const int32_t d256 = d >= 0x80000000u ? -(int32_t)(~d) - 1 : (int32_t)d;
    *dot_a += d256 / 256;
    *dot_b += (int32_t)b - 128 * sum;
}

/**
 * 2 dot_a and 2 dot_b of one row pair (the doubled accumulators of mcu_matvec_requant_x2): A - B is
 * an exact multiple of 256, so its arithmetic shift by 7 is exact.
 */
MCU_MATVEC_INLINE void mcu_matvec_dsp_finish_x2(uint32_t a, uint32_t b, int32_t sum128, int32_t *d2a, int32_t *d2b)
{
    const uint32_t d = a - b;
    const int32_t d256 = d >= 0x80000000u ? -(int32_t)(~d) - 1 : (int32_t)d;
    *d2a = mcu_asr_s32(d256, 7);
    *d2b = 2 * ((int32_t)b - sum128);
}

/** Portable ROWS4: dot[0..3] += the 4 rows of one group over columns [0, n). */
static inline void mcu_matvec_rows4_portable(const int8_t *w, const int8_t *x, int32_t n, int32_t dot[4])
{
    int32_t d0 = 0, d1 = 0, d2 = 0, d3 = 0;
    int32_t c;
    for (c = 0; c < n; c++) {
        const int32_t v = x[c];
        d0 += (int32_t)w[0] * v;
        d1 += (int32_t)w[1] * v;
        d2 += (int32_t)w[2] * v;
        d3 += (int32_t)w[3] * v;
        w += 4;
    }
    dot[0] += d0;
    dot[1] += d1;
    dot[2] += d2;
    dot[3] += d3;
}

/** ROWS4 on Cortex-M3: xw[0..n) = x[c0..c0+n) as int32, columns >= cols as 0. */
static inline void mcu_matvec_rows4_prepare(const int8_t *x, int32_t cols, int32_t c0, int32_t n, int32_t *xw)
{
    /* the columns, then the padding: no per-element test */
    const int32_t full = cols - c0 < n ? cols - c0 : n;
    int32_t k;
    for (k = 0; k < full; k++) {
        xw[k] = (int32_t)x[c0 + k];
    }
    for (; k < n; k++) {
        xw[k] = 0;
    }
}

/*
 * ROWS4, two time steps per pass (the batched input projection of the recurrent layers,
 * mcu_rnn_input2_s8()). The prepared input of column c is X_c = x0_c + 2^23 x1_c (|X_c| <= 2^30 + 128:
 * int32), and the 64-bit sum over n columns of w_c X_c is exactly A = d0 + 2^23 d1 with d0, d1 the
 * two steps' dot products. For n <= MCU_MATVEC_PAIR2_CHUNK columns |d0| <= 127 * 128 * 256 < 2^22,
 * so with the sum started at 2^22 the low 23 bits of A + 2^22 are d0 + 2^22 (in [1, 2^23)) and the
 * bits above are d1: both are recovered exactly (mcu_matvec_pair2_split()).
 */

/** Columns per prepared chunk of the two-step ROWS4 product (|d0| < 2^22, see above). */
#define MCU_MATVEC_PAIR2_CHUNK 256

/** The start of a two-step accumulator: 2^22, so that the split is a shift and a mask. */
#define MCU_MATVEC_PAIR2_START 0x400000u

/** xw[k] = x0[c0 + k] + 2^23 x1[c0 + k] for k in [0, n), columns >= cols as 0. */
static inline void mcu_matvec_pair2_prepare(const int8_t *x0, const int8_t *x1, int32_t cols, int32_t c0, int32_t n,
                                            int32_t *xw)
{
    const int32_t full = cols - c0 < n ? cols - c0 : n;
    int32_t k;
    for (k = 0; k < full; k++) {
        xw[k] = (int32_t)x0[c0 + k] + (int32_t)x1[c0 + k] * 8388608;
    }
    for (; k < n; k++) {
        xw[k] = 0;
    }
}

/** d0, d1 of a two-step accumulator started at MCU_MATVEC_PAIR2_START (lo / hi words of A + 2^22). */
static inline void mcu_matvec_pair2_split(uint32_t lo, uint32_t hi, int32_t *d0, int32_t *d1)
{
    const uint32_t up = (lo >> 23) | (hi << 9); /* bits 23..54: d1, which fits int32 */
    *d1 = up >= 0x80000000u ? -(int32_t)(~up) - 1 : (int32_t)up;
    *d0 = (int32_t)(lo & 0x7FFFFFu) - (int32_t)MCU_MATVEC_PAIR2_START;
}

#ifndef MCU_MATVEC_HAVE_ROWS4
/** Portable emulation of the Cortex-M3 mcu_matvec_rows4_pair2_block(): the same exact 64-bit sums. */
static inline void mcu_matvec_rows4_pair2_block(const int8_t *w, const int32_t *xw, int32_t n, uint32_t *lo0,
                                                uint32_t *hi0, uint32_t *lo1, uint32_t *hi1)
{
    uint64_t a0 = (uint64_t)*lo0 | ((uint64_t)*hi0 << 32);
    uint64_t a1 = (uint64_t)*lo1 | ((uint64_t)*hi1 << 32);
    int32_t c;
    for (c = 0; c < n; c++) {
        /* SMLAL: modulo 2^64, exact here */
        a0 += (uint64_t)((int64_t)w[4 * c] * (int64_t)xw[c]);
        a1 += (uint64_t)((int64_t)w[4 * c + 1] * (int64_t)xw[c]);
    }
    *lo0 = (uint32_t)a0;
    *hi0 = (uint32_t)(a0 >> 32);
    *lo1 = (uint32_t)a1;
    *hi1 = (uint32_t)(a1 >> 32);
}
#endif

/**
 * Portable ROWMAJOR: dot[0..3] += the 4 rows of one group (row stride cols_p) over columns [0, n);
 * the NEON and ARMv6-M paths compute the same exact sums in another order.
 */
static inline void mcu_matvec_rowmajor_portable(const int8_t *w, const int8_t *x, int32_t n, int32_t cols_p,
                                                int32_t dot[4])
{
    int32_t q;
    for (q = 0; q < 4; q++) {
        const int8_t *wq = w + (size_t)q * (size_t)cols_p;
        int32_t d = 0;
        int32_t c;
        for (c = 0; c < n; c++) {
            d += (int32_t)wq[c] * (int32_t)x[c];
        }
        dot[q] += d;
    }
}

/**
 * Starts W x for the packed matrix w (`layout` DSP_PAIRS, ROWS4 or ROWMAJOR) of `cols` columns and the input x;
 * xs, xw, chunk: the caller's MCU_MATVEC_BUFFER (the input is prepared in chunks of that many
 * columns: once here when all fit, else per group and chunk; ROWMAJOR reads x as it is).
 */
static inline void mcu_matvec_s8_begin(mcu_matvec_s8_t *m, mcu_weight_layout_t layout, const int8_t *w,
                                       int32_t cols, const int8_t *x, int16_t *xs, int32_t *xw, int32_t chunk)
{
    m->xs = xs;
    m->xw = xw;
    m->chunk = chunk;
    m->w = w;
    m->x = x;
    m->layout = layout;
    m->cols = cols;
    m->cols_p = mcu_matvec_padded(cols);
    m->whole = m->cols_p <= chunk;
    m->sum = 0;
    if (layout == MCU_WLAYOUT_DSP_PAIRS && m->whole) {
        m->sum = mcu_matvec_dsp_prepare(x, cols, 0, m->cols_p, xs);
    }
#ifdef MCU_MATVEC_HAVE_ROWS4
    if (layout == MCU_WLAYOUT_ROWS4 && m->whole) {
        mcu_matvec_rows4_prepare(x, cols, 0, m->cols_p, xw);
    }
#else
    (void)xw;
#endif
}

/**
 * acc[0..3] (zeroed by the caller) += the exact dot products of rows 4g..4g+3 times 2 when `twice`
 * (rows past the matrix: 0, as their padding); the doubled form feeds mcu_matvec_requant_x2().
 */
MCU_MATVEC_INLINE void mcu_matvec_s8_group_x(mcu_matvec_s8_t *m, int32_t g, int32_t dot[4], int32_t twice)
{
    const int8_t *wg = m->w + (size_t)g * 4u * (size_t)m->cols_p;
    int32_t c0;
    dot[0] = 0;
    dot[1] = 0;
    dot[2] = 0;
    dot[3] = 0;
    if (m->layout == MCU_WLAYOUT_ROWMAJOR) {
        /* ROWMAJOR reads x as it is, all columns at once (no prepared chunk) */
#ifdef MCU_MATVEC_HAVE_ROWMAJOR
        mcu_matvec_rowmajor_fast(wg, m->x, m->cols, m->cols_p, dot);
#else
        mcu_matvec_rowmajor_portable(wg, m->x, m->cols, m->cols_p, dot);
#endif
        if (twice) {
            dot[0] *= 2;
            dot[1] *= 2;
            dot[2] *= 2;
            dot[3] *= 2;
        }
        return;
    }
    for (c0 = 0; c0 < m->cols_p; c0 += m->chunk) {
        const int32_t n = m->cols_p - c0 < m->chunk ? m->cols_p - c0 : m->chunk;
        if (m->layout == MCU_WLAYOUT_DSP_PAIRS) {
            uint32_t acc[4] = {0u, 0u, 0u, 0u};
            const int32_t sum = m->whole ? m->sum : mcu_matvec_dsp_prepare(m->x, m->cols, c0, n, m->xs);
            int32_t d[4];
            mcu_matvec_dsp_block(wg + 4 * c0, m->xs, n / 4, acc);
            mcu_matvec_dsp_finish_x2(acc[0], acc[1], 128 * sum, &d[0], &d[1]);
            mcu_matvec_dsp_finish_x2(acc[2], acc[3], 128 * sum, &d[2], &d[3]);
            /* d = 2 dot: halve exactly when the plain dot is wanted */
            dot[0] += twice ? d[0] : d[0] / 2;
            dot[1] += twice ? d[1] : d[1] / 2;
            dot[2] += twice ? d[2] : d[2] / 2;
            dot[3] += twice ? d[3] : d[3] / 2;
        } else {
#ifdef MCU_MATVEC_HAVE_ROWS4
            int32_t acc[4] = {0, 0, 0, 0};
            if (!m->whole) {
                mcu_matvec_rows4_prepare(m->x, m->cols, c0, n, m->xw);
            }
            mcu_matvec_rows4_block(wg + 4 * c0, m->xw, n, acc);
#else
            int32_t acc[4] = {0, 0, 0, 0};
            mcu_matvec_rows4_portable(wg + 4 * c0, m->x + c0, (m->cols - c0 < n ? m->cols - c0 : n), acc);
#endif
            dot[0] += twice ? 2 * acc[0] : acc[0];
            dot[1] += twice ? 2 * acc[1] : acc[1];
            dot[2] += twice ? 2 * acc[2] : acc[2];
            dot[3] += twice ? 2 * acc[3] : acc[3];
        }
    }
}

/**
 * dot[0..3] = the exact dot products of rows 4g..4g+3 (rows past the matrix: 0, as their padding).
 * The input prepared once (all columns in one chunk) is the common case and goes straight to the
 * block kernel, accumulators in registers on the fast-path targets.
 */
MCU_MATVEC_INLINE void mcu_matvec_s8_group(mcu_matvec_s8_t *m, int32_t g, int32_t dot[4])
{
    if (m->whole) {
        const int8_t *wg = m->w + (size_t)g * 4u * (size_t)m->cols_p;
        if (m->layout == MCU_WLAYOUT_DSP_PAIRS) {
            uint32_t acc[4] = {0u, 0u, 0u, 0u};
            mcu_matvec_dsp_block(wg, m->xs, m->cols_p / 4, acc);
            dot[0] = 0;
            dot[1] = 0;
            dot[2] = 0;
            dot[3] = 0;
            mcu_matvec_dsp_finish(acc[0], acc[1], m->sum, &dot[0], &dot[1]);
            mcu_matvec_dsp_finish(acc[2], acc[3], m->sum, &dot[2], &dot[3]);
            return;
        }
#ifdef MCU_MATVEC_HAVE_ROWS4
        dot[0] = 0;
        dot[1] = 0;
        dot[2] = 0;
        dot[3] = 0;
        mcu_matvec_rows4_block(wg, m->xw, m->cols_p, dot);
        return;
#endif
    }
    mcu_matvec_s8_group_x(m, g, dot, 0);
}

#endif /* MCU_MATVEC_H */
