/**
 * @file mcu_conv_packed_impl.h
 * @brief The body of the mcu_conv_packed_* kernels: the int8-input convolution as the packed Dense of
 *        mcu_fully_connected_impl.h (mcu_matvec.h: SMLAD on Cortex-M4/M7/M33/M55, four rows per pass
 *        on Cortex-M3, row-major on NEON and Cortex-M0, a portable emulation elsewhere).
 *
 * Private, included once per variant: the including file defines MCU_CONV_PACKED (the function),
 * MCU_CONV_FC (the Dense kernel of the same input and output types) and MCU_CONV_OUT_T; all are
 * undefined again at the end. No include guard on purpose.
 *
 * With K = kernel_h * kernel_w * channels, the convolution's accumulator of filter f at an output
 * position is `bias_f + sum_k col_k * W[f][k]`, where col is the position's receptive field in the
 * order (r, q, c) of the weights, taps outside the input reading pad_value. That is exactly the
 * accumulator of a Dense with K inputs and `filters` units on the input row col (mcu_conv_params_t
 * states the weight matrix), and the rescale, output zero point and clamp are the same per filter, so
 * the Dense's output is the convolution's (Java `FeedForwardKernels.conv`), integer for integer: the
 * Dense's packed path is bit-exact with its PLAIN loop.
 *
 * The rows: a 1x1 kernel with stride 1 has one row per input position, the input itself. Otherwise,
 * a position whose receptive field lies inside the input with kernel_h == 1 and dilation_w == 1 has
 * its row contiguous in the input (a Conv1D's valid positions), read in place (but for a strided 1x1
 * kernel with a buffer of two rows or more: copied, so that one Dense call serves a batch); every other position
 * gets its row copied (im2col) into the caller's buffer col of im2col_bytes, as many consecutive
 * positions per Dense call as fit (on DSP_PAIRS, when the buffer holds the prepared input rows of
 * mcu_conv_rows_impl.h, no copy at all: the row path reads every field in place). The generator gives every packed convolution that copies rows a
 * buffer of at least K bytes in the model's arena (not the stack: K has no bound there); with a
 * smaller one the positions run one weight at a time (slow, exact). Every layout works, PLAIN
 * included (the Dense's PLAIN loop). MCU_CONV_NEON, when the including file defines it, is tried
 * first (the AArch64 path of mcu_conv_neon.h; it returns 0 where this body runs instead).
 */
#ifdef MCU_CONV_HAVE_ROWS
/**
 * One output row of the row path: for each position, each group of 4 units' doubled dot products
 * (mcu_conv_rows_group()) and at once their output stage, mcu_conv_rows_requant() (SSAT for the clamp
 * when it is the output type's whole range, `full`, on DSP). Out of line: its own registers.
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void MCU_CONV_ROWS_LINE(const mcu_conv_params_t *p, const int16_t *xs, size_t row_len, const int32_t *sums,
                               int32_t wp, int32_t ow, int32_t full, MCU_CONV_OUT_T *y)
{
    const int32_t f = p->filters;
    const int32_t kh = p->kernel_h;
    const int32_t kw = p->kernel_w;
    const int32_t c = p->channels;
    const int32_t seg = kw * c;
    const int32_t rows_per_chunk = MCU_MATVEC_CHUNK / seg;
    const size_t group_bytes = 4u * (size_t)(kh * seg); /* K is a multiple of 4 */
    const int32_t rstep = p->rescale_count != 1;
    const int32_t c1 = 1 + 2 * p->output_zp;
    const int32_t amin = p->act_min;
    const int32_t amax = p->act_max;
    const int32_t *const bias = p->bias;
    const mcu_rescale_t *const rescale = p->rescale;
    const int8_t *const weights = p->weights;
    int32_t ox;
#ifndef MCU_MATVEC_HAVE_DSP
    (void)full;
