/* Private helpers of the float baseline runtime: the scalar activation and the dot product every
 * matrix-vector loop uses. Static inline so each kernel file stays one public function. */
#ifndef MCF_INTERNAL_H
#define MCF_INTERNAL_H

#include <math.h>
#include "mcf_nn.h"

/* One activation value; matches the float interpreter's Kernels.activate. */
static inline float mcf_act_one(mcf_act_t act, float x)
{
    float y;
    switch (act) {
    case MCF_RELU:
        return x < 0.0f ? 0.0f : x;
    case MCF_RELU6:
        return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
    case MCF_SIGMOID:
        return 1.0f / (1.0f + expf(-x));
    case MCF_HARD_SIGMOID:
        y = 0.2f * x + 0.5f;
        return y > 1.0f ? 1.0f : (y < 0.0f ? 0.0f : y);
    case MCF_TANH:
        return tanhf(x);
    case MCF_ELU:
        return x >= 0.0f ? x : expm1f(x);
    case MCF_SWISH:
        return x * (1.0f / (1.0f + expf(-x)));
    case MCF_HARD_SWISH:
        y = x + 3.0f;
        return x * ((y < 0.0f ? 0.0f : (y > 6.0f ? 6.0f : y)) / 6.0f);
    case MCF_HARD_SIGMOID6:
        y = x + 3.0f;
        return (y < 0.0f ? 0.0f : (y > 6.0f ? 6.0f : y)) / 6.0f;
    case MCF_LEAKY_RELU:
        return x < 0.0f ? 0.2f * x : x;
    case MCF_LINEAR:
    default:
        return x;
    }
}

/* sum_k a[k] * b[k]: one pass over two contiguous rows, two accumulators so that the multiply of the
 * next pair does not wait for the previous add (what a hand-written firmware loop would do). */
static inline float mcf_dot(const float *a, const float *b, int32_t n)
{
    float s0 = 0.0f;
    float s1 = 0.0f;
    int32_t k = 0;
    for (; k + 2 <= n; k += 2) {
        s0 += a[k] * b[k];
        s1 += a[k + 1] * b[k + 1];
    }
    if (k < n) {
        s0 += a[k] * b[k];
    }
    return s0 + s1;
}

#endif
