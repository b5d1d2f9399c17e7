#include "mcf_internal.h"

void mcf_conv2d_f32(const float *x, int32_t in_h, int32_t in_w, int32_t channels, const float *w, const float *bias,
                    int32_t filters, int32_t kernel_h, int32_t kernel_w, int32_t stride_h, int32_t stride_w,
                    int32_t dilation_h, int32_t dilation_w, int32_t pad_top, int32_t pad_left, int32_t out_h,
                    int32_t out_w, mcf_act_t act, float *y)
{
    int32_t oy, ox, f, r, q;
    for (oy = 0; oy < out_h; oy++) {
        const int32_t y0 = oy * stride_h - pad_top;
        for (ox = 0; ox < out_w; ox++) {
            const int32_t x0 = ox * stride_w - pad_left;
            /* A kernel row's taps are adjacent in the input when the window lies inside it horizontally. */
            const int32_t rows_contiguous = dilation_w == 1 && x0 >= 0 && x0 + kernel_w <= in_w;
            for (f = 0; f < filters; f++) {
                const float *wf = w + f * kernel_h * kernel_w * channels;
                float acc = bias != 0 ? bias[f] : 0.0f;
                for (r = 0; r < kernel_h; r++) {
                    const int32_t iy = y0 + r * dilation_h;
                    if (iy < 0 || iy >= in_h) {
                        continue; /* zero padding contributes nothing */
                    }
                    if (rows_contiguous) {
                        acc += mcf_dot(x + (iy * in_w + x0) * channels, wf + r * kernel_w * channels, kernel_w * channels);
                        continue;
                    }
                    for (q = 0; q < kernel_w; q++) {
                        const int32_t ix = x0 + q * dilation_w;
                        if (ix >= 0 && ix < in_w) {
                            acc += mcf_dot(x + (iy * in_w + ix) * channels, wf + (r * kernel_w + q) * channels, channels);
                        }
                    }
                }
                y[(oy * out_w + ox) * filters + f] = mcf_act_one(act, acc);
            }
        }
    }
}
