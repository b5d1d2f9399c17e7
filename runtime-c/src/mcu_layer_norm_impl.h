/**
 * @file mcu_layer_norm_impl.h
 * @brief The body of mcu_layer_norm_s8() and mcu_layer_norm_s16() (Java `NormKernels.layerNorm`).
 *
 * Private, included once per variant: the including file defines MCU_LN_NAME (the function) and
 * MCU_LN_T (int8_t or int16_t); both are undefined again at the end. No include guard on purpose.
 * Portable scalar code, the same on every target.
 */
void MCU_LN_NAME(const mcu_layer_norm_params_t *p, int32_t rows, const MCU_LN_T *x, MCU_LN_T *y)
{
    const int32_t n = p->row;
    int32_t r;
    for (r = 0; r < rows; r++) {
        const MCU_LN_T *xr = x + (size_t)r * (size_t)n;
        MCU_LN_T *yr = y + (size_t)r * (size_t)n;
        int64_t s = 0;
        int64_t q = 0;
        int64_t d;
        int32_t multiplier = 0;
        int32_t shift = 0;
        int32_t i;
        for (i = 0; i < n; i++) {
            s += xr[i];
            q += (int32_t)xr[i] * (int32_t)xr[i];
        }
        /* D = n^2 (var_q + eps / s_x^2), exact: n Q - S^2 <= 2^60 for n <= 2^14, epsilon_term <= 2^61 */
        d = (int64_t)n * q - s * s + p->epsilon_term;
        if (d != 0) {
            /* InverseSqrt: 2^f / sqrt(D), f = norm_frac_bits */
            mcu_norm_inv_sqrt(d, p->norm_frac_bits, &multiplier, &shift);
        }
        for (i = 0; i < n; i++) {
            int32_t norm = 0;
            int32_t v;
            if (d != 0) {
                /* |n q - S| <= n 2^16 <= 2^30: exact in int32; the normalized value in Q(15-f).f */
                norm = mcu_sat_s16(mcu_requant_s32((int32_t)((int64_t)n * xr[i] - s), multiplier, shift));
            }
            /* exact int32: |norm gamma| <= 2^15 32767, |bias| <= 2^30 */
            v = norm * (int32_t)p->gamma[i] + p->bias[i];
            yr[i] = (MCU_LN_T)mcu_nn_add_zp_clamp(mcu_nn_rescale(v, &p->rescale), p->output_zp, p->lo, p->hi);
        }
    }
}

#undef MCU_LN_NAME
#undef MCU_LN_T
