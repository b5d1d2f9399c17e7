/**
 * @file mcu_conv_neon.h
 * @brief AArch64 NEON (`__ARM_NEON`, `__aarch64__`) path of mcu_conv_packed_s8() on
 *        MCU_WLAYOUT_ROWMAJOR: the convolution as a matrix product of its rows (receptive fields) by
 *        the filters, 4 positions x 4 filters per block. Private; included by mcu_conv_packed_s8.c only.
 *
 * Rows: a pointwise kernel with stride 1 reads the input itself (row i = position i); a kernel one
 * row high without dilation reads the consecutive positions whose field lies inside the input in
 * place (rows `stride_w * channels` bytes apart); every other position has its field copied (im2col)
 * into the caller's buffer, as many consecutive positions per block run as fit. Same fields, same
 * padding values, same weights as mcu_conv_packed_impl.h, so the same accumulators.
 *
 * A block of P <= 4 rows and the 4 filters of one weight group (rows of the ROWMAJOR matrix, cols_p
 * bytes apart, padded with zero weights to a multiple of 4 filters) keeps 16 int32x4 accumulators:
 * per 16 columns one LD1 per row and per filter, and per (row, filter) SMULL, SMLAL2 (each int16 lane
 * two products, |w x| <= 127 * 128, 2 * 16256 < 2^15: the packed layouts hold no -128 weight, the
 * generator guarantees it) and SADALP: 3 instructions per 16 multiply-accumulates. An 8-column step
 * takes SMULL and SADALP; the last K mod 8 columns reload the row's last 8 bytes (no read past the
 * field) with the weights of the columns already summed masked to 0. ADDP, ADDP reduce a row's four
 * filters to one vector. The int32 lanes wrap like any int32 sum, and the exact sum fits int32 (the
 * accumulator bound mcu_matvec.h states), so the result is the plain loop's whatever the order.
 * The bias, the rescale, zero point and clamp follow (mcu_requant_neon.h), then each row's 4 bytes
 * are stored.
 *
 * Fields shorter than 8 columns, and copied fields without a buffer of one field, take the Dense path
 * of mcu_conv_packed_impl.h (returns 0).
 */
#ifndef MCU_CONV_NEON_H
#define MCU_CONV_NEON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arm_neon.h>

#include "mcu_matvec.h"
#include "mcu_nn.h"
#include "mcu_nn_internal.h"
#include "mcu_requant_neon.h"

/** The matrix product's constants. */
typedef struct {
    const int8_t *w;        /**< ROWMAJOR weights, rows padded to a multiple of 4, row stride cols_p */
    const int32_t *bias;    /**< int32 [filters] */
    const mcu_rescale_t *rescale;
    int32_t rescale_count;
    int32_t cols;           /**< K = kernel_h * kernel_w * channels, >= 8 */
    int32_t cols_p;         /**< K padded to a multiple of 4 */
    int32_t filters;
    uint8x8_t tail_mask;    /**< 0xFF in the last K mod 8 lanes of an 8-byte step, 0 elsewhere */
    mcu_requant_neon_t q;
} mcu_conv_neon_t;

/* One step of the block: the 4 rows' register xv (16 or 8 columns) against the 4 filters' v0..v3. */
#define MCU_CONV_NEON_MAC16(r, xv)                                                                  \
    do {                                                                                           \
        a##r##0 = mcu_matvec_neon_mac16(a##r##0, v0, xv);                                          \
        a##r##1 = mcu_matvec_neon_mac16(a##r##1, v1, xv);                                          \
        a##r##2 = mcu_matvec_neon_mac16(a##r##2, v2, xv);                                          \
        a##r##3 = mcu_matvec_neon_mac16(a##r##3, v3, xv);                                          \
    } while (0)
#define MCU_CONV_NEON_MAC8(r, xv)                                                                   \
    do {                                                                                           \
        a##r##0 = vpadalq_s16(a##r##0, vmull_s8(v0, xv));                                          \
        a##r##1 = vpadalq_s16(a##r##1, vmull_s8(v1, xv));                                          \
        a##r##2 = vpadalq_s16(a##r##2, vmull_s8(v2, xv));                                          \
        a##r##3 = vpadalq_s16(a##r##3, vmull_s8(v3, xv));                                          \
    } while (0)

