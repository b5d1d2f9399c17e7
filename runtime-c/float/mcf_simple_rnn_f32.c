#include "mcf_internal.h"

void mcf_simple_rnn_f32(const float *x, int32_t steps, int32_t in, int32_t units, const float *w, const float *r,
                        const float *bias, mcf_act_t act, int go_backwards, int return_sequences, float *h,
                        float *tmp, float *y)
{
    int32_t t, j;
    for (j = 0; j < units; j++) {
        h[j] = 0.0f;
    }
    for (t = 0; t < steps; t++) {
        const float *xt = x + (go_backwards ? steps - 1 - t : t) * in;
        for (j = 0; j < units; j++) {
            float acc = mcf_dot(xt, w + j * in, in) + mcf_dot(h, r + j * units, units);
            tmp[j] = mcf_act_one(act, bias != 0 ? acc + bias[j] : acc);
        }
        for (j = 0; j < units; j++) {
            h[j] = tmp[j];
            if (return_sequences) {
                y[t * units + j] = tmp[j];
            }
        }
    }
    if (!return_sequences) {
        for (j = 0; j < units; j++) {
            y[j] = h[j];
        }
    }
}
