/**
 * @file mcu_depthwise_conv_packed_s8.c
 * @brief mcu_depthwise_conv_packed_s8() (see mcu_nn.h; Java `DepthwiseKernels.depthwiseConv`): the int8
 *        depthwise convolution with depth multiplier 1 over weights the generator packed per block of 4
 *        channels and doubled (MCU_DW_PACKED_H16 for the DSP extension, MCU_DW_PACKED_W32 for Cortex-M3).
 *
 * Per output position and block of 4 channels, four accumulators add the products of every tap:
 * - DSP (Cortex-M4/M7/M33/M55), H16: one word load gives the block's 4 inputs, SXTB16 and SXTB16 ROR 8
 *   split them into the halfword pairs (c0, c2) and (c1, c3), and SMLABB / SMLATT multiply them by the
 *   halfwords of the two weight words of the tap (2 w of c0, c2 and of c1, c3): 8 instructions for 4
 *   multiply-accumulates, no sign extension of the weights at run time.
 * - W32 (Cortex-M3, no DSP): SXTB (ROR 8, 16) and ASR 24 split the word of inputs, MLA with the 4
 *   weight words.
 * - elsewhere, for other kernel sizes, and in builds without optimization or with PIC: the same
 *   integers in portable C, for both layouts.
 * The 3x3 windows of the first two run in GCC inline assembly (MCU_DWP_FAST3X3_*), the rest in C.
 *
 * The requantization (the rescale contract of mcu_nn_rescale() / Java `Rescale`, the same integers) of
 * the doubled accumulator A = 2 acc (|acc| < 2^30, the generator's bound) with the multiplier form
 * (M > 0, shift e = -right, 1 <= right <= 22, per channel, from the packed record):
 * the rescale R(acc) = rdivpot(srdhm(acc, M), right) of mcu_nn_rescale(), where srdhm(acc, M) =
 * floor((A M + 2^31) / 2^32) (mcu_matvec_rescale() shows the identity) = SMMULR(A, M), and rdivpot
 * rounds half away from zero: floor((h + 2^(right-1) - [h < 0]) / 2^right). [h < 0] may be replaced by
 * [A < 0]: they differ only when A < 0 and h = 0, where both floors are 0 (right >= 1). Adding the
 * output zero point inside the floor, `floor((t + zp 2^right) / 2^right) = floor(t / 2^right) + zp`,
 * gives y = clamp(asr(SMMLAR(A, M, add) + asr(A, 31), right), act_min, act_max) with
 * add = 2^(right-1) + zp 2^right, no overflow: |h| <= 2^30, |zp 2^right| <= 2^29, 2^(right-1) <= 2^21.
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

#if defined(__ARM_FEATURE_DSP) && defined(__GNUC__) && !defined(MCU_MATVEC_PORTABLE)
#include <arm_acle.h>
#define MCU_DWP_HAVE_DSP 1
#elif defined(__ARM_ARCH_7M__) && defined(__GNUC__) && !defined(MCU_MATVEC_PORTABLE)
#define MCU_DWP_HAVE_V7M 1 /* Cortex-M3: the 3x3 fast path on MCU_DW_PACKED_W32 */
#endif

/** The per-call constants of the output stage's clamp. */
typedef struct {
    int32_t lo;   /**< act_min */
    int32_t hi;   /**< act_max */
    int32_t full; /**< 1 when [act_min, act_max] is int8's whole range (SSAT) */
} mcu_dwp_rq_t;

/**
 * asr(SMMLAR(A, M, add) + asr(A, 31), right): output_zp + R(A / 2) of the doubled accumulator A of lane
 * k (0..3) before the clamp (file comment), M, add and right read from the block's output-stage words
 * mq (mcu_nn.h: lane pairs (0, 1) and (2, 3), each M, M, add, add, right, right).
 */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int32_t mcu_dwp_rq(int32_t a2, const int32_t *mq, int32_t k)
{
    const int32_t *q2 = mq + 6 * (k >> 1) + (k & 1);
    const int32_t mult = q2[0];
    const int32_t add = q2[2];
    const int32_t right = q2[4];
    int32_t t;
#ifdef MCU_DWP_HAVE_DSP
    __asm__("smmlar %0, %1, %2, %3" : "=r"(t) : "r"(a2), "r"(mult), "r"(add));
#else
    const int64_t q = (int64_t)a2 * (int64_t)mult + ((int64_t)1 << 31);
    t = (int32_t)(q >= 0 ? q / ((int64_t)1 << 32) : ~(~q / ((int64_t)1 << 32))) + add;
#endif
    return mcu_asr_s32(t + mcu_asr_s32(a2, 31), right);
}

