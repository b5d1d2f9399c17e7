#include "mcf_internal.h"

void mcf_add_f32(const float *a, const float *b, int32_t n, float *y)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        y[i] = a[i] + b[i];
    }
}
