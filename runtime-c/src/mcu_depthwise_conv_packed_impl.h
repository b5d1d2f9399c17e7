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
 * stays in int32). The doubled accumulator is what the requantization wants (mcu_dwp_out()).
 *
 * Interior positions (the whole window inside the input) step through the taps by pointer offsets, a
 * 3x3 kernel fully unrolled; the border positions clip the kernel rows and columns to the input once
 * per position and feed the padded taps from registers (no test per tap). A channel count that is not
 * a multiple of 4 ends with a scalar block (the layout pads the last block with zero weights).
 */

static void MCU_DWP_NAME(const mcu_depthwise_conv_params_t *p, const int8_t *x, int8_t *y, const mcu_dwp_rq_t *rq)
{
    /* the output stage's constants as locals: the int8 stores could alias *rq */
    const int32_t rq_add = rq->add;
    const int32_t rq_right = rq->right;
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
    const int32_t is3x3 = kh == 3 && kw == 3;
    const int32_t *const wpk = (const int32_t *)p->packed_weights;
    const size_t block_w = (size_t)taps * MCU_DWP_WORDS; /* words per block of 4 channels */
    const int32_t pad = p->pad_value;
    const mcu_rescale_t *const rs = p->rescale;
    const int32_t rstep = p->rescale_count == 1 ? 0 : 1;
    MCU_DWP_PAD_DECL(pad);
    int32_t oy;
    for (oy = 0; oy < oh; oy++) {
        const int32_t iy0 = oy * p->stride_h - pad_top;
        /* kernel rows [r0, r1) read the input: 0 <= iy0 + r dh < h */
        const int32_t r0 = iy0 >= 0 ? 0 : (-iy0 + dh - 1) / dh;
        const int32_t r1 = iy0 + (kh - 1) * dh < h ? kh : (h - 1 - iy0) / dh + 1;
        int32_t ox;
        for (ox = 0; ox < ow; ox++) {
            const int32_t ix0 = ox * p->stride_w - pad_left;
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
            const mcu_rescale_t *rsb = rs;
            int32_t b;
            for (b = 0; b < full_blocks; b++) {
                int32_t a0 = 2 * p->bias[4 * b];
                int32_t a1 = 2 * p->bias[4 * b + 1];
                int32_t a2 = 2 * p->bias[4 * b + 2];
                int32_t a3 = 2 * p->bias[4 * b + 3];
                if (inside && is3x3) {
                    /* 3x3: the three taps of a kernel row unrolled */
                    const int8_t *xp = xb;
                    const int32_t *wp = wb;
                    int32_t r;
                    for (r = 0; r < 3; r++) {
                        MCU_DWP_TAP(xp, wp);
                        MCU_DWP_TAP(xp + step_w, wp + MCU_DWP_WORDS);
                        MCU_DWP_TAP(xp + 2 * step_w, wp + 2 * MCU_DWP_WORDS);
                        xp += step_h;
                        wp += 3 * MCU_DWP_WORDS;
                    }
                } else if (inside) {
                    const int8_t *xr = xb;
                    const int32_t *wp = wb;
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
                    const int32_t *wp = wb;
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
                yp[0] = mcu_dwp_out(a0, rsb[0].multiplier, rq_add, rq_right, rq_lo, rq_hi, rq_full);
                yp[1] = mcu_dwp_out(a1, rsb[rstep].multiplier, rq_add, rq_right, rq_lo, rq_hi, rq_full);
                yp[2] = mcu_dwp_out(a2, rsb[2 * rstep].multiplier, rq_add, rq_right, rq_lo, rq_hi, rq_full);
                yp[3] = mcu_dwp_out(a3, rsb[3 * rstep].multiplier, rq_add, rq_right, rq_lo, rq_hi, rq_full);
                yp += 4;
                xb += 4;
                wb += block_w;
                rsb += 4 * rstep;
            }
            if (4 * full_blocks < c) {
                /* the last 1 to 3 channels, one at a time over the clipped window (no read past the row) */
                const int32_t c0 = 4 * full_blocks;
                int32_t k;
                for (k = 0; c0 + k < c; k++) {
                    int32_t acc = 2 * p->bias[c0 + k];
                    int32_t r;
                    for (r = 0; r < kh; r++) {
                        int32_t q;
                        for (q = 0; q < kw; q++) {
                            const int32_t w2 = MCU_DWP_WEIGHT(wb + (size_t)(r * kw + q) * MCU_DWP_WORDS, k);
                            const int32_t xv = r >= r0 && r < r1 && q >= q0 && q < q1
                                                   ? (int32_t)xb[(size_t)(r - r0) * step_h + (size_t)(q - q0) * step_w + (size_t)k]
                                                   : pad;
                            acc += xv * w2;
                        }
                    }
                    yp[k] = mcu_dwp_out(acc, rsb[k * rstep].multiplier, rq_add, rq_right, rq_lo, rq_hi, rq_full);
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
