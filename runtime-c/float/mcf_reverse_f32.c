#include "mcf_internal.h"

void mcf_reverse_f32(const float *x, int32_t outer, int32_t n, int32_t inner, float *y)
{
    int32_t o, j, i;
    for (o = 0; o < outer; o++) {
        for (j = 0; j < n; j++) {
            const float *src = x + (o * n + (n - 1 - j)) * inner;
            float *dst = y + (o * n + j) * inner;
            for (i = 0; i < inner; i++) {
                dst[i] = src[i];
            }
        }
    }
}
