/**
 * @file mcu_reverse_impl.h
 * @brief The body of mcu_reverse_s8() and mcu_reverse_s16() (Java `dev.mcugen.ir.Reversal`).
 *
 * Private, included once per element type: the including file defines MCU_REVERSE_NAME (the function)
 * and MCU_REVERSE_T (the element type); both are undefined again at the end. No include guard on purpose.
 */
void MCU_REVERSE_NAME(const MCU_REVERSE_T *x, int32_t outer, int32_t n, int32_t inner, MCU_REVERSE_T *y)
{
    int32_t o;
    for (o = 0; o < outer; o++) {
        const MCU_REVERSE_T *xo = x + (size_t)o * (size_t)n * (size_t)inner;
        MCU_REVERSE_T *yo = y + (size_t)o * (size_t)n * (size_t)inner;
        int32_t j;
        for (j = 0; j < n; j++) {
            const MCU_REVERSE_T *src = xo + (size_t)(n - 1 - j) * (size_t)inner;
            MCU_REVERSE_T *dst = yo + (size_t)j * (size_t)inner;
            int32_t i;
            for (i = 0; i < inner; i++) {
                dst[i] = src[i];
            }
        }
    }
}

#undef MCU_REVERSE_NAME
#undef MCU_REVERSE_T
