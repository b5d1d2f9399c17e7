#include "mcf_internal.h"

void mcf_conv1d_f32(const float *x, int32_t steps, int32_t channels, const float *w, const float *bias,
                    int32_t filters, int32_t kernel, int32_t stride, int32_t dilation, int32_t pad_before,
                    int32_t out_steps, mcf_act_t act, float *y)
{
    int32_t t, f, j;
    for (t = 0; t < out_steps; t++) {
        int32_t start = t * stride - pad_before;
        for (f = 0; f < filters; f++) {
            const float *wf = w + f * kernel * channels;
            float acc = bias != 0 ? bias[f] : 0.0f;
            if (dilation == 1 && start >= 0 && start + kernel <= steps) {
                /* The whole window is inside the input and contiguous: one dot product. */
                acc += mcf_dot(x + start * channels, wf, kernel * channels);
            } else {
                for (j = 0; j < kernel; j++) {
                    int32_t s = start + j * dilation;
                    if (s >= 0 && s < steps) {
                        acc += mcf_dot(x + s * channels, wf + j * channels, channels);
                    }
                }
            }
            y[t * filters + f] = mcf_act_one(act, acc);
        }
    }
}
