#include "mcf_internal.h"

void mcf_concat_f32(const float *const *x, const int32_t *size, int32_t count, int32_t outer, float *y)
{
    int32_t o, k, i;
    float *dst = y;
    for (o = 0; o < outer; o++) {
        for (k = 0; k < count; k++) {
            const float *src = x[k] + o * size[k];
            for (i = 0; i < size[k]; i++) {
                dst[i] = src[i];
            }
            dst += size[k];
        }
    }
}
