#include "mcf_internal.h"

void mcf_lstm_f32(const float *x, int32_t steps, int32_t in, int32_t units, const float *w, const float *r,
                  const float *bias, mcf_act_t act, mcf_act_t recurrent_act, int go_backwards, int return_sequences,
                  float *h, float *c, float *gates, float *y)
{
    int32_t t, g, j;
    for (j = 0; j < units; j++) {
        h[j] = 0.0f;
        c[j] = 0.0f;
    }
    for (t = 0; t < steps; t++) {
        const float *xt = x + (go_backwards ? steps - 1 - t : t) * in;
        /* Every gate row reads the previous h, so all 4*units pre-activations come first. */
        for (g = 0; g < 4 * units; g++) {
            float acc = mcf_dot(xt, w + g * in, in) + mcf_dot(h, r + g * units, units);
            gates[g] = bias != 0 ? acc + bias[g] : acc;
        }
        for (j = 0; j < units; j++) {
            float i_g = mcf_act_one(recurrent_act, gates[j]);
            float f_g = mcf_act_one(recurrent_act, gates[units + j]);
            float z_g = mcf_act_one(act, gates[2 * units + j]);
            float o_g = mcf_act_one(recurrent_act, gates[3 * units + j]);
            c[j] = f_g * c[j] + i_g * z_g;
            h[j] = o_g * mcf_act_one(act, c[j]);
        }
        if (return_sequences) {
            for (j = 0; j < units; j++) {
                y[t * units + j] = h[j];
            }
        }
    }
    if (!return_sequences) {
        for (j = 0; j < units; j++) {
            y[j] = h[j];
        }
    }
}