/* The first step: SMULL, SMLAL2, then SADDLP (widening pairwise add) instead of SADALP into zeros. */
#define MCU_CONV_NEON_START16(r, xv)                                                                \
    do {                                                                                           \
        a##r##0 = vpaddlq_s16(vmlal_high_s8(vmull_s8(vget_low_s8(v0), vget_low_s8(xv)), v0, xv));  \
        a##r##1 = vpaddlq_s16(vmlal_high_s8(vmull_s8(vget_low_s8(v1), vget_low_s8(xv)), v1, xv));  \
        a##r##2 = vpaddlq_s16(vmlal_high_s8(vmull_s8(vget_low_s8(v2), vget_low_s8(xv)), v2, xv));  \
        a##r##3 = vpaddlq_s16(vmlal_high_s8(vmull_s8(vget_low_s8(v3), vget_low_s8(xv)), v3, xv));  \
    } while (0)
#define MCU_CONV_NEON_START8(r, xv)                                                                 \
    do {                                                                                           \
        a##r##0 = vpaddlq_s16(vmull_s8(v0, xv));                                                   \
        a##r##1 = vpaddlq_s16(vmull_s8(v1, xv));                                                   \
        a##r##2 = vpaddlq_s16(vmull_s8(v2, xv));                                                   \
        a##r##3 = vpaddlq_s16(vmull_s8(v3, xv));                                                   \
    } while (0)

/**
 * out[r] = the dot products of row r (at x0..x3) with the 4 filters at w, over the columns [0, K)
 * (see the file comment); the 16 accumulators stay in registers.
 */
static inline __attribute__((always_inline)) void mcu_conv_neon_dots(const mcu_conv_neon_t *k, const int8_t *w,
                                                                     const int8_t *x0, const int8_t *x1,
                                                                     const int8_t *x2, const int8_t *x3,
                                                                     int32x4_t out[4])
{
    const int8_t *w0 = w;
    const int8_t *w1 = w + (size_t)k->cols_p;
    const int8_t *w2 = w + 2 * (size_t)k->cols_p;
    const int8_t *w3 = w + 3 * (size_t)k->cols_p;
    const int32_t cols = k->cols;
    int32x4_t a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23, a30, a31, a32, a33;
    int32_t c;
    /* the first step starts the accumulators (SADDLP), no zeroing: 16 columns, or 8 when K < 16 */
    if (cols >= 16) {
        const int8x16_t v0 = vld1q_s8(w0), v1 = vld1q_s8(w1), v2 = vld1q_s8(w2), v3 = vld1q_s8(w3);
        const int8x16_t y0 = vld1q_s8(x0), y1 = vld1q_s8(x1), y2 = vld1q_s8(x2), y3 = vld1q_s8(x3);
        MCU_CONV_NEON_START16(0, y0);
        MCU_CONV_NEON_START16(1, y1);
        MCU_CONV_NEON_START16(2, y2);
        MCU_CONV_NEON_START16(3, y3);
        c = 16;
    } else {
        const int8x8_t v0 = vld1_s8(w0), v1 = vld1_s8(w1), v2 = vld1_s8(w2), v3 = vld1_s8(w3);
        const int8x8_t y0 = vld1_s8(x0), y1 = vld1_s8(x1), y2 = vld1_s8(x2), y3 = vld1_s8(x3);
        MCU_CONV_NEON_START8(0, y0);
        MCU_CONV_NEON_START8(1, y1);
        MCU_CONV_NEON_START8(2, y2);
        MCU_CONV_NEON_START8(3, y3);
        c = 8;
    }
    for (; c + 16 <= cols; c += 16) {
        const int8x16_t v0 = vld1q_s8(w0 + c);
        const int8x16_t v1 = vld1q_s8(w1 + c);
        const int8x16_t v2 = vld1q_s8(w2 + c);
        const int8x16_t v3 = vld1q_s8(w3 + c);
        const int8x16_t y0 = vld1q_s8(x0 + c);
        const int8x16_t y1 = vld1q_s8(x1 + c);
        const int8x16_t y2 = vld1q_s8(x2 + c);
        const int8x16_t y3 = vld1q_s8(x3 + c);
        MCU_CONV_NEON_MAC16(0, y0);
        MCU_CONV_NEON_MAC16(1, y1);
        MCU_CONV_NEON_MAC16(2, y2);
        MCU_CONV_NEON_MAC16(3, y3);
    }
    if (c + 8 <= cols) {
        const int8x8_t v0 = vld1_s8(w0 + c);
        const int8x8_t v1 = vld1_s8(w1 + c);
        const int8x8_t v2 = vld1_s8(w2 + c);
        const int8x8_t v3 = vld1_s8(w3 + c);
        const int8x8_t y0 = vld1_s8(x0 + c);
        const int8x8_t y1 = vld1_s8(x1 + c);
        const int8x8_t y2 = vld1_s8(x2 + c);
        const int8x8_t y3 = vld1_s8(x3 + c);
        MCU_CONV_NEON_MAC8(0, y0);
        MCU_CONV_NEON_MAC8(1, y1);
        MCU_CONV_NEON_MAC8(2, y2);
        MCU_CONV_NEON_MAC8(3, y3);
        c += 8;
    }
    if (c < cols) {
        /* the last cols - c (1..7) columns: the 8 bytes ending at column cols, earlier columns' weights masked */
        const size_t t = (size_t)cols - 8u;
        const int8x8_t m = vreinterpret_s8_u8(k->tail_mask);
        const int8x8_t v0 = vand_s8(vld1_s8(w0 + t), m);
        const int8x8_t v1 = vand_s8(vld1_s8(w1 + t), m);
        const int8x8_t v2 = vand_s8(vld1_s8(w2 + t), m);
        const int8x8_t v3 = vand_s8(vld1_s8(w3 + t), m);
        const int8x8_t y0 = vld1_s8(x0 + t);
        const int8x8_t y1 = vld1_s8(x1 + t);
        const int8x8_t y2 = vld1_s8(x2 + t);
        const int8x8_t y3 = vld1_s8(x3 + t);
        MCU_CONV_NEON_MAC8(0, y0);
        MCU_CONV_NEON_MAC8(1, y1);
        MCU_CONV_NEON_MAC8(2, y2);
        MCU_CONV_NEON_MAC8(3, y3);
    }
    out[0] = vpaddq_s32(vpaddq_s32(a00, a01), vpaddq_s32(a02, a03));
    out[1] = vpaddq_s32(vpaddq_s32(a10, a11), vpaddq_s32(a12, a13));
    out[2] = vpaddq_s32(vpaddq_s32(a20, a21), vpaddq_s32(a22, a23));
    out[3] = vpaddq_s32(vpaddq_s32(a30, a31), vpaddq_s32(a32, a33));
}