/** clamp(t, lo, hi) for int8 bounds. */
static inline int8_t mcu_dwp_clamp(int32_t t, int32_t lo, int32_t hi)
{
    return (int8_t)(t < lo ? lo : (t > hi ? hi : t));
}

/** The signed low halfword of a word of MCU_DW_PACKED_H16. */
static inline int32_t mcu_dwp_lo(int32_t w)
{
    return (int32_t)(((uint32_t)w & 0xFFFFu) ^ 0x8000u) - 0x8000;
}

/** The signed high halfword of a word of MCU_DW_PACKED_H16: bits 31..16, floor(w / 2^16). */
static inline int32_t mcu_dwp_hi(int32_t w)
{
    return mcu_asr_s32(w, 16);
}

#if (defined(MCU_DWP_HAVE_DSP) || defined(MCU_DWP_HAVE_V7M)) && defined(__OPTIMIZE__) && !defined(__PIC__)
/* (-O0 and PIC keep too few registers free for the statements below) */
/*
 * The 3x3 fast path in assembly (MCU_DWP_FAST3X3_INSIDE, MCU_DWP_FAST3X3_PTRS): one statement per block
 * of 4 channels reads the block's record from wb (post-incremented past it): the 4 doubled biases
 * (2 LDRD), per tap the LDR of the 4 inputs, the LDRD of the two weight words, SXTB16 ROR 8 / SXTB16
 * and SMLABB / SMLATT per channel (8 instructions, 9 with the pointer table of the border), then the 4
 * multipliers and the output stage before the clamp, asr(SMMLAR(A, M, add) + asr(A, 31), right)
 * (mcu_dwp_rq()), 3 instructions per channel on DSP (SMULL, ADDS, ADC instead of SMMLAR on Cortex-M3). Inputs are loaded with LDR, which may be unaligned; the
 * record is word aligned (LDRD).
 */
#define MCU_DWP_PAD_BYTES 256 /**< channels up to which the 3x3 border takes the fast path (its pad row) */
#if defined(MCU_DWP_HAVE_DSP)
#define MCU_DWP_ASM_WORDS 2 /* the layout the assembly reads: MCU_DW_PACKED_H16 */
/* DSP: SXTB16 ROR 8 / SXTB16 of the word of inputs, SMLABB / SMLATT with the two H16 weight words */
#define MCU_DWP_ASM_MAC                           \
    "ldrd %[w0], %[w1], [%[wp]], #8\n\t"          \
    "sxtb16 %[t1], %[t0], ror #8\n\t"             \
    "sxtb16 %[t0], %[t0]\n\t"                     \
    "smlabb %[a0], %[t0], %[w0], %[a0]\n\t"       \
    "smlatt %[a2], %[t0], %[w0], %[a2]\n\t"       \
    "smlabb %[a1], %[t1], %[w1], %[a1]\n\t"       \
    "smlatt %[a3], %[t1], %[w1], %[a3]\n\t"
#define MCU_DWP_ASM_RQ2(x, y)                                   \
    "ldrd %[w0], %[w1], [%[wp]], #8\n\t"                        \
    "ldrd %[t0], %[t1], [%[wp]], #8\n\t"                        \
    "smmlar %[w0], %[" x "], %[w0], %[t0]\n\t"                  \
    "smmlar %[w1], %[" y "], %[w1], %[t1]\n\t"                  \
    "add %[" x "], %[w0], %[" x "], asr #31\n\t"                \
    "add %[" y "], %[w1], %[" y "], asr #31\n\t"                \
    "ldrd %[t0], %[t1], [%[wp]], #8\n\t"                        \
    "asr %[" x "], %[" x "], %[t0]\n\t"                         \
    "asr %[" y "], %[" y "], %[t1]\n\t"
