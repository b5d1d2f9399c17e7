/**
 * @file mcu_fully_connected_impl.h
 * @brief The body of the mcu_fully_connected_* kernels (Java `FeedForwardKernels.fullyConnected`).
 *
 * Private, included once per variant: the including file defines MCU_FC_NAME (the function),
 * MCU_FC_IN_T (int8_t or int16_t), MCU_FC_OUT_T (int8_t, int16_t, or int32_t for the raw accumulator)
 * and MCU_FC_WIDE: 0 for the int32 accumulator with `bias` (int8 input, acc_shift 0), 1 for the int64
 * accumulator with `bias64` and the rounding `acc_shift` (int16 input); all are undefined again at
 * the end. No include guard on purpose.
 *
 * int8 input with a packed weight layout (mcu_matvec.h) computes 4 units per pass; the dot products
 * are exact integers, so `bias + dot` is the accumulator of the PLAIN loop (whose int32 bound the
 * compiler proves) and the rescale, zero point and clamp are the same per unit.
 */
#if !MCU_FC_WIDE && defined(MCU_MATVEC_TWO_PHASE)
/**
 * The output stage of the packed path, a loop of its own so that its values stay in registers:
 * y[i] = clamp(requant(d2[i] / 2 + bias[i]) + zp) for n units (mcu_matvec_requant_x2; full: the
 * clamp is the output type's whole range, SSAT on DSP).
 */
#if defined(__GNUC__)
__attribute__((noinline)) /* its own registers: inlined, its constants would be spilled */
#endif
static void MCU_FC_OUTPUT_X2(const int32_t *d2, const int32_t *bias, int32_t n, int32_t mult, int32_t half,
                             int32_t right, int32_t zp, int32_t lo, int32_t hi, int32_t full, MCU_FC_OUT_T *y,
                             const mcu_rescale_t *rescale)
{
    int32_t i;
    if (rescale != NULL) {
        /* One rescale per unit (per-channel weights), each the multiplier form with a right shift e >= 1:
         * the requantization of mcu_matvec_requant_x2() (TFLite's MultiplyByQuantizedMultiplier with
         * its rounding divide, ties away from zero), written so that the per-unit shift costs no mask:
         * with h the rounded high half and g = h - (h < 0), rdivpot(h, e) = floor((g + 2^(e-1)) / 2^e)
         * = floor((floor(g / 2^(e-1)) + 1) / 2), and adding the zero point inside the last halving,
         * floor((t + 1 + 2 zp) / 2) = floor((t + 1) / 2) + zp, is exact. */
        const int32_t c = 1 + 2 * zp;
        const int32_t amin = lo + zp;
        const int32_t amax = hi + zp;
#ifdef MCU_MATVEC_HAVE_DSP
        if (full) {
            for (i = 0; i < n; i++) {
                const int32_t h = mcu_matvec_requant_x2_high(d2[i] + 2 * bias[i], rescale[i].multiplier);
                int32_t v = mcu_asr_s32(mcu_asr_s32(h + mcu_asr_s32(h, 31), -rescale[i].shift - 1) + c, 1);
                __asm__("ssat %0, %1, %2" : "=r"(v) : "I"(8 * sizeof(MCU_FC_OUT_T)), "r"(v));
                y[i] = (MCU_FC_OUT_T)v;
            }
            return;
        }
#endif
        for (i = 0; i < n; i++) {
            const int32_t h = mcu_matvec_requant_x2_high(d2[i] + 2 * bias[i], rescale[i].multiplier);
            const int32_t v = mcu_asr_s32(mcu_asr_s32(h + mcu_asr_s32(h, 31), -rescale[i].shift - 1) + c, 1);
            y[i] = (MCU_FC_OUT_T)(v < amin ? amin : (v > amax ? amax : v));
        }
        return;
    }
#ifdef MCU_MATVEC_HAVE_DSP
    if (full) {
        for (i = 0; i < n; i++) {
            int32_t v = mcu_matvec_requant_x2(d2[i] + 2 * bias[i], mult, half, right) + zp; /* |v| < 2^30: no overflow */
            __asm__("ssat %0, %1, %2" : "=r"(v) : "I"(8 * sizeof(MCU_FC_OUT_T)), "r"(v));
            y[i] = (MCU_FC_OUT_T)v;
        }
        return;
    }
#else
    (void)full;
#endif
    for (i = 0; i < n; i++) {
        const int32_t v = mcu_matvec_requant_x2(d2[i] + 2 * bias[i], mult, half, right);
        y[i] = (MCU_FC_OUT_T)((v < lo ? lo : (v > hi ? hi : v)) + zp);
    }
}
#endif