#undef MCU_CONV_NEON_MAC16
#undef MCU_CONV_NEON_MAC8
#undef MCU_CONV_NEON_START16
#undef MCU_CONV_NEON_START8

/** Stores the first n (1..4) bytes of word r of v at y. */
static inline void mcu_conv_neon_store(int8x16_t v, int32_t r, int32_t n, int8_t *y)
{
    int8_t b[16];
    vst1q_s8(b, v);
    memcpy(y, b + 4 * r, (size_t)n);
}

/**
 * The block of `rows` (1..4) rows x 4 filters, output stage included: a block of fewer than 4 rows
 * repeats its last row in the missing ones (their results are not stored).
 */
static inline __attribute__((always_inline)) void mcu_conv_neon_block(const mcu_conv_neon_t *k, const int8_t *w,
                                                                      const int8_t *x, size_t xs, int32_t rows,
                                                                      int32x4_t bias, int32x4_t mult,
                                                                      int32x4_t shift, int32_t nf, int8_t *y)
{
    const int8_t *x1 = x + (rows > 1 ? xs : 0);
    const int8_t *x2 = x + (rows > 2 ? 2 * xs : (rows > 1 ? xs : 0));
    const int8_t *x3 = x + (rows > 3 ? 3 * xs : (size_t)(rows - 1) * xs);
    int32x4_t d[4];
    int8x16_t v;
    int32_t r;
    mcu_conv_neon_dots(k, w, x, x1, x2, x3, d);
    v = mcu_requant_neon_narrow16(&k->q, mcu_requant_neon_rescale(&k->q, vaddq_s32(d[0], bias), mult, shift),
                                  mcu_requant_neon_rescale(&k->q, vaddq_s32(d[1], bias), mult, shift),
                                  mcu_requant_neon_rescale(&k->q, vaddq_s32(d[2], bias), mult, shift),
                                  mcu_requant_neon_rescale(&k->q, vaddq_s32(d[3], bias), mult, shift));
    if (rows == 4 && nf == 4) {
        /* one 32-bit store per row */
        const int32x4_t words = vreinterpretq_s32_s8(v);
        const size_t fs = (size_t)k->filters;
        int32_t t0 = vgetq_lane_s32(words, 0);
        int32_t t1 = vgetq_lane_s32(words, 1);
        int32_t t2 = vgetq_lane_s32(words, 2);
        int32_t t3 = vgetq_lane_s32(words, 3);
        memcpy(y, &t0, 4u);
        memcpy(y + fs, &t1, 4u);
        memcpy(y + 2 * fs, &t2, 4u);
        memcpy(y + 3 * fs, &t3, 4u);
        return;
    }
    for (r = 0; r < rows; r++) {
        mcu_conv_neon_store(v, r, nf, y + (size_t)r * (size_t)k->filters);
    }
}

