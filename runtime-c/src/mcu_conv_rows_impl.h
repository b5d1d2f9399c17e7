/**
 * @file mcu_conv_rows_impl.h
 * @brief The im2col-free path of mcu_conv_packed_s8 / _s8_s16 on MCU_WLAYOUT_DSP_PAIRS (SMLAD on
 *        Cortex-M4/M7/M33/M55, its portable emulation on the host): the convolution's receptive
 *        fields read in place from kernel_h prepared input rows.
 *
 * Private, included by mcu_conv_packed_impl.h only; the static helpers are shared by its variants
 * (include guard), the output type is the caller's.
 *
 * When it applies (mcu_conv_rows_bytes() > 0 and the caller's buffer holds that many bytes): int8
 * input, DSP_PAIRS weights, channels a multiple of 4, no dilation, a kernel larger than 1x1 (a 1x1
 * kernel's rows are single input positions), kernel_w * channels <= 512, every
 * accumulator provably below 2^30 (acc_small) and every rescale of the multiplier form with a right
 * shift. Per output row, the kernel_h input rows the row reads are prepared once each, padding
 * included, as SMLAD's int16 pairs (mcu_matvec_dsp_prepare(): per block of 4 columns the halfwords
 * x_j, x_{j+2}, x_{j+1}, x_{j+3}) with the sum of each position's channels beside them. A position's
 * receptive field is then, per kernel row, kernel_w * channels consecutive prepared values (channels
 * a multiple of 4 keeps every position on a block boundary) whose weights are consecutive too
 * (the weight matrix's columns are (r, q, c)): the block kernel runs over each kernel row in place,
 * no im2col copy and no per-position preparation. The A and B accumulators of mcu_matvec.h are
 * finished every at most 512 columns (its exact-wrap bound), each chunk with its own input sum, and
 * the doubled dot products go through the packed Dense's per-unit output stage (the same integers,
 * see mcu_conv_rows_requant()). So every output is the plain loop's integer (Java
 * `FeedForwardKernels.conv`).
 *
 * The caller's buffer `col` (word aligned, the generator's arena buffer, sized by Java
 * `WeightLayout.im2colBytes` with the same formula): kernel_h rows of wp positions x channels int16,
 * then kernel_h x wp int32 sums, wp = (out_w - 1) stride_w + kernel_w (the padded input columns the
 * output row reads).
 */
#ifndef MCU_CONV_ROWS_IMPL_H
#define MCU_CONV_ROWS_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "mcu_matvec.h"
#include "mcu_nn.h"
#include "mcu_nn_internal.h"

/**
 * The targets that take the path: the DSP cores (SMLAD) and the host (its portable emulation, where
 * the tests run it); the other Arm targets never get DSP_PAIRS weights.
 */
#if defined(MCU_MATVEC_HAVE_DSP) || !(defined(__arm__) || defined(__aarch64__))
#define MCU_CONV_HAVE_ROWS 1
#endif

/** Most chunks of 512 columns a receptive field of the row path spans (larger fields take im2col). */
#define MCU_CONV_ROWS_MAX_CHUNKS 8

/**
 * Bytes of the row path's buffer for p (out_w: its output width), or 0 when the path does not apply
 * to p's shape and layout (the generator's formula, Java `WeightLayout.rowsBytes`).
 */
static inline int32_t mcu_conv_rows_bytes(const mcu_conv_params_t *p, int32_t out_w)
{
    int32_t wp;
    if (p->weight_layout != MCU_WLAYOUT_DSP_PAIRS || p->channels <= 0 || p->channels % 4 != 0 || p->dilation_h != 1
        || p->dilation_w != 1 || p->kernel_w * p->channels > MCU_MATVEC_CHUNK || p->kernel_h * p->kernel_w == 1) {
        return 0;
    }
    wp = (out_w - 1) * p->stride_w + p->kernel_w;
    return p->kernel_h * wp * (2 * p->channels + 4);
}

#ifdef MCU_CONV_HAVE_ROWS
/**
 * The row path's output stage of one unit: the packed Dense's per-unit requantization
 * (mcu_fully_connected_impl.h, the multiplier form with right shift e = -shift >= 1, TFLite's
 * MultiplyByQuantizedMultiplier with its rounding divide): h = srdhm(acc, M) from d2 = 2 acc
 * (mcu_matvec_requant_x2_high), then rdivpot(h, e) + zp = floor((floor((h - [h < 0]) / 2^(e-1)) + 1 + 2 zp) / 2)
 * with c1 = 1 + 2 zp, before the clamp to the activation bounds (the caller's: SSAT or compares).
 * |acc| < 2^30 (acc_small).
 */
