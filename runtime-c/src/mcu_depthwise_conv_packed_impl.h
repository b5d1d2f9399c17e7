/**
 * @file mcu_depthwise_conv_packed_impl.h
 * @brief The body of mcu_depthwise_conv_packed_s8() for one packed weight layout (Java
 *        `DepthwiseKernels.depthwiseConv` with depth multiplier 1).
 *
 * Private, included once per layout by mcu_depthwise_conv_packed_s8.c, which defines MCU_DWP_NAME
 * (the static function), MCU_DWP_WORDS (the layout's int32 words per tap: 2 for MCU_DW_PACKED_H16, 4 for
 * MCU_DW_PACKED_W32), MCU_DWP_WEIGHT(wt, k) (the doubled weight of lane k, 0..3, of the tap at wt),
 * MCU_DWP_PAD_DECL(pad) and MCU_DWP_TAP(xp, wp) / MCU_DWP_PAD_TAP(wp), the products of one tap for the
 * four channels of a block: `a_k += x_k * w2_k` where w2 = 2 w is the doubled weight the layout stores
 * (mcu_nn.h), and the pad variant with x_k = pad_value. All are undefined again at the end. No include
 * guard on purpose.
 *
 * Every accumulator starts at 2 bias and adds 2 x w for each tap, so it is twice the accumulator of the
 * generic loop: the taps are summed in another order (valid taps first per kernel row, the padded
 * taps reading pad_value, the input zero point the folded bias cancels), which changes no integer
 * since the generator proved |bias| + 128 sum |w| < 2^30 per channel (every partial sum, doubled,
 * stays in int32). The doubled accumulator is what the requantization wants (mcu_dwp_rq()).
 *
 * With MCU_DWP_FAST3X3 (the including file's assembly for a 3x3 kernel): the consecutive interior
 * positions of a row run in one loop (MCU_DWP_FAST3X3_LOOP_*), a border position reads its 9 taps
 * through a table of pointers, padded taps pointing into a row of pad values (MCU_DWP_FAST3X3_PLOOP_*,
 * or per block MCU_DWP_FAST3X3_INSIDE / _PTRS when the channels are not a multiple of 4). Otherwise
 * interior positions step through the taps by pointer offsets and border positions clip the kernel
 * rows and columns to the input once per position, the padded taps multiplying pad_value (no test per
 * tap). A channel count that is not a multiple of 4 ends with a scalar block (the layout pads the last
 * block with zero weights).
 */