/**
 * y[i][0..filters) for the n rows x + i xs (i < n), y rows `filters` bytes apart: per group of 4
 * filters, blocks of 4 rows (the last block 1..3).
 */
static void mcu_conv_neon_rows(const mcu_conv_neon_t *kp, const int8_t *x, size_t xs, int32_t n, int8_t *y)
{
    /* a copy in registers: the int8 stores of the outputs may alias *kp */
    const mcu_conv_neon_t kc = *kp;
    const mcu_conv_neon_t *k = &kc;
    int32_t f0;
    for (f0 = 0; f0 < k->filters; f0 += 4) {
        const int32_t nf = k->filters - f0 < 4 ? k->filters - f0 : 4;
        const int8_t *w = k->w + (size_t)f0 * (size_t)k->cols_p;
        int32x4_t bias;
        int32x4_t mult;
        int32x4_t shift;
        int32_t i;
        if (nf == 4) {
            bias = vld1q_s32(k->bias + f0);
        } else {
            int32_t b[4] = {0, 0, 0, 0};
            for (i = 0; i < nf; i++) {
                b[i] = k->bias[f0 + i];
            }
            bias = vld1q_s32(b);
        }
        mcu_requant_neon_load(k->rescale, k->rescale_count, f0, nf, &mult, &shift);
        for (i = 0; i < n; i += 4) {
            mcu_conv_neon_block(k, w, x + (size_t)i * xs, xs, n - i < 4 ? n - i : 4, bias, mult, shift, nf,
                                y + (size_t)i * (size_t)k->filters + (size_t)f0);
        }
    }
}

/**
 * mcu_conv_packed_s8() on NEON (see the file comment); returns 0, having done nothing, where the
 * Dense path of mcu_conv_packed_impl.h runs instead (not ROWMAJOR, fields of fewer than 8 columns,
 * copied fields without a buffer of one field).
 */
