#include "mcf_internal.h"

void mcf_transpose_f32(const float *x, int32_t rank, const int32_t *in_dims, const int32_t *perm, float *y)
{
    int32_t in_stride[4] = {0, 0, 0, 0};
    int32_t dims[4] = {1, 1, 1, 1};
    int32_t stride[4] = {0, 0, 0, 0};
    int32_t s = 1;
    int32_t d, i0, i1, i2, i3;
    for (d = rank - 1; d >= 0; d--) {
        in_stride[d] = s;
        s *= in_dims[d];
    }
    for (d = 0; d < rank; d++) {
        dims[4 - rank + d] = in_dims[perm[d]];
        stride[4 - rank + d] = in_stride[perm[d]];
    }
    for (i0 = 0; i0 < dims[0]; i0++) {
        for (i1 = 0; i1 < dims[1]; i1++) {
            for (i2 = 0; i2 < dims[2]; i2++) {
                for (i3 = 0; i3 < dims[3]; i3++) {
                    *y++ = x[i0 * stride[0] + i1 * stride[1] + i2 * stride[2] + i3 * stride[3]];
                }
            }
        }
    }
}
