#include "mcf_internal.h"

void mcf_pool1d_f32(const float *x, int32_t steps, int32_t channels, int32_t size, int32_t stride,
                    int32_t pad_before, int32_t out_steps, int is_max, float *y)
{
    int32_t t, ch, s;
    for (t = 0; t < out_steps; t++) {
        int32_t lo = t * stride - pad_before;
        int32_t hi = lo + size;
        if (lo < 0) {
            lo = 0;
        }
        if (hi > steps) {
            hi = steps;
        }
        for (ch = 0; ch < channels; ch++) {
            float m = x[lo * channels + ch];
            float sum = 0.0f;
            for (s = lo; s < hi; s++) {
                float v = x[s * channels + ch];
                if (v > m) {
                    m = v;
                }
                sum += v;
            }
            y[t * channels + ch] = is_max ? m : sum / (float)(hi - lo);
        }
    }
}
