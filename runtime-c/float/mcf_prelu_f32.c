#include "mcf_nn.h"

void mcf_prelu_f32(float *v, int32_t n, const float *alpha, int32_t alpha_count)
{
    int32_t i;
    int32_t c = 0;
    for (i = 0; i < n; i++) {
        if (v[i] < 0.0f) {
            v[i] = alpha[c] * v[i];
        }
        c = c + 1 == alpha_count ? 0 : c + 1;
    }
}