MCU_MATVEC_INLINE int32_t mcu_conv_rows_requant(int32_t d2, const mcu_rescale_t *r, int32_t c1)
{
    const int32_t h = mcu_matvec_requant_x2_high(d2, r->multiplier);
    return mcu_asr_s32(mcu_asr_s32(h + mcu_asr_s32(h, 31), -r->shift - 1) + c1, 1);
}

/**
 * acc[0..3] = (A0, B0, A1, B1 of mcu_matvec.h) over nrows kernel rows of nb blocks of 4 columns each:
 * row r's prepared input at xs + r stride (halfwords), the group's weights consecutive from w (the
 * rows' columns follow each other in the weight matrix). On DSP with optimization, one assembly loop
 * over the rows and their blocks (the block step of mcu_matvec_dsp_block(), 14 instructions for 16
 * MACs, 4 steps per turn when nb is a multiple of 4), the row count and strides kept on the stack so
 * that the accumulators, pointers and the step's registers stay in registers.
 */
#if defined(MCU_MATVEC_HAVE_DSP) && defined(__OPTIMIZE__)
#define MCU_CONV_ROWS_ASM(steps)                                                                                 \
    __asm__ volatile("sub sp, sp, #16\n\t"                                                                     \
                     "str %[nbb], [sp]\n\t"                                                                    \
                     "str %[skip], [sp, #4]\n\t"                                                               \
                     "str %[rows], [sp, #8]\n\t"                                                               \
                     "mov %[a0], #0\n\t"                                                                       \
                     "mov %[b0], #0\n\t"                                                                       \
                     "mov %[a1], #0\n\t"                                                                       \
                     "mov %[b1], #0\n\t"                                                                       \
                     "2:\n\t"                                                                                  \
                     "ldr %[w0], [sp]\n\t"                                                                     \
                     "add %[end], %[xp], %[w0]\n\t"                                                            \
                     "1:\n\t" steps "cmp %[xp], %[end]\n\t"                                                    \
                     "bne 1b\n\t"                                                                              \
                     "ldr %[w0], [sp, #4]\n\t"                                                                 \
                     "add %[xp], %[xp], %[w0]\n\t"                                                             \
                     "ldr %[w0], [sp, #8]\n\t"                                                                 \
                     "subs %[w0], %[w0], #1\n\t"                                                               \
                     "str %[w0], [sp, #8]\n\t"                                                                 \
                     "bne 2b\n\t"                                                                              \
                     "add sp, sp, #16\n\t"                                                                     \
                     : [a0] "=r"(a0), [b0] "=r"(b0), [a1] "=r"(a1), [b1] "=r"(b1), [xp] "+r"(xp), [wp] "+r"(wp), \
                       [x0] "=r"(x0), [x1] "=r"(x1), [w0] "=r"(w0), [w1] "=r"(w1), [w2] "=r"(w2), [w3] "=r"(w3), \
                       [end] "=r"(end)                                                                         \
                     : [nbb] "r"(nbb), [skip] "r"(skip), [rows] "r"(nrows)                                     \
                     : "memory", "cc")
MCU_MATVEC_INLINE void mcu_conv_rows_block(const int8_t *w, const int16_t *xs, int32_t nb, int32_t nrows, size_t stride,
                                           uint32_t acc[4])
{
    /* (every input is stored or read before the first output is written: outputs may share their registers) */
    register uint32_t w0 __asm__("r2"); /* LDM needs its register list ascending */
    register uint32_t w1 __asm__("r3");
    register uint32_t w2 __asm__("r4");
    register uint32_t w3 __asm__("r5");
    uint32_t a0;
    uint32_t b0;
    uint32_t a1;
    uint32_t b1;
    uint32_t x0;
    uint32_t x1;
    const int16_t *end;
    const int8_t *wp = w;
    const int16_t *xp = xs;
    const int32_t nbb = 8 * nb;                                  /* bytes of prepared input per kernel row */
    const int32_t skip = (int32_t)(2u * stride) - nbb;            /* from a row's end to the next row's start */
    if ((nb & 3) == 0) {
        MCU_CONV_ROWS_ASM(MCU_MATVEC_DSP_STEP MCU_MATVEC_DSP_STEP MCU_MATVEC_DSP_STEP MCU_MATVEC_DSP_STEP);
    } else {
        MCU_CONV_ROWS_ASM(MCU_MATVEC_DSP_STEP);
    }
    (void)end;
    (void)x0;
    (void)x1;
    (void)w1;
    (void)w2;
    (void)w3;
    acc[0] = a0;
    acc[1] = b0;
    acc[2] = a1;
    acc[3] = b1;
}
#undef MCU_CONV_ROWS_ASM
#else
/* mcu_matvec_dsp_block() (or its portable emulation) per row, the same wrapping sums */
MCU_MATVEC_INLINE void mcu_conv_rows_block(const int8_t *w, const int16_t *xs, int32_t nb, int32_t nrows, size_t stride,
                                           uint32_t acc[4])
{
    int32_t r;
    acc[0] = 0u;
    acc[1] = 0u;
    acc[2] = 0u;
    acc[3] = 0u;
    for (r = 0; r < nrows; r++) {
        mcu_matvec_dsp_block(w + (size_t)r * 16u * (size_t)nb, xs + (size_t)r * stride, nb, acc);
    }
}
#endif

