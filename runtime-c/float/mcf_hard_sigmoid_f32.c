#include "mcf_nn.h"

void mcf_hard_sigmoid_f32(float *v, int32_t n, float alpha, float beta)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        const float y = alpha * v[i] + beta;
        v[i] = y > 1.0f ? 1.0f : (y < 0.0f ? 0.0f : y);
    }
}
