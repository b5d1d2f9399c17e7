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
    if (p->weight_layout != MCU_WLAYOUT_PLAIN) {
        /* clamp(v + zp, act_min, act_max) == clamp(v, act_min - zp, act_max - zp) + zp, no overflow:
         * zp, act_min, act_max lie in the output type's range and zp is 0 for int32 outputs */
        const int32_t zp = p->output_zp;
        const int32_t lo = p->act_min - zp;
        const int32_t hi = p->act_max - zp;
        const int32_t per_channel = p->rescale_count != 1;
        MCU_MATVEC_BUFFER(xs, MCU_MATVEC_CHUNK);
        mcu_matvec_s8_t m;
        for (r = 0; r < rows; r++) {
            MCU_FC_OUT_T *yr = y + (size_t)r * (size_t)units;
            int32_t g;
            mcu_matvec_s8_begin(&m, p->weight_layout, p->weights, in, x + (size_t)r * (size_t)in, xs.h, MCU_MATVEC_CHUNK);
            for (g = 0; 4 * g < units; g++) {
                int32_t dot[4];
                int32_t q;
                const int32_t n = units - 4 * g < 4 ? units - 4 * g : 4;
                mcu_matvec_s8_group(&m, g, dot);
                for (q = 0; q < n; q++) {
                    const int32_t o = 4 * g + q;
                    int32_t v = mcu_matvec_rescale(p->bias[o] + dot[q], per_channel ? &p->rescale[o] : p->rescale);
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
#undef MCU_FC_IN_T
#undef MCU_FC_OUT_T
#undef MCU_FC_WIDE
