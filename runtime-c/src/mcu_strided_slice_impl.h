/**
 * @file mcu_strided_slice_impl.h
 * @brief The body of mcu_strided_slice_s8() and mcu_strided_slice_s16() (Java `TflKernels.stridedSlice`,
 *        `QStridedSlice`).
 *
 * Private, included once per element type: the including file defines MCU_SLICE_NAME (the function)
 * and MCU_SLICE_T (the element type); both are undefined again at the end. No include guard on purpose.
 */
void MCU_SLICE_NAME(const mcu_strided_slice_params_t *p, const MCU_SLICE_T *x, MCU_SLICE_T *y)
{
    const size_t s3 = 1;
    const size_t s2 = (size_t)p->in_dims[3];
    const size_t s1 = s2 * (size_t)p->in_dims[2];
    const size_t s0 = s1 * (size_t)p->in_dims[1];
    size_t k = 0;
    int32_t i0;
    for (i0 = 0; i0 < p->out_dims[0]; i0++) {
        const size_t o0 = (size_t)(p->begin[0] + i0 * p->stride[0]) * s0;
        int32_t i1;
        for (i1 = 0; i1 < p->out_dims[1]; i1++) {
            const size_t o1 = o0 + (size_t)(p->begin[1] + i1 * p->stride[1]) * s1;
            int32_t i2;
            for (i2 = 0; i2 < p->out_dims[2]; i2++) {
                const size_t o2 = o1 + (size_t)(p->begin[2] + i2 * p->stride[2]) * s2;
                int32_t i3;
                for (i3 = 0; i3 < p->out_dims[3]; i3++) {
                    y[k++] = x[o2 + (size_t)(p->begin[3] + i3 * p->stride[3]) * s3];
                }
            }
        }
    }
}

#undef MCU_SLICE_NAME
#undef MCU_SLICE_T
