/**
 * @file mcu_transpose_impl.h
 * @brief The body of mcu_transpose_s8() and mcu_transpose_s16() (Java `MovementKernels`, `QTranspose`).
 *
 * Private, included once per element type: the including file defines MCU_TRANSPOSE_NAME and
 * MCU_TRANSPOSE_T; both are undefined again at the end. No include guard on purpose.
 */
void MCU_TRANSPOSE_NAME(const mcu_transpose_params_t *p, const MCU_TRANSPOSE_T *x, MCU_TRANSPOSE_T *y)
{
    /* Pad to rank 4 with leading unit axes, then walk the output in row-major order. */
    size_t in_stride[4] = {0, 0, 0, 0};
    size_t stride[4];
    int32_t out_dims[4];
    const int32_t lead = 4 - p->rank;
    size_t s = 1;
    int32_t d;
    int32_t i0;
    for (d = p->rank - 1; d >= 0; d--) {
        in_stride[d] = s;
        s *= (size_t)p->in_dims[d];
    }
    for (d = 0; d < 4; d++) {
        if (d < lead) {
            out_dims[d] = 1;
            stride[d] = 0;
        } else {
            const int32_t a = p->perm[d - lead];
            out_dims[d] = p->in_dims[a];
            stride[d] = in_stride[a];
        }
    }
    /* EqualScale: a transpose only moves integers. */
    for (i0 = 0; i0 < out_dims[0]; i0++) {
        int32_t i1;
        for (i1 = 0; i1 < out_dims[1]; i1++) {
            int32_t i2;
            for (i2 = 0; i2 < out_dims[2]; i2++) {
                const MCU_TRANSPOSE_T *xp = x + (size_t)i0 * stride[0] + (size_t)i1 * stride[1] + (size_t)i2 * stride[2];
                int32_t i3;
                for (i3 = 0; i3 < out_dims[3]; i3++) {
                    *y++ = xp[(size_t)i3 * stride[3]];
                }
            }
        }
    }
}

#undef MCU_TRANSPOSE_NAME
#undef MCU_TRANSPOSE_T