#else
#define MCU_DWP_ASM_WORDS 4 /* the layout the assembly reads: MCU_DW_PACKED_W32 */
/* Armv7-M: SXTB (ROR 8, 16) / ASR 24 of the word of inputs, MLA with the four W32 weight words */
#define MCU_DWP_ASM_MAC                           \
    "ldrd %[w0], %[w1], [%[wp]], #8\n\t"          \
    "sxtb %[t1], %[t0]\n\t"                       \
    "mla %[a0], %[t1], %[w0], %[a0]\n\t"          \
    "sxtb %[t1], %[t0], ror #8\n\t"               \
    "mla %[a1], %[t1], %[w1], %[a1]\n\t"          \
    "ldrd %[w0], %[w1], [%[wp]], #8\n\t"          \
    "sxtb %[t1], %[t0], ror #16\n\t"              \
    "mla %[a2], %[t1], %[w0], %[a2]\n\t"          \
    "asr %[t1], %[t0], #24\n\t"                   \
    "mla %[a3], %[t1], %[w1], %[a3]\n\t"
/* the output stage of the file comment (the rescale contract, ties away from zero) on Armv7-M:
 * SMLAL of A M onto the 64-bit (add, 2^31): its high word is SMMLAR's value; lane x's multiplier in m,
 * its addend at [wp, #o], its right shift at [wp, #o + 8] (wp past the pair's multipliers) */
#define MCU_DWP_ASM_RQ1(x, m, o)                                \
    "mov %[t0], #0x80000000\n\t"                                \
    "ldr %[t1], [%[wp], #" o "]\n\t"                            \
    "smlal %[t0], %[t1], %[" x "], %[" m "]\n\t"                \
    "add %[" x "], %[t1], %[" x "], asr #31\n\t"                \
    "ldr %[t1], [%[wp], #" o " + 8]\n\t"                        \
    "asr %[" x "], %[" x "], %[t1]\n\t"
#define MCU_DWP_ASM_RQ2(x, y)                                   \
    "ldrd %[w0], %[w1], [%[wp]], #8\n\t"                        \
    MCU_DWP_ASM_RQ1(x, "w0", "0") MCU_DWP_ASM_RQ1(y, "w1", "4") \
    "add %[wp], %[wp], #16\n\t"
#endif
#define MCU_DWP_ASM_TAP(addr) "ldr %[t0], " addr "\n\t" MCU_DWP_ASM_MAC
#define MCU_DWP_ASM_PTAP(off) "ldr %[t0], [%[tp], #" off "]\n\t" \
                              "ldr %[t0], [%[t0], %[co]]\n\t" MCU_DWP_ASM_MAC
#define MCU_DWP_ASM_ROW                           \
    MCU_DWP_ASM_TAP("[%[xp]]")                    \
    MCU_DWP_ASM_TAP("[%[xp], %[sw]]")             \
    "add %[xp], %[xp], %[sw]\n\t"                 \
    MCU_DWP_ASM_TAP("[%[xp], %[sw]]")
#define MCU_DWP_ASM_BIAS                          \
    "ldrd %[a0], %[a1], [%[wp]], #8\n\t"          \
    "ldrd %[a2], %[a3], [%[wp]], #8\n\t"
#define MCU_DWP_ASM_RQ MCU_DWP_ASM_RQ2("a0", "a1") MCU_DWP_ASM_RQ2("a2", "a3")
/* inside: the window's taps at x, x + sw, x + 2 sw of three rows sh apart (95 instructions) */
#define MCU_DWP_FAST3X3_INSIDE(x_in, w_in, sw_in, sh_in)                                          \
    do {                                                                                           \
        const int8_t *xa_ = (x_in);                                                                \
        const int32_t swa_ = (int32_t)(sw_in);                                                     \
        const int32_t sha_ = (int32_t)(sh_in) - (int32_t)(sw_in); /* from the row's middle tap */ \
        int32_t t0_;                                                                               \
        int32_t t1_;                                                                               \
        int32_t w0_;                                                                               \
        int32_t w1_;                                                                               \
        __asm__(MCU_DWP_ASM_BIAS MCU_DWP_ASM_ROW "add %[xp], %[xp], %[sh]\n\t" MCU_DWP_ASM_ROW      \
                "add %[xp], %[xp], %[sh]\n\t" MCU_DWP_ASM_ROW MCU_DWP_ASM_RQ                        \
                : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [xp] "+r"(xa_),  \
                  [wp] "+r"(w_in), [t0] "=&r"(t0_), [t1] "=&r"(t1_), [w0] "=&r"(w0_),              \
                  [w1] "=&r"(w1_)                                                                  \
                : [sw] "r"(swa_), [sh] "r"(sha_)                                            \
                : "memory");                                                                       \
    } while (0)
