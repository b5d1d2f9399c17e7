#include "mcf_internal.h"

void mcf_layer_norm_f32(const float *x, int32_t rows, int32_t n, const float *gamma, const float *beta, float epsilon,
                        float *y)
{
    int32_t r, i;
    for (r = 0; r < rows; r++) {
        const float *xr = x + r * n;
        float *yr = y + r * n;
        float mean = 0.0f;
        float var = 0.0f;
        float inv;
        for (i = 0; i < n; i++) {
            mean += xr[i];
        }
        mean /= (float)n;
        for (i = 0; i < n; i++) {
            const float d = xr[i] - mean;
            var += d * d;
        }
        var /= (float)n;
        inv = 1.0f / sqrtf(var + epsilon);
        for (i = 0; i < n; i++) {
            yr[i] = (xr[i] - mean) * inv * gamma[i] + beta[i];
        }
    }
}