static void MCU_DWP_NAME(const mcu_depthwise_conv_params_t *p, const int8_t *x, int8_t *y, const mcu_dwp_rq_t *rq)
{
    /* the output stage's constants as locals: the int8 stores could alias *rq */
    const int32_t rq_lo = rq->lo;
    const int32_t rq_hi = rq->hi;
    const int32_t rq_full = rq->full;
    const int32_t h = p->in_h;
    const int32_t wd = p->in_w;
    const int32_t c = p->channels;
    const int32_t kh = p->kernel_h;
    const int32_t kw = p->kernel_w;
    const int32_t dh = p->dilation_h;
    const int32_t dwl = p->dilation_w;
    const int32_t taps = kh * kw;
    const int32_t oh = mcu_conv_out_length(h, kh, p->stride_h, dh, p->padding);
    const int32_t ow = mcu_conv_out_length(wd, kw, p->stride_w, dwl, p->padding);
    const int32_t pad_top = mcu_nn_pad_before(h, oh, kh, p->stride_h, dh, p->padding);
    const int32_t pad_left = mcu_nn_pad_before(wd, ow, kw, p->stride_w, dwl, p->padding);
    const int32_t full_blocks = c / 4;
    const size_t step_w = (size_t)dwl * (size_t)c;              /* next tap in a kernel row */
    const size_t step_h = (size_t)dh * (size_t)wd * (size_t)c;  /* next kernel row */
    const int32_t *const wpk = (const int32_t *)p->packed_weights;
    const size_t tap_words = (size_t)taps * MCU_DWP_WORDS;
    const size_t block_w = tap_words + 16u; /* words per block of 4 channels: 4 biases, the taps, 12 of output stage */
    const int32_t pad = p->pad_value;
    MCU_DWP_PAD_DECL(pad);
#ifdef MCU_DWP_FAST3X3
    int8_t padrow[MCU_DWP_PAD_BYTES]; /* the input of padded taps: pad_value in every channel */
    const int32_t pad_n = c < MCU_DWP_PAD_BYTES ? c : MCU_DWP_PAD_BYTES;
    const int32_t loop_ok = kh == 3 && kw == 3 && c % 4 == 0 && full_blocks > 0;
    const size_t step_pos = (size_t)p->stride_w * (size_t)c; /* the next output position's window */
#endif
/* clamp(t_k) into yp[k], k = 0..3: SSAT when the clamp is int8's whole range */
#define MCU_DWP_STORE4(yq)                                  \
    do {                                                     \
        if (rq_full) {                                       \
            (yq)[0] = mcu_sat_s8(a0);                        \
            (yq)[1] = mcu_sat_s8(a1);                        \
            (yq)[2] = mcu_sat_s8(a2);                        \
            (yq)[3] = mcu_sat_s8(a3);                        \
        } else {                                             \
            (yq)[0] = mcu_dwp_clamp(a0, rq_lo, rq_hi);       \
            (yq)[1] = mcu_dwp_clamp(a1, rq_lo, rq_hi);       \
            (yq)[2] = mcu_dwp_clamp(a2, rq_lo, rq_hi);       \
            (yq)[3] = mcu_dwp_clamp(a3, rq_lo, rq_hi);       \
        }                                                    \
    } while (0)
    int32_t oy;
#ifdef MCU_DWP_FAST3X3
    {
        int32_t i;
        for (i = 0; i < pad_n; i++) {
            padrow[i] = (int8_t)pad;
        }
    }
#endif
    for (oy = 0; oy < oh; oy++) {
        const int32_t iy0 = oy * p->stride_h - pad_top;
        /* kernel rows [r0, r1) read the input: 0 <= iy0 + r dh < h */
        const int32_t r0 = iy0 >= 0 ? 0 : (-iy0 + dh - 1) / dh;
        const int32_t r1 = iy0 + (kh - 1) * dh < h ? kh : (h - 1 - iy0) / dh + 1;
        int32_t ox;
        for (ox = 0; ox < ow; ox++) {
            const int32_t ix0 = ox * p->stride_w - pad_left;
#ifdef MCU_DWP_FAST3X3
            if (loop_ok && r0 == 0 && r1 == 3 && ix0 >= 0 && ix0 + 2 * dwl < wd) {
                /* 3x3 windows inside the input, channels a multiple of 4: this and the next positions
                 * of the row whose windows are inside too, every block, in one loop */
                const int8_t *xl = x + ((size_t)iy0 * (size_t)wd + (size_t)ix0) * (size_t)c;
                int8_t *yl = y + ((size_t)oy * (size_t)ow + (size_t)ox) * (size_t)c;
                int32_t np = 1;
                while (ox + np < ow && (ox + np) * p->stride_w - pad_left + 2 * dwl < wd) {
                    np++;
                }
                if (rq_full) {
                    MCU_DWP_FAST3X3_LOOP_FULL(xl, wpk, yl, full_blocks, np, step_w, step_h, step_pos);
                } else {
                    MCU_DWP_FAST3X3_LOOP_CLAMP(xl, wpk, yl, full_blocks, np, step_w, step_h, step_pos);
                }
                ox += np - 1;
                continue;
            }
#endif
            const int32_t q0 = ix0 >= 0 ? 0 : (-ix0 + dwl - 1) / dwl;
            const int32_t q1 = ix0 + (kw - 1) * dwl < wd ? kw : (wd - 1 - ix0) / dwl + 1;
            const int32_t inside = r0 == 0 && r1 == kh && q0 == 0 && q1 == kw;
            /* the first input the window reads: kernel row r0, column q0 (0 when it reads none) */
            const size_t base = r0 < r1 && q0 < q1
                                    ? ((size_t)(iy0 + r0 * dh) * (size_t)wd + (size_t)(ix0 + q0 * dwl)) * (size_t)c
                                    : 0u;
            const int8_t *xb = x + base;
            int8_t *yp = y + ((size_t)oy * (size_t)ow + (size_t)ox) * (size_t)c;
            const int32_t *wb = wpk;
            int32_t b;
#ifdef MCU_DWP_FAST3X3
            /* the 3x3 fast path (MCU_DWP_FAST3X3_INSIDE / _PTRS): MACs and output stage of a block in
             * one assembly statement; at the border the 9 taps read through a table of pointers, the
             * padded ones into a row of pad values */
            const int32_t fast = kh == 3 && kw == 3 && (inside || c <= MCU_DWP_PAD_BYTES);
            const int8_t *tp[9];
            if (fast && !inside) {
                int32_t t;
                for (t = 0; t < 9; t++) {
                    const int32_t r = t / 3;
                    const int32_t q = t - 3 * r;
                    tp[t] = r >= r0 && r < r1 && q >= q0 && q < q1
                                ? xb + (size_t)(r - r0) * step_h + (size_t)(q - q0) * step_w
                                : padrow;
                }
                if (c % 4 == 0) {
                    /* channels a multiple of 4: every block in one loop */
                    if (rq_full) {
                        MCU_DWP_FAST3X3_PLOOP_FULL(tp, wpk, yp, full_blocks);
                    } else {
                        MCU_DWP_FAST3X3_PLOOP_CLAMP(tp, wpk, yp, full_blocks);
                    }
                    continue;
                }
            }
#endif
            for (b = 0; b < full_blocks; b++) {
                int32_t a0;
                int32_t a1;
                int32_t a2;
                int32_t a3;
#ifdef MCU_DWP_FAST3X3
                if (fast) {
                    if (inside) {
                        MCU_DWP_FAST3X3_INSIDE(xb, wb, step_w, step_h);
                    } else {
                        MCU_DWP_FAST3X3_PTRS(tp, 4 * b, wb);
                    }
                    MCU_DWP_STORE4(yp);
                    yp += 4;
                    xb += 4;
                    continue; /* wb has advanced by the record */
                }
#endif
                a0 = wb[0]; /* 2 bias */
                a1 = wb[1];
                a2 = wb[2];
                a3 = wb[3];
                if (inside) {
                    const int8_t *xr = xb;
                    const int32_t *wp = wb + 4;
                    int32_t r;
                    for (r = 0; r < kh; r++) {
                        const int8_t *xp = xr;
                        int32_t q;
                        for (q = 0; q < kw; q++) {
                            MCU_DWP_TAP(xp, wp);
                            xp += step_w;
                            wp += MCU_DWP_WORDS;
                        }
                        xr += step_h;
                    }
                } else {
                    /* border: whole padded rows, then per valid row the padded columns and the valid ones */
                    const int8_t *xr = xb;
                    const int32_t *wp = wb + 4;
                    int32_t r;
                    for (r = 0; r < kh; r++) {
                        int32_t q;
                        if (r < r0 || r >= r1) {
                            for (q = 0; q < kw; q++) {
                                MCU_DWP_PAD_TAP(wp);
                                wp += MCU_DWP_WORDS;
                            }
                            continue;
                        }
                        for (q = 0; q < q0; q++) {
                            MCU_DWP_PAD_TAP(wp);
                            wp += MCU_DWP_WORDS;
                        }
                        {
                            const int8_t *xp = xr;
                            for (; q < q1; q++) {
                                MCU_DWP_TAP(xp, wp);
                                xp += step_w;
                                wp += MCU_DWP_WORDS;
                            }
                        }
                        for (; q < kw; q++) {
                            MCU_DWP_PAD_TAP(wp);
                            wp += MCU_DWP_WORDS;
                        }
                        xr += step_h;
                    }
                }
                {
                    const int32_t *mq = wb + 4 + tap_words; /* the block's multipliers, addends, shifts */
                    a0 = mcu_dwp_rq(a0, mq, 0);
                    a1 = mcu_dwp_rq(a1, mq, 1);
                    a2 = mcu_dwp_rq(a2, mq, 2);
                    a3 = mcu_dwp_rq(a3, mq, 3);
                    MCU_DWP_STORE4(yp);
                }
                yp += 4;
                xb += 4;
                wb += block_w;
            }
            if (4 * full_blocks < c) {
                /* the last 1 to 3 channels, one at a time over the clipped window (no read past the row) */
                const int32_t c0 = 4 * full_blocks;
                int32_t k;
                for (k = 0; c0 + k < c; k++) {
                    int32_t acc = wb[k]; /* 2 bias */
                    int32_t r;
                    for (r = 0; r < kh; r++) {
                        int32_t q;
                        for (q = 0; q < kw; q++) {
                            const int32_t w2 = MCU_DWP_WEIGHT(wb + 4 + (size_t)(r * kw + q) * MCU_DWP_WORDS, k);
                            const int32_t xv = r >= r0 && r < r1 && q >= q0 && q < q1
                                                   ? (int32_t)xb[(size_t)(r - r0) * step_h + (size_t)(q - q0) * step_w + (size_t)k]
                                                   : pad;
                            acc += xv * w2;
                        }
                    }
                    const int32_t t = mcu_dwp_rq(acc, wb + 4 + tap_words, k);
                    yp[k] = rq_full ? mcu_sat_s8(t) : mcu_dwp_clamp(t, rq_lo, rq_hi);
                }
            }
        }
    }
}

#undef MCU_DWP_NAME
#undef MCU_DWP_WORDS
#undef MCU_DWP_WEIGHT
#undef MCU_DWP_TAP
#undef MCU_DWP_PAD_TAP
#undef MCU_DWP_PAD_DECL
#undef MCU_DWP_STORE4