/* border: tap t reads at tp[t] + co (tp[t] the pad row for padded taps) (104 instructions) */
#define MCU_DWP_FAST3X3_PTRS(tp_in, co_in, w_in)                                                  \
    do {                                                                                           \
        const int8_t *const *tpa_ = (tp_in);                                                       \
        const int32_t coa_ = (co_in);                                                              \
        int32_t t0_;                                                                               \
        int32_t t1_;                                                                               \
        int32_t w0_;                                                                               \
        int32_t w1_;                                                                               \
        __asm__(MCU_DWP_ASM_BIAS MCU_DWP_ASM_PTAP("0") MCU_DWP_ASM_PTAP("4") MCU_DWP_ASM_PTAP("8")  \
                MCU_DWP_ASM_PTAP("12") MCU_DWP_ASM_PTAP("16") MCU_DWP_ASM_PTAP("20")                \
                MCU_DWP_ASM_PTAP("24") MCU_DWP_ASM_PTAP("28") MCU_DWP_ASM_PTAP("32") MCU_DWP_ASM_RQ \
                : [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3), [wp] "+r"(w_in), \
                  [t0] "=&r"(t0_), [t1] "=&r"(t1_), [w0] "=&r"(w0_), [w1] "=&r"(w1_)               \
                : [tp] "r"(tpa_), [co] "r"(coa_)                                            \
                : "memory");                                                                       \
    } while (0)
/* the 4 outputs of a block to [yq] (post-incremented), int8's whole range (SSAT) or [lo, hi] */
#define MCU_DWP_ASM_STORE                         \
    "ldr %[t0], %[yq]\n\t"                        \
    "strb %[a0], [%[t0]], #1\n\t"                 \
    "strb %[a1], [%[t0]], #1\n\t"                 \
    "strb %[a2], [%[t0]], #1\n\t"                 \
    "strb %[a3], [%[t0]], #1\n\t"                 \
    "str %[t0], %[yq]\n\t"
#define MCU_DWP_ASM_SSAT                          \
    "ssat %[a0], #8, %[a0]\n\t"                   \
    "ssat %[a1], #8, %[a1]\n\t"                   \
    "ssat %[a2], #8, %[a2]\n\t"                   \
    "ssat %[a3], #8, %[a3]\n\t"
#define MCU_DWP_ASM_CLAMP1(a)                     \
    "cmp %[" a "], %[w0]\n\t"                     \
    "it lt\n\t"                                   \
    "movlt %[" a "], %[w0]\n\t"                   \
    "cmp %[" a "], %[w1]\n\t"                     \
    "it gt\n\t"                                   \
    "movgt %[" a "], %[w1]\n\t"
#define MCU_DWP_ASM_CLAMP                         \
    "ldr %[w0], %[lo]\n\t"                        \
    "ldr %[w1], %[hi]\n\t"                        \
    MCU_DWP_ASM_CLAMP1("a0") MCU_DWP_ASM_CLAMP1("a1") MCU_DWP_ASM_CLAMP1("a2") MCU_DWP_ASM_CLAMP1("a3")
/*
 * np >= 1 consecutive output positions of one row whose 3x3 windows lie inside the input, each with
 * its nb >= 1 blocks, in one loop: per block the record's MACs and output stage as
 * MCU_DWP_FAST3X3_INSIDE, the clamp (`clamp`: MCU_DWP_ASM_SSAT or MCU_DWP_ASM_CLAMP) and the 4 stores,
 * then the next block (inputs 4 bytes on, the next record); per position the window sp bytes on and
 * the first record again (the outputs are consecutive).
 */