#if !MCU_FC_WIDE && defined(MCU_MATVEC_TWO_PHASE)
#ifndef MCU_FC_GROUP_X2
/* 2 dot of 4 units over the prepared columns [c0, c0 + cn) into out[0..3] (the two-phase path below):
 * DSP_PAIRS from the int16 pairs xh (sum128 = 128 * their sum), ROWS4 from the int32 values xw on
 * Cortex-M3 or from x itself in the portable emulation (columns at and past `in` are padding) */
#ifdef MCU_MATVEC_HAVE_ROWS4
#define MCU_FC_ROWS4_X2(wc, xw, xr, in, c0, cn, acc) mcu_matvec_rows4_block((wc), (xw), (cn), (acc))
#else
#define MCU_FC_ROWS4_X2(wc, xw, xr, in, c0, cn, acc)                                           \
    mcu_matvec_rows4_portable((wc), (xr) + (c0), (in) - (c0) < (cn) ? ((in) > (c0) ? (in) - (c0) : 0) : (cn), (acc))
#endif
#define MCU_FC_GROUP_X2(dsp, wc, xh, xw, xr, in, c0, cn, sum128, out)                           \
    do {                                                                                       \
        if (dsp) {                                                                             \
            uint32_t acc_[4] = {0u, 0u, 0u, 0u};                                               \
            mcu_matvec_dsp_block((wc), (xh), (cn) / 4, acc_);                                  \
            mcu_matvec_dsp_finish_x2(acc_[0], acc_[1], (sum128), &(out)[0], &(out)[1]);        \
            mcu_matvec_dsp_finish_x2(acc_[2], acc_[3], (sum128), &(out)[2], &(out)[3]);        \
        } else {                                                                               \
            int32_t acc_[4] = {0, 0, 0, 0};                                                    \
            MCU_FC_ROWS4_X2((wc), (xw), (xr), (in), (c0), (cn), acc_);                         \
            (out)[0] = 2 * acc_[0];                                                            \
            (out)[1] = 2 * acc_[1];                                                            \
            (out)[2] = 2 * acc_[2];                                                            \
            (out)[3] = 2 * acc_[3];                                                            \
        }                                                                                      \
    } while (0)
#define MCU_FC_CAT2_(a, b) a##b
#define MCU_FC_CAT_(a, b) MCU_FC_CAT2_(a, b)
#endif
#define MCU_FC_CHUNKS_X2 MCU_FC_CAT_(MCU_FC_OUTPUT_X2, _chunks)
/**
 * 2 dot of the n units of one batch (weights wg, its groups of 4 units 4 cols_p bytes apart) for a
 * row wider than the prepared-input buffer: chunk by chunk of MCU_MATVEC_FC_COLUMNS columns, each
 * chunk's dot products exact (as in mcu_matvec_s8_group()) and summed into d2; every partial sum
 * |2 dot| <= 2 * 16256 * cols_p < 2^31 (cols_p <= 65536). Out of line: the common whole-row loop
 * keeps its registers.
 */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void MCU_FC_CHUNKS_X2(mcu_weight_layout_t layout, const int8_t *wg, int32_t n, const int8_t *xr, int32_t in,
                             int32_t cols_p, int16_t *xh, int32_t *xw, int32_t *d2)
{
    const int32_t dsp = layout == MCU_WLAYOUT_DSP_PAIRS;
    int32_t c0;
    (void)xw;
    for (c0 = 0; c0 < cols_p; c0 += MCU_MATVEC_FC_COLUMNS) {
        const int32_t cn = cols_p - c0 < MCU_MATVEC_FC_COLUMNS ? cols_p - c0 : MCU_MATVEC_FC_COLUMNS;
        const int8_t *wc = wg + 4 * c0; /* a group's column c starts at byte 4 c (both layouts) */
        int32_t sum128 = 0;
        int32_t i;
        if (dsp) {
            sum128 = 128 * mcu_matvec_dsp_prepare(xr, in, c0, cn, xh);
        }
#ifdef MCU_MATVEC_HAVE_ROWS4
        else {
            mcu_matvec_rows4_prepare(xr, in, c0, cn, xw);
        }
#endif
        for (i = 0; i < n; i += 4) {
            int32_t e[4];
            MCU_FC_GROUP_X2(dsp, wc, xh, xw, xr, in, c0, cn, sum128, e);
            if (c0 == 0) {
                d2[i] = e[0];
                d2[i + 1] = e[1];
                d2[i + 2] = e[2];
                d2[i + 3] = e[3];
            } else {
                d2[i] += e[0];
                d2[i + 1] += e[1];
                d2[i + 2] += e[2];
                d2[i + 3] += e[3];
            }
            wc += 4 * cols_p;
        }
    }
}
#endif

