#include "mcf_internal.h"

void mcf_transpose_conv_f32(const float *x, int32_t in_h, int32_t in_w, int32_t channels, const float *w,
                            const float *bias, int32_t filters, int32_t kh, int32_t kw, int32_t stride_h,
                            int32_t stride_w, int32_t pad_top, int32_t pad_left, int32_t out_h, int32_t out_w,
                            mcf_act_t act, float *y)
{
    int32_t oy, ox, f, r, q, c;
    for (oy = 0; oy < out_h; oy++) {
        for (ox = 0; ox < out_w; ox++) {
            for (f = 0; f < filters; f++) {
                float acc = 0.0f;
                for (r = 0; r < kh; r++) {
                    const int32_t ty = oy + pad_top - r;
                    if (ty < 0 || ty % stride_h != 0 || ty / stride_h >= in_h) {
                        continue;
                    }
                    for (q = 0; q < kw; q++) {
                        const int32_t tx = ox + pad_left - q;
                        const float *xp;
                        const float *wp;
                        if (tx < 0 || tx % stride_w != 0 || tx / stride_w >= in_w) {
                            continue;
                        }
                        xp = x + ((ty / stride_h) * in_w + tx / stride_w) * channels;
                        wp = w + ((r * kw + q) * filters + f) * channels;
                        for (c = 0; c < channels; c++) {
                            acc += xp[c] * wp[c];
                        }
                    }
                }
                if (bias != 0) {
                    acc += bias[f];
                }
                *y++ = mcf_act_one(act, acc);
            }
        }
    }
}