#define MCU_DWP_FAST3X3_LOOP(x_in, w_in, y_in, nb_in, np_in, sw_in, sh_in, sp_in, clamp)            \
    do {                                                                                           \
        const int8_t *xp_ = (x_in);                                                                \
        const int32_t *wl_ = (w_in);                                                               \
        int8_t *yq_ = (y_in);                                                                      \
        const int32_t nb_ = (nb_in);                                                               \
        int32_t n_ = 0;                                                                            \
        int32_t np_ = (np_in);                                                                     \
        const int32_t swa_ = (int32_t)(sw_in);                                                     \
        const int32_t sha_ = (int32_t)(sh_in) - (int32_t)(sw_in);                                  \
        const int32_t back_ = 2 * (int32_t)(sh_in) + (int32_t)(sw_in) - 4; /* to the next block */ \
        const int32_t pstep_ = (int32_t)(sp_in) - 4 * nb_; /* to the next position's window */     \
        const int32_t wback_ = nb_ * (int32_t)sizeof(int32_t) * (16 + 9 * MCU_DWP_ASM_WORDS);       \
        int32_t a0_;                                                                               \
        int32_t a1_;                                                                               \
        int32_t a2_;                                                                               \
        int32_t a3_;                                                                               \
        int32_t t0_;                                                                               \
        int32_t t1_;                                                                               \
        int32_t w0_;                                                                               \
        int32_t w1_;                                                                               \
        __asm__("0:\n\t"                                                                           \
                "ldr %[t0], %[nb]\n\t"                                                             \
                "str %[t0], %[n]\n\t"                                                              \
                "1:\n\t" MCU_DWP_ASM_BIAS MCU_DWP_ASM_ROW "add %[xp], %[xp], %[sh]\n\t"              \
                MCU_DWP_ASM_ROW "add %[xp], %[xp], %[sh]\n\t" MCU_DWP_ASM_ROW MCU_DWP_ASM_RQ clamp    \
                MCU_DWP_ASM_STORE                                                                  \
                "ldr %[t0], %[back]\n\t"                                                           \
                "sub %[xp], %[xp], %[t0]\n\t"                                                      \
                "ldr %[t0], %[n]\n\t"                                                              \
                "subs %[t0], %[t0], #1\n\t"                                                        \
                "str %[t0], %[n]\n\t"                                                              \
                "bne 1b\n\t"                                                                       \
                "ldr %[t0], %[pstep]\n\t"                                                          \
                "add %[xp], %[xp], %[t0]\n\t"                                                      \
                "ldr %[t0], %[wback]\n\t"                                                          \
                "sub %[wp], %[wp], %[t0]\n\t"                                                      \
                "ldr %[t0], %[np]\n\t"                                                             \
                "subs %[t0], %[t0], #1\n\t"                                                        \
                "str %[t0], %[np]\n\t"                                                             \
                "bne 0b\n\t"                                                                       \
                : [a0] "=&r"(a0_), [a1] "=&r"(a1_), [a2] "=&r"(a2_), [a3] "=&r"(a3_), [xp] "+r"(xp_), \
                  [wp] "+r"(wl_), [t0] "=&r"(t0_), [t1] "=&r"(t1_), [w0] "=&r"(w0_), [w1] "=&r"(w1_), \
                  [yq] "+m"(yq_), [n] "+m"(n_), [np] "+m"(np_)                                     \
                : [sw] "r"(swa_), [sh] "r"(sha_), [back] "m"(back_), [pstep] "m"(pstep_),          \
                  [wback] "m"(wback_), [nb] "m"(nb_), [lo] "m"(rq_lo), [hi] "m"(rq_hi)                                                 \
                : "memory", "cc");                                                                 \
    } while (0)