static int mcu_conv_neon_s8(const mcu_conv_params_t *p, const int8_t *x, int8_t *y, int8_t *col)
{
    const int32_t h = p->in_h;
    const int32_t wd = p->in_w;
    const int32_t c = p->channels;
    const int32_t f = p->filters;
    const int32_t kcols = p->kernel_h * p->kernel_w * c;
    const int32_t oh = mcu_conv_out_length(h, p->kernel_h, p->stride_h, p->dilation_h, p->padding);
    const int32_t ow = mcu_conv_out_length(wd, p->kernel_w, p->stride_w, p->dilation_w, p->padding);
    const int32_t pad_top = mcu_nn_pad_before(h, oh, p->kernel_h, p->stride_h, p->dilation_h, p->padding);
    const int32_t pad_left = mcu_nn_pad_before(wd, ow, p->kernel_w, p->stride_w, p->dilation_w, p->padding);
    const int32_t span_h = (p->kernel_h - 1) * p->dilation_h;
    const int32_t span_w = (p->kernel_w - 1) * p->dilation_w;
    const int32_t in_place = p->kernel_h == 1 && p->dilation_w == 1;
    const int32_t pointwise = p->kernel_h == 1 && p->kernel_w == 1 && p->stride_h == 1 && p->stride_w == 1;
    const int32_t batch = col != NULL && p->im2col_bytes >= kcols ? p->im2col_bytes / kcols : 0;
    mcu_conv_neon_t k;
    int32_t n = 0;
    int8_t *yb = y;
    int32_t oy;
    /* every field inside the input and read in place: no buffer needed (a valid Conv1D) */
    const int32_t all_in_place = in_place && pad_top == 0 && pad_left == 0 && (oh - 1) * p->stride_h + span_h < h
                                 && (ow - 1) * p->stride_w + span_w < wd;
    if (p->weight_layout != MCU_WLAYOUT_ROWMAJOR || kcols < 8 || (batch == 0 && !pointwise && !all_in_place)) {
        return 0;
    }
    {
        static const uint8_t lane[8] = {0, 1, 2, 3, 4, 5, 6, 7};
        k.tail_mask = vcge_u8(vld1_u8(lane), vdup_n_u8((uint8_t)(8 - (kcols & 7))));
    }
    k.w = p->weights;
    k.bias = p->bias;
    k.rescale = p->rescale;
    k.rescale_count = p->rescale_count;
    k.cols = kcols;
    k.cols_p = mcu_matvec_padded(kcols);
    k.filters = f;
    mcu_requant_neon_init(&k.q, p->rescale, p->rescale_count, p->output_zp, p->act_min, p->act_max);
    if (pointwise) {
        mcu_conv_neon_rows(&k, x, (size_t)c, oh * ow, y);
        return 1;
    }
    for (oy = 0; oy < oh; oy++) {
        const int32_t iy0 = oy * p->stride_h - pad_top;
        const int32_t rows_inside = iy0 >= 0 && iy0 + span_h < h;
        int32_t ox = 0;
        while (ox < ow) {
            const int32_t ix0 = ox * p->stride_w - pad_left;
            int8_t *dst;
            int32_t r;
            if (in_place && rows_inside && ix0 >= 0 && ix0 + span_w < wd) {
                /* the run of consecutive positions whose field lies inside the input, read in place */
                int32_t end = ox + 1;
                while (end < ow && end * p->stride_w - pad_left + span_w < wd) {
                    end++;
                }
                if (n > 0) {
                    mcu_conv_neon_rows(&k, col, (size_t)kcols, n, yb);
                    n = 0;
                }
                mcu_conv_neon_rows(&k, x + ((size_t)iy0 * (size_t)wd + (size_t)ix0) * (size_t)c,
                                   (size_t)p->stride_w * (size_t)c, end - ox,
                                   y + ((size_t)oy * (size_t)ow + (size_t)ox) * (size_t)f);
                ox = end;
                continue;
            }
            if (n == 0) {
                yb = y + ((size_t)oy * (size_t)ow + (size_t)ox) * (size_t)f;
            }
            dst = col + (size_t)n * (size_t)kcols;
            for (r = 0; r < p->kernel_h; r++) {
                const int32_t iy = iy0 + r * p->dilation_h;
                int32_t q;
                if (iy < 0 || iy >= h) {
                    memset(dst, p->pad_value, (size_t)p->kernel_w * (size_t)c);
                    dst += (size_t)p->kernel_w * (size_t)c;
                    continue;
                }
                if (p->dilation_w == 1 && ix0 >= 0 && ix0 + span_w < wd) {
                    const size_t len = (size_t)p->kernel_w * (size_t)c;
                    memcpy(dst, x + ((size_t)iy * (size_t)wd + (size_t)ix0) * (size_t)c, len);
                    dst += len;
                    continue;
                }
                for (q = 0; q < p->kernel_w; q++) {
                    const int32_t ix = ix0 + q * p->dilation_w;
                    if (ix >= 0 && ix < wd) {
                        memcpy(dst, x + ((size_t)iy * (size_t)wd + (size_t)ix) * (size_t)c, (size_t)c);
                    } else {
                        memset(dst, p->pad_value, (size_t)c);
                    }
                    dst += c;
                }
            }
            n++;
            if (n == batch) {
                mcu_conv_neon_rows(&k, col, (size_t)kcols, n, yb);
                n = 0;
            }
            ox++;
        }
    }
    if (n > 0) {
        mcu_conv_neon_rows(&k, col, (size_t)kcols, n, yb);
    }
    return 1;
}

#endif /* MCU_CONV_NEON_H */