#endif
    if (kh <= rows_per_chunk) {
        /* the common case: the whole field is one chunk, one assembly loop per group of 4 units */
        const int32_t nb = seg / 4;
        const int32_t step = p->stride_w * c;
        for (ox = 0; ox < ow; ox++) {
            const int32_t px0 = ox * p->stride_w;
            const int16_t *xf = xs + (size_t)ox * (size_t)step;
            int32_t s128 = 0;
            const int8_t *wg = weights;
            const int32_t *bo = bias;
            const mcu_rescale_t *ro = rescale;
            int32_t o;
            int32_t r;
            for (r = 0; r < kh; r++) {
                const int32_t *sr = sums + (size_t)r * (size_t)wp + (size_t)px0;
                int32_t q;
                for (q = 0; q < kw; q++) {
                    s128 += sr[q];
                }
            }
            s128 *= 128;
            for (o = 0; o < f; o += 4) {
                uint32_t acc[4];
                int32_t e[4];
                int32_t q;
                const int32_t n = f - o < 4 ? f - o : 4;
                mcu_conv_rows_block(wg, xf, nb, kh, row_len, acc);
                mcu_matvec_dsp_finish_x2(acc[0], acc[1], s128, &e[0], &e[1]);
                mcu_matvec_dsp_finish_x2(acc[2], acc[3], s128, &e[2], &e[3]);
                for (q = 0; q < n; q++) {
                    const mcu_rescale_t *rq = ro + rstep * q;
                    int32_t v = mcu_conv_rows_requant(e[q] + 2 * bo[q], rq, c1);
#ifdef MCU_MATVEC_HAVE_DSP
                    if (full) {
                        __asm__("ssat %0, %1, %2" : "=r"(v) : "I"(8 * sizeof(MCU_CONV_OUT_T)), "r"(v));
                    } else
#endif
                    {
                        v = v < amin ? amin : (v > amax ? amax : v);
                    }
                    y[q] = (MCU_CONV_OUT_T)v;
                }
                wg += group_bytes;
                bo += 4;
                ro += 4 * rstep;
                y += n;
            }
        }
        return;
    }
    for (ox = 0; ox < ow; ox++) {
        const int32_t px0 = ox * p->stride_w;
        const int16_t *xf = xs + (size_t)px0 * (size_t)c;
        int32_t s128[MCU_CONV_ROWS_MAX_CHUNKS];
        const int8_t *wg = weights;
        int32_t o;
        (void)mcu_conv_rows_sums(sums, wp, kh, kw, rows_per_chunk, px0, s128);
        for (o = 0; o < f; o += 4) {
            int32_t e[4];
            int32_t q;
            const int32_t n = f - o < 4 ? f - o : 4;
            mcu_conv_rows_group(wg, xf, row_len, kh, seg, rows_per_chunk, s128, e);
            for (q = 0; q < n; q++) {
                const mcu_rescale_t *r = rescale + rstep * (o + q);
                int32_t v = mcu_conv_rows_requant(e[q] + 2 * bias[o + q], r, c1);
#ifdef MCU_MATVEC_HAVE_DSP
                if (full) {
                    __asm__("ssat %0, %1, %2" : "=r"(v) : "I"(8 * sizeof(MCU_CONV_OUT_T)), "r"(v));
                } else
#endif
                {
                    v = v < amin ? amin : (v > amax ? amax : v);
                }
                y[o + q] = (MCU_CONV_OUT_T)v;
            }
            wg += group_bytes;
        }
        y += f;
    }
}