/* every block of a border position (pointer table tp, pad row for padded taps) in one loop, n >= 1 */
#define MCU_DWP_FAST3X3_PLOOP(tp_in, w_in, y_in, n_in, clamp)                                      \
    do {                                                                                           \
        const int8_t *const *tpa_ = (tp_in);                                                       \
        int32_t coa_ = 0;                                                                          \
        const int32_t *wl_ = (w_in);                                                               \
        int8_t *yq_ = (y_in);                                                                      \
        int32_t n_ = (n_in);                                                                       \
        int32_t a0_;                                                                               \
        int32_t a1_;                                                                               \
        int32_t a2_;                                                                               \
        int32_t a3_;                                                                               \
        int32_t t0_;                                                                               \
        int32_t t1_;                                                                               \
        int32_t w0_;                                                                               \
        int32_t w1_;                                                                               \
        __asm__("1:\n\t" MCU_DWP_ASM_BIAS MCU_DWP_ASM_PTAP("0") MCU_DWP_ASM_PTAP("4")                \
                MCU_DWP_ASM_PTAP("8") MCU_DWP_ASM_PTAP("12") MCU_DWP_ASM_PTAP("16")                 \
                MCU_DWP_ASM_PTAP("20") MCU_DWP_ASM_PTAP("24") MCU_DWP_ASM_PTAP("28")                \
                MCU_DWP_ASM_PTAP("32") MCU_DWP_ASM_RQ clamp MCU_DWP_ASM_STORE                       \
                "add %[co], %[co], #4\n\t"                                                         \
                "ldr %[t0], %[n]\n\t"                                                              \
                "subs %[t0], %[t0], #1\n\t"                                                        \
                "str %[t0], %[n]\n\t"                                                              \
                "bne 1b\n\t"                                                                       \
                : [a0] "=&r"(a0_), [a1] "=&r"(a1_), [a2] "=&r"(a2_), [a3] "=&r"(a3_), [co] "+r"(coa_), \
                  [wp] "+r"(wl_), [t0] "=&r"(t0_), [t1] "=&r"(t1_), [w0] "=&r"(w0_), [w1] "=&r"(w1_), \
                  [yq] "+m"(yq_), [n] "+m"(n_)                                                     \
                : [tp] "r"(tpa_), [lo] "m"(rq_lo), [hi] "m"(rq_hi)                                                                  \
                : "memory", "cc");                                                                 \
    } while (0)
#define MCU_DWP_FAST3X3_PLOOP_FULL(tp_in, w_in, y_in, n_in) \
    MCU_DWP_FAST3X3_PLOOP(tp_in, w_in, y_in, n_in, MCU_DWP_ASM_SSAT)
#define MCU_DWP_FAST3X3_PLOOP_CLAMP(tp_in, w_in, y_in, n_in) \
    MCU_DWP_FAST3X3_PLOOP(tp_in, w_in, y_in, n_in, MCU_DWP_ASM_CLAMP)
#define MCU_DWP_FAST3X3_LOOP_FULL(x_in, w_in, y_in, nb_in, np_in, sw_in, sh_in, sp_in) \
    MCU_DWP_FAST3X3_LOOP(x_in, w_in, y_in, nb_in, np_in, sw_in, sh_in, sp_in, MCU_DWP_ASM_SSAT)
#define MCU_DWP_FAST3X3_LOOP_CLAMP(x_in, w_in, y_in, nb_in, np_in, sw_in, sh_in, sp_in) \
    MCU_DWP_FAST3X3_LOOP(x_in, w_in, y_in, nb_in, np_in, sw_in, sh_in, sp_in, MCU_DWP_ASM_CLAMP)
#define MCU_DWP_ASM 1
#endif /* the assembly fast path */

/* ---- MCU_DW_PACKED_H16: words (2 w_c0 | 2 w_c2 << 16), (2 w_c1 | 2 w_c3 << 16) per tap ---- */
#define MCU_DWP_NAME mcu_dwp_h16
#define MCU_DWP_WORDS 2
#define MCU_DWP_WEIGHT(wt, k) ((k) & 2 ? mcu_dwp_hi((wt)[(k) & 1]) : mcu_dwp_lo((wt)[(k) & 1]))
#ifdef MCU_DWP_HAVE_DSP
#define MCU_DWP_PAD_DECL(pad) \
    const int32_t pp_ = (int32_t)(((uint32_t)(pad) & 0xFFFFu) | ((uint32_t)(pad) << 16)) /* pad in both halves */
