/**
 * @file mcu_requant_impl.h
 * @brief The body of the mcu_requant_* kernels (Java `FeedForwardKernels.requant`).
 *
 * Private, included once per variant: the including file defines MCU_REQUANT_NAME (the function),
 * MCU_REQUANT_IN_T and MCU_REQUANT_OUT_T (int8_t or int16_t), and for int8 input MCU_REQUANT_LUT (the
 * tensor length from which a 256-entry table is used); all are undefined again at the end.
 * No include guard on purpose.
 */
void MCU_REQUANT_NAME(const mcu_requant_params_t *p, const MCU_REQUANT_IN_T *x, int32_t size, MCU_REQUANT_OUT_T *y)
{
    const int32_t base = p->output_zp + p->offset;
    int32_t i;
#ifdef MCU_REQUANT_LUT
    /* int8 input: y is a function of x alone, so a long tensor maps through a 256-entry table of the
     * same formula (256 bytes of stack, built once per call), bit-exact by construction */
    if (size >= MCU_REQUANT_LUT) {
        MCU_REQUANT_OUT_T lut[256];
        for (i = 0; i < 256; i++) {
            const int32_t v = (i - 128 - p->input_zp) * p->gain;
            lut[i] = (MCU_REQUANT_OUT_T)mcu_nn_add_zp_clamp(mcu_nn_rescale(v, &p->rescale), base, p->lo, p->hi);
        }
        for (i = 0; i < size; i++) {
            y[i] = lut[(int32_t)x[i] + 128];
        }
        return;
    }
#endif
    for (i = 0; i < size; i++) {
        const int32_t v = ((int32_t)x[i] - p->input_zp) * p->gain;
        y[i] = (MCU_REQUANT_OUT_T)mcu_nn_add_zp_clamp(mcu_nn_rescale(v, &p->rescale), base, p->lo, p->hi);
    }
}

#undef MCU_REQUANT_LUT
#undef MCU_REQUANT_NAME
#undef MCU_REQUANT_IN_T
#undef MCU_REQUANT_OUT_T
