/**
 * @file mcu_upsample_impl.h
 * @brief The body of mcu_upsample_nearest_s8() and mcu_upsample_nearest_s16() (Java `MovementKernels`, `QUpsample`).
 *
 * Private, included once per element type: the including file defines MCU_UPSAMPLE_NAME and
 * MCU_UPSAMPLE_T; both are undefined again at the end. No include guard on purpose.
 */
void MCU_UPSAMPLE_NAME(const mcu_upsample_params_t *p, const MCU_UPSAMPLE_T *x, MCU_UPSAMPLE_T *y)
{
    const int32_t wd = p->in_w;
    const int32_t c = p->channels;
    const int32_t oh = p->in_h * p->factor_h;
    const int32_t ow = wd * p->factor_w;
    int32_t oy;
    /* EqualScale: every output is a copy of one input integer. */
    for (oy = 0; oy < oh; oy++) {
        const MCU_UPSAMPLE_T *row = x + (size_t)(oy / p->factor_h) * (size_t)wd * (size_t)c;
        int32_t ox;
        for (ox = 0; ox < ow; ox++) {
            const MCU_UPSAMPLE_T *xp = row + (size_t)(ox / p->factor_w) * (size_t)c;
            int32_t ch;
            for (ch = 0; ch < c; ch++) {
                *y++ = xp[ch];
            }
        }
    }
}

#undef MCU_UPSAMPLE_NAME
#undef MCU_UPSAMPLE_T