#define MCU_DWP_TAP(xp, wp)                                                                 \
    do {                                                                                     \
        uint32_t xw_;                                                                        \
        int32_t x02_;                                                                        \
        int32_t x13_;                                                                        \
        const int32_t w02_ = (wp)[0];                                                        \
        const int32_t w13_ = (wp)[1];                                                        \
        __builtin_memcpy(&xw_, (xp), 4u); /* LDR: unaligned single-word loads are allowed */ \
        __asm__("sxtb16 %0, %1, ror #8" : "=r"(x13_) : "r"(xw_));                            \
        __asm__("sxtb16 %0, %1" : "=r"(x02_) : "r"(xw_));                                    \
        a0 = __smlabb(x02_, w02_, a0);                                                       \
        a2 = __smlatt(x02_, w02_, a2);                                                       \
        a1 = __smlabb(x13_, w13_, a1);                                                       \
        a3 = __smlatt(x13_, w13_, a3);                                                       \
    } while (0)
#define MCU_DWP_PAD_TAP(wp)                                                                  \
    do {                                                                                     \
        const int32_t w02_ = (wp)[0];                                                        \
        const int32_t w13_ = (wp)[1];                                                        \
        a0 = __smlabb(pp_, w02_, a0);                                                        \
        a2 = __smlatt(pp_, w02_, a2);                                                        \
        a1 = __smlabb(pp_, w13_, a1);                                                        \
        a3 = __smlatt(pp_, w13_, a3);                                                        \
    } while (0)
#else
#define MCU_DWP_PAD_DECL(pad) const int32_t pp_ = (pad)
#define MCU_DWP_TAP(xp, wp)                                       \
    do {                                                           \
        a0 += (int32_t)(xp)[0] * mcu_dwp_lo((wp)[0]);              \
        a2 += (int32_t)(xp)[2] * mcu_dwp_hi((wp)[0]);              \
        a1 += (int32_t)(xp)[1] * mcu_dwp_lo((wp)[1]);              \
        a3 += (int32_t)(xp)[3] * mcu_dwp_hi((wp)[1]);              \
    } while (0)
#define MCU_DWP_PAD_TAP(wp)                                       \
    do {                                                           \
        a0 += pp_ * mcu_dwp_lo((wp)[0]);                           \
        a2 += pp_ * mcu_dwp_hi((wp)[0]);                           \
        a1 += pp_ * mcu_dwp_lo((wp)[1]);                           \
        a3 += pp_ * mcu_dwp_hi((wp)[1]);                           \
    } while (0)
#endif
#if defined(MCU_DWP_ASM) && defined(MCU_DWP_HAVE_DSP)
#define MCU_DWP_FAST3X3 1
#endif
#include "mcu_depthwise_conv_packed_impl.h"
#undef MCU_DWP_FAST3X3

/* ---- MCU_DW_PACKED_W32: words 2 w_c0, 2 w_c1, 2 w_c2, 2 w_c3 per tap ---- */
#define MCU_DWP_NAME mcu_dwp_w32
#define MCU_DWP_WORDS 4
#define MCU_DWP_WEIGHT(wt, k) ((wt)[k])
#define MCU_DWP_PAD_DECL(pad) const int32_t pp_ = (pad)
#define MCU_DWP_TAP(xp, wp)                          \
    do {                                              \
        a0 += (int32_t)(xp)[0] * (wp)[0];             \
        a1 += (int32_t)(xp)[1] * (wp)[1];             \
        a2 += (int32_t)(xp)[2] * (wp)[2];             \
        a3 += (int32_t)(xp)[3] * (wp)[3];             \
    } while (0)
#define MCU_DWP_PAD_TAP(wp)                          \
    do {                                              \
        a0 += pp_ * (wp)[0];                          \
        a1 += pp_ * (wp)[1];                          \
        a2 += pp_ * (wp)[2];                          \
        a3 += pp_ * (wp)[3];                          \
    } while (0)
#if defined(MCU_DWP_ASM) && defined(MCU_DWP_HAVE_V7M)
#define MCU_DWP_FAST3X3 1
#endif
#include "mcu_depthwise_conv_packed_impl.h"
#undef MCU_DWP_FAST3X3

void mcu_depthwise_conv_packed_s8(const mcu_depthwise_conv_params_t *p, const int8_t *x, int8_t *y)
{
    mcu_dwp_rq_t rq;
    rq.lo = p->act_min;
    rq.hi = p->act_max;
    rq.full = p->act_min == -128 && p->act_max == 127;
    if (p->packed_layout == MCU_DW_PACKED_W32) {
        mcu_dwp_w32(p, x, y, &rq);
    } else {
        mcu_dwp_h16(p, x, y, &rq);
    }
}