void MCU_FC_NAME(const mcu_fc_params_t *p, int32_t rows, const MCU_FC_IN_T *x, MCU_FC_OUT_T *y)
{
    const int32_t in = p->input_size;
    const int32_t units = p->units;
    int32_t r;
#if !MCU_FC_WIDE && defined(MCU_MATVEC_HAVE_FC_ROWMAJOR)
    if (p->weight_layout == MCU_WLAYOUT_ROWMAJOR) {
        /* NEON / ARMv6-M: 4 units per pass with a lean output stage (mcu_matvec_neon.h, mcu_matvec_v6m.h) */
        for (r = 0; r < rows; r++) {
            mcu_matvec_fc_rowmajor(p, (const int8_t *)x + (size_t)r * (size_t)in, y + (size_t)r * (size_t)units,
                               sizeof(MCU_FC_OUT_T));
        }
        return;
    }
#endif
#if !MCU_FC_WIDE
#ifndef MCU_FC_BATCH
#define MCU_FC_BATCH 64 /* units per output batch of the packed path (a multiple of 4; 256 bytes of stack) */
#endif
    if (p->weight_layout != MCU_WLAYOUT_PLAIN) {
        /* clamp(v + zp, act_min, act_max) == clamp(v, act_min - zp, act_max - zp) + zp, no overflow:
         * zp, act_min, act_max lie in the output type's range and zp is 0 for int32 outputs */
        const int32_t zp = p->output_zp;
        const int32_t lo = p->act_min - zp;
        const int32_t hi = p->act_max - zp;
        const int32_t rstep = p->rescale_count != 1;
        const int32_t cols_p = mcu_matvec_padded(in);
#ifndef MCU_MATVEC_TWO_PHASE
        (void)cols_p;
        (void)lo;
        (void)hi;
#endif
        MCU_MATVEC_BUFFER(xs, MCU_MATVEC_FC_COLUMNS);
        mcu_matvec_s8_t m;
#ifdef MCU_MATVEC_TWO_PHASE
        /* the two-phase path takes every rescale of the multiplier form with a right shift */
        int32_t two_phase_rescale = 1;
        {
            int32_t o;
            for (o = 0; o < (rstep ? units : 1); o++) {
                two_phase_rescale = two_phase_rescale && p->rescale[o].multiplier != 0 && p->rescale[o].shift < 0;
            }
        }
#endif
        for (r = 0; r < rows; r++) {
            MCU_FC_OUT_T *yr = y + (size_t)r * (size_t)units;
            const int8_t *xr = x + (size_t)r * (size_t)in;
            int32_t g;
#ifdef MCU_MATVEC_TWO_PHASE
            if (p->weight_layout != MCU_WLAYOUT_ROWMAJOR && cols_p <= 65536 && p->acc_small && two_phase_rescale) {
                /* (DSP_PAIRS and ROWS4 only: ROWMAJOR has its own output stage on NEON / ARMv6-M and
                 * takes the group path below elsewhere) */
                /* The common case, in two phases per batch of units so that each loop keeps its
                 * values in registers: the block kernel writes 2 * dot of MCU_FC_BATCH units, then
                 * the output stage (mcu_matvec_requant_x2) runs over them. A row wider than the
                 * prepared-input buffer is summed chunk by chunk (each chunk's dot products exact, as
                 * in mcu_matvec_s8_group(); |2 dot| <= 2 * 16256 * 65536 < 2^31 for every partial sum). */
                const int32_t dsp = p->weight_layout == MCU_WLAYOUT_DSP_PAIRS;
                const int32_t whole = cols_p <= MCU_MATVEC_FC_COLUMNS;
                /* whole rows only (the chunked path prepares its own) */
                const int32_t sum128 = whole && dsp ? 128 * mcu_matvec_dsp_prepare(xr, in, 0, cols_p, xs.h) : 0;
#ifdef MCU_MATVEC_HAVE_ROWS4
                if (whole && !dsp) {
                    mcu_matvec_rows4_prepare(xr, in, 0, cols_p, xs.w);
                }
#endif
                const int32_t mult = p->rescale->multiplier;
                const int32_t right = -p->rescale->shift;
                const int32_t half = (int32_t)1 << (right - 1);
                const int32_t *const bias = p->bias;
                /* the clamp is the output type's range: SSAT on DSP */
                const int32_t full = (int32_t)sizeof(MCU_FC_OUT_T) < 4 && p->act_min == -p->act_max - 1
                                     && p->act_max == (int32_t)((1u << (8u * sizeof(MCU_FC_OUT_T) - 1u)) - 1u);
                const int8_t *wg = p->weights;
                int32_t o0;
                for (o0 = 0; o0 < units; o0 += MCU_FC_BATCH) {
                    int32_t d2[MCU_FC_BATCH];
                    const int32_t n = units - o0 < MCU_FC_BATCH ? units - o0 : MCU_FC_BATCH;
                    int32_t i;
                    if (whole) {
                        /* the row fits the buffer, prepared once above: 2 dot straight into d2 */
                        for (i = 0; i < n; i += 4) {
                            MCU_FC_GROUP_X2(dsp, wg, xs.h, xs.w, xr, in, 0, cols_p, sum128, &d2[i]);
                            wg += 4 * cols_p;
                        }
                    } else {
                        MCU_FC_CHUNKS_X2(p->weight_layout, wg, n, xr, in, cols_p, xs.h, xs.w, d2);
                        wg += (size_t)mcu_matvec_padded(n) * (size_t)cols_p; /* the batch's groups of 4 units */
                    }
                    MCU_FC_OUTPUT_X2(d2, bias + o0, n, mult, half, right, zp, lo, hi, full, yr + o0,
                                     rstep ? p->rescale + o0 : NULL);
                }
                continue;
            }
#endif
            mcu_matvec_s8_begin(&m, p->weight_layout, p->weights, in, xr, xs.h, xs.w, MCU_MATVEC_FC_COLUMNS);
            for (g = 0; 4 * g < units; g++) {
                int32_t dot[4];
                int32_t q;
                const int32_t n = units - 4 * g < 4 ? units - 4 * g : 4;
                mcu_matvec_s8_group(&m, g, dot);
                for (q = 0; q < n; q++) {
                    const int32_t o = 4 * g + q;
                    int32_t v = mcu_matvec_rescale(p->bias[o] + dot[q], p->rescale + rstep * o);
                    v = v < lo ? lo : (v > hi ? hi : v);
                    yr[o] = (MCU_FC_OUT_T)(v + zp);
                }
            }
        }
        return;
    }
#endif
    for (r = 0; r < rows; r++) {
        const MCU_FC_IN_T *xr = x + (size_t)r * (size_t)in;
        MCU_FC_OUT_T *yr = y + (size_t)r * (size_t)units;
        int32_t o;
        for (o = 0; o < units; o++) {
            const int8_t *w = p->weights + o;
            int32_t a;
            int32_t i;
#if MCU_FC_WIDE
            int64_t acc = p->bias64[o];
            for (i = 0; i < in; i++) {
                acc += (int64_t)xr[i] * (int64_t)w[(size_t)i * (size_t)units];
            }
            a = mcu_nn_narrow(acc, p->acc_shift);
#else
            int32_t acc = p->bias[o];
            for (i = 0; i < in; i++) {
                acc += (int32_t)xr[i] * (int32_t)w[(size_t)i * (size_t)units];
            }
            a = acc;
#endif
            yr[o] = (MCU_FC_OUT_T)mcu_nn_add_zp_clamp(mcu_nn_rescale(a, &p->rescale[p->rescale_count == 1 ? 0 : o]),
                                                      p->output_zp, p->act_min, p->act_max);
        }
    }
}

#undef MCU_FC_NAME
#undef MCU_FC_OUTPUT_X2
#undef MCU_FC_CHUNKS_X2
#undef MCU_FC_IN_T
#undef MCU_FC_OUT_T
#undef MCU_FC_WIDE