/**
 * Prepares padded input row iy (rows outside [0, in_h): all pad) into slot xs (wp positions x
 * channels int16 in block order) and its per-position channel sums into sums; px = ix + pad_left.
 */
static void mcu_conv_rows_prepare(const mcu_conv_params_t *p, const int8_t *x, int32_t iy, int32_t pad_left,
                                  int32_t wp, int16_t *xs, int32_t *sums)
{
    const int32_t c = p->channels;
    const int32_t pad = p->pad_value;
    int32_t px;
    for (px = 0; px < wp; px++) {
        const int32_t ix = px - pad_left;
        int16_t *dst = xs + (size_t)px * (size_t)c;
        if (iy >= 0 && iy < p->in_h && ix >= 0 && ix < p->in_w) {
            sums[px] = mcu_matvec_dsp_prepare(x + ((size_t)iy * (size_t)p->in_w + (size_t)ix) * (size_t)c, c, 0, c, dst);
        } else {
            int32_t k;
            for (k = 0; k < c; k++) {
                dst[k] = (int16_t)pad; /* every value the same: block order is any order */
            }
            sums[px] = c * pad;
        }
    }
}

/**
 * The field sums of each chunk of rows_per_chunk kernel rows (times 128, as mcu_matvec_dsp_finish_x2()
 * takes them) of the receptive field whose first padded column is px0; returns the chunk count.
 */
static inline int32_t mcu_conv_rows_sums(const int32_t *sums, int32_t wp, int32_t kh, int32_t kw, int32_t rows_per_chunk,
                                         int32_t px0, int32_t *s128)
{
    int32_t r0;
    int32_t k = 0;
    for (r0 = 0; r0 < kh; r0 += rows_per_chunk) {
        const int32_t r1 = r0 + rows_per_chunk < kh ? r0 + rows_per_chunk : kh;
        int32_t s = 0;
        int32_t r;
        for (r = r0; r < r1; r++) {
            const int32_t *sr = sums + (size_t)r * (size_t)wp + (size_t)px0;
            int32_t q;
            for (q = 0; q < kw; q++) {
                s += sr[q];
            }
        }
        s128[k++] = 128 * s;
    }
    return k;
}

/**
 * e[0..3] = 2 * the exact dot products (bias not included) of the group of 4 units with weights wg
 * over the receptive field at xs (kernel row r at xs + r row_len halfwords): the block kernel per
 * chunk of rows_per_chunk kernel rows (at most 512 columns), finished with the chunk's sum s128[k].
 */
MCU_MATVEC_INLINE void mcu_conv_rows_group(const int8_t *wg, const int16_t *xs, size_t row_len, int32_t kh, int32_t seg,
                                           int32_t rows_per_chunk, const int32_t *s128, int32_t e[4])
{
    int32_t r0;
    int32_t k = 0;
    for (r0 = 0; r0 < kh; r0 += rows_per_chunk) {
        const int32_t n = kh - r0 < rows_per_chunk ? kh - r0 : rows_per_chunk;
        uint32_t acc[4];
        int32_t d[4];
        mcu_conv_rows_block(wg + 4 * (size_t)r0 * (size_t)seg, xs + (size_t)r0 * row_len, seg / 4, n, row_len, acc);
        mcu_matvec_dsp_finish_x2(acc[0], acc[1], s128[k], &d[0], &d[1]);
        mcu_matvec_dsp_finish_x2(acc[2], acc[3], s128[k], &d[2], &d[3]);
        if (k == 0) {
            e[0] = d[0];
            e[1] = d[1];
            e[2] = d[2];
            e[3] = d[3];
        } else {
            e[0] += d[0];
            e[1] += d[1];
            e[2] += d[2];
            e[3] += d[3];
        }
        k++;
    }
}

#endif /* MCU_CONV_HAVE_ROWS */

#endif /* MCU_CONV_ROWS_IMPL_H */