/**
 * The im2col-free row path on DSP_PAIRS (mcu_conv_rows_impl.h) when it applies and col holds its
 * prepared rows: computes y and returns 1, else returns 0. Out of line, so that its frame (the
 * doubled dot products of a batch of units) is not on the stack of the Dense calls of the other paths.
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static int32_t MCU_CONV_ROWS(const mcu_conv_params_t *p, const int8_t *x, MCU_CONV_OUT_T *y, int8_t *col, int32_t oh,
                             int32_t ow, int32_t pad_top, int32_t pad_left)
{
    const int32_t c = p->channels;
    const int32_t f = p->filters;
    int32_t oy;
    const int32_t rows_bytes = mcu_conv_rows_bytes(p, ow);
    /* (fields of more than MCU_CONV_ROWS_MAX_CHUNKS chunks: im2col, exact too) */
    int32_t ok = rows_bytes > 0 && col != NULL && p->im2col_bytes >= rows_bytes && p->acc_small
                 && ((uintptr_t)col & 3u) == 0u
                 && (p->kernel_h + MCU_MATVEC_CHUNK / (p->kernel_w * c) - 1) / (MCU_MATVEC_CHUNK / (p->kernel_w * c))
                        <= MCU_CONV_ROWS_MAX_CHUNKS;
    int32_t o;
    for (o = 0; ok && o < (p->rescale_count == 1 ? 1 : f); o++) {
        ok = p->rescale[o].multiplier != 0 && p->rescale[o].shift < 0;
    }
    if (ok) {
        const int32_t wp = (ow - 1) * p->stride_w + p->kernel_w;
        const size_t row_len = (size_t)wp * (size_t)c;
        int16_t *xs = (int16_t *)(void *)col;
        int32_t *sums = (int32_t *)(void *)(xs + (size_t)p->kernel_h * row_len);
        /* the clamp is the output type's range: SSAT on DSP */
        const int32_t full = p->act_min == -p->act_max - 1
                             && p->act_max == (int32_t)((1u << (8u * sizeof(MCU_CONV_OUT_T) - 1u)) - 1u);
        for (oy = 0; oy < oh; oy++) {
            int32_t r;
            for (r = 0; r < p->kernel_h; r++) {
                mcu_conv_rows_prepare(p, x, oy * p->stride_h - pad_top + r, pad_left, wp, xs + (size_t)r * row_len,
                                      sums + (size_t)r * (size_t)wp);
            }
            MCU_CONV_ROWS_LINE(p, xs, row_len, sums, wp, ow, full, y + (size_t)oy * (size_t)ow * (size_t)f);
        }
        return 1;
    }
    return 0;
}
#endif

