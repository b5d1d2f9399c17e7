#include "mcf_internal.h"

void mcf_pool2d_f32(const float *x, int32_t in_h, int32_t in_w, int32_t channels, int32_t size_h, int32_t size_w,
                    int32_t stride_h, int32_t stride_w, int32_t pad_top, int32_t pad_left, int32_t out_h,
                    int32_t out_w, int is_max, float *y)
{
    int32_t oy, ox, ch, r, q;
    for (oy = 0; oy < out_h; oy++) {
        int32_t r0 = oy * stride_h - pad_top;
        int32_t r1 = r0 + size_h;
        if (r0 < 0) {
            r0 = 0;
        }
        if (r1 > in_h) {
            r1 = in_h;
        }
        for (ox = 0; ox < out_w; ox++) {
            int32_t q0 = ox * stride_w - pad_left;
            int32_t q1 = q0 + size_w;
            if (q0 < 0) {
                q0 = 0;
            }
            if (q1 > in_w) {
                q1 = in_w;
            }
            for (ch = 0; ch < channels; ch++) {
                float m = x[(r0 * in_w + q0) * channels + ch];
                float sum = 0.0f;
                for (r = r0; r < r1; r++) {
                    for (q = q0; q < q1; q++) {
                        float v = x[(r * in_w + q) * channels + ch];
                        if (v > m) {
                            m = v;
                        }
                        sum += v;
                    }
                }
                y[(oy * out_w + ox) * channels + ch] = is_max ? m : sum / (float)((r1 - r0) * (q1 - q0));
            }
        }
    }
}
