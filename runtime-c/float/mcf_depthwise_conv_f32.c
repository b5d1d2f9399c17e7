#include "mcf_internal.h"

void mcf_depthwise_conv_f32(const float *x, int32_t in_h, int32_t in_w, int32_t channels, int32_t multiplier,
                            const float *w, const float *bias, int32_t kernel_h, int32_t kernel_w, int32_t stride_h,
                            int32_t stride_w, int32_t dilation_h, int32_t dilation_w, int32_t pad_top,
                            int32_t pad_left, int32_t out_h, int32_t out_w, mcf_act_t act, float *y)
{
    const int32_t oc = channels * multiplier;
    int32_t oy, ox, o, r, q;
    for (oy = 0; oy < out_h; oy++) {
        for (ox = 0; ox < out_w; ox++) {
            float *yp = y + (oy * out_w + ox) * oc;
            for (o = 0; o < oc; o++) {
                const int32_t c = o / multiplier;
                float acc = bias != 0 ? bias[o] : 0.0f;
                for (r = 0; r < kernel_h; r++) {
                    const int32_t iy = oy * stride_h - pad_top + r * dilation_h;
                    if (iy < 0 || iy >= in_h) {
                        continue;
                    }
                    for (q = 0; q < kernel_w; q++) {
                        const int32_t ix = ox * stride_w - pad_left + q * dilation_w;
                        if (ix >= 0 && ix < in_w) {
                            acc += x[(iy * in_w + ix) * channels + c] * w[(r * kernel_w + q) * oc + o];
                        }
                    }
                }
                yp[o] = mcf_act_one(act, acc);
            }
        }
    }
}