void MCU_CONV_PACKED(const mcu_conv_params_t *p, const int8_t *x, MCU_CONV_OUT_T *y, int8_t *col)
{
    const int32_t h = p->in_h;
    const int32_t wd = p->in_w;
    const int32_t oh = mcu_conv_out_length(h, p->kernel_h, p->stride_h, p->dilation_h, p->padding);
    const int32_t ow = mcu_conv_out_length(wd, p->kernel_w, p->stride_w, p->dilation_w, p->padding);
    const int32_t pad_top = mcu_nn_pad_before(h, oh, p->kernel_h, p->stride_h, p->dilation_h, p->padding);
    const int32_t pad_left = mcu_nn_pad_before(wd, ow, p->kernel_w, p->stride_w, p->dilation_w, p->padding);
    const int32_t c = p->channels;
    const int32_t f = p->filters;
    const int32_t kcols = p->kernel_h * p->kernel_w * c;
    const int32_t span_h = (p->kernel_h - 1) * p->dilation_h;
    const int32_t span_w = (p->kernel_w - 1) * p->dilation_w;
    /* a row read in place costs one Dense call per position; a 1x1 kernel's row (one input position,
     * `channels` bytes) is cheaper to copy into col with its neighbours, one call per batch */
    const int32_t row_in_place = p->kernel_h == 1 && p->dilation_w == 1
                                 && !(p->kernel_w == 1 && col != NULL && p->im2col_bytes >= 2 * kcols);
    mcu_fc_params_t fc;
    int32_t batch;
    int32_t n = 0;
    MCU_CONV_OUT_T *yb = y;
    int32_t oy;
#ifdef MCU_CONV_NEON
    if (MCU_CONV_NEON(p, x, y, col)) {
        return;
    }
#endif
    fc.input_size = kcols;
    fc.units = f;
    fc.weights = p->weights;
    fc.bias = p->bias;
    fc.bias64 = NULL;
    fc.rescale = p->rescale;
    fc.rescale_count = p->rescale_count;
    fc.acc_shift = 0;
    fc.output_zp = p->output_zp;
    fc.act_min = p->act_min;
    fc.act_max = p->act_max;
    fc.weight_layout = p->weight_layout;
    fc.acc_small = p->acc_small;
    if (p->kernel_h == 1 && p->kernel_w == 1 && p->stride_h == 1 && p->stride_w == 1) {
        /* pointwise: no padding (a 1x1 window never leaves the input), output position = input position */
        MCU_CONV_FC(&fc, oh * ow, x, y);
        return;
    }
#ifdef MCU_CONV_HAVE_ROWS
    if (MCU_CONV_ROWS(p, x, y, col, oh, ow, pad_top, pad_left)) {
        return;
    }
#endif
    /* positions per Dense call from col; 0: no buffer of one receptive field (not the generator's
     * contract), those positions run exact, one packed weight at a time */
    batch = col != NULL && p->im2col_bytes >= kcols ? p->im2col_bytes / kcols : 0;
    for (oy = 0; oy < oh; oy++) {
        const int32_t iy0 = oy * p->stride_h - pad_top;
        const int32_t rows_inside = iy0 >= 0 && iy0 + span_h < h;
        int32_t ox;
        for (ox = 0; ox < ow; ox++) {
            const int32_t ix0 = ox * p->stride_w - pad_left;
            MCU_CONV_OUT_T *yp = y + ((size_t)oy * (size_t)ow + (size_t)ox) * (size_t)f;
            int8_t *dst;
            int32_t r;
            if (row_in_place && rows_inside && ix0 >= 0 && ix0 + span_w < wd) {
                if (n > 0) {
                    MCU_CONV_FC(&fc, n, col, yb);
                    n = 0;
                }
                MCU_CONV_FC(&fc, 1, x + ((size_t)iy0 * (size_t)wd + (size_t)ix0) * (size_t)c, yp);
                continue;
            }
            if (batch == 0) {
                int32_t o;
                for (o = 0; o < f; o++) {
                    int32_t acc = p->bias[o];
                    for (r = 0; r < p->kernel_h; r++) {
                        const int32_t iy = iy0 + r * p->dilation_h;
                        int32_t q;
                        for (q = 0; q < p->kernel_w; q++) {
                            const int32_t ix = ix0 + q * p->dilation_w;
                            const int32_t in = iy >= 0 && iy < h && ix >= 0 && ix < wd;
                            int32_t ch;
                            for (ch = 0; ch < c; ch++) {
                                const int32_t v = in ? (int32_t)x[((size_t)iy * (size_t)wd + (size_t)ix) * (size_t)c + (size_t)ch]
                                                     : p->pad_value;
                                const int32_t k = (r * p->kernel_w + q) * c + ch;
                                acc += v * (p->weight_layout == MCU_WLAYOUT_PLAIN
                                                ? (int32_t)p->weights[(size_t)k * (size_t)f + (size_t)o]
                                                : mcu_matvec_weight(p->weights, p->weight_layout, kcols, o, k));
                            }
                        }
                    }
                    yp[o] = (MCU_CONV_OUT_T)mcu_nn_add_zp_clamp(mcu_nn_rescale(acc, &p->rescale[p->rescale_count == 1 ? 0 : o]),
                                                                p->output_zp, p->act_min, p->act_max);
                }
                continue;
            }
            if (n == 0) {
                yb = yp;
            }
            dst = col + (size_t)n * (size_t)kcols;
            for (r = 0; r < p->kernel_h; r++) {
                const int32_t iy = iy0 + r * p->dilation_h;
                int32_t q;
                if (iy < 0 || iy >= h) {
                    const int32_t len = p->kernel_w * c;
                    int32_t i;
                    for (i = 0; i < len; i++) {
                        dst[i] = (int8_t)p->pad_value;
                    }
                    dst += len;
                    continue;
                }
                if (p->dilation_w == 1 && ix0 >= 0 && ix0 + span_w < wd) {
                    /* the kernel row's taps are adjacent in the input */
                    const size_t len = (size_t)p->kernel_w * (size_t)c;
                    memcpy(dst, x + ((size_t)iy * (size_t)wd + (size_t)ix0) * (size_t)c, len);
                    dst += len;
                    continue;
                }
                for (q = 0; q < p->kernel_w; q++) {
                    const int32_t ix = ix0 + q * p->dilation_w;
                    int32_t ch;
                    if (ix >= 0 && ix < wd) {
                        memcpy(dst, x + ((size_t)iy * (size_t)wd + (size_t)ix) * (size_t)c, (size_t)c);
                    } else {
                        for (ch = 0; ch < c; ch++) {
                            dst[ch] = (int8_t)p->pad_value;
                        }
                    }
                    dst += c;
                }
            }
            n++;
            if (n == batch) {
                MCU_CONV_FC(&fc, n, col, yb);
                n = 0;
            }
        }
    }
    if (n > 0) {
        MCU_CONV_FC(&fc, n, col, yb);
    }
}

#undef MCU_CONV_PACKED
#undef MCU_CONV_FC
#undef MCU_CONV_OUT_T
#undef MCU_CONV_NEON
#undef MCU_CONV_ROWS_LINE
#undef MCU_CONV_ROWS
