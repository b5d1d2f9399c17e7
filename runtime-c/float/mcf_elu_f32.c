#include <math.h>
#include "mcf_nn.h"

void mcf_elu_f32(float *v, int32_t n, float alpha)
{
    int32_t i;
    for (i = 0; i < n; i++) {
        if (v[i] < 0.0f) {
            v[i] = alpha * expm1f(v[i]);
        }
    }
}
