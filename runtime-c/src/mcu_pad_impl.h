/**
 * @file mcu_pad_impl.h
 * @brief The body of mcu_pad_s8() and mcu_pad_s16() (Java `MovementKernels`, `QPad`).
 *
 * Private, included once per element type: the including file defines MCU_PAD_NAME (the function)
 * and MCU_PAD_T (the element type); both are undefined again at the end. No include guard on purpose.
 */
void MCU_PAD_NAME(const mcu_pad_params_t *p, const MCU_PAD_T *x, MCU_PAD_T *y)
{
    const int32_t h = p->in_h;
    const int32_t wd = p->in_w;
    const int32_t c = p->channels;
    const int32_t oh = h + p->pad_top + p->pad_bottom;
    const int32_t ow = wd + p->pad_left + p->pad_right;
    /* EqualScale: copied values keep their integer; ExactZero: added positions hold the zero point. */
    const MCU_PAD_T fill = (MCU_PAD_T)p->pad_value;
    int32_t oy;
    for (oy = 0; oy < oh; oy++) {
        const int32_t iy = oy - p->pad_top;
        MCU_PAD_T *yp = y + (size_t)oy * (size_t)ow * (size_t)c;
        int32_t ox;
        for (ox = 0; ox < ow; ox++) {
            const int32_t ix = ox - p->pad_left;
            int32_t ch;
            if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                const MCU_PAD_T *xp = x + ((size_t)iy * (size_t)wd + (size_t)ix) * (size_t)c;
                for (ch = 0; ch < c; ch++) {
                    yp[ch] = xp[ch];
                }
            } else {
                for (ch = 0; ch < c; ch++) {
                    yp[ch] = fill;
                }
            }
            yp += c;
        }
    }
}

#undef MCU_PAD_NAME
#undef MCU_PAD_T
