#include "mcf_internal.h"

void mcf_gru_f32(const float *x, int32_t steps, int32_t in, int32_t units, const float *w, const float *r,
                 const float *bias, const float *bias_rec, int reset_after, mcf_act_t act, mcf_act_t recurrent_act,
                 int go_backwards, int return_sequences, float *h, float *gates, float *tmp, float *y)
{
    int32_t t, g, j;
    for (j = 0; j < units; j++) {
        h[j] = 0.0f;
    }
    for (t = 0; t < steps; t++) {
        const float *xt = x + (go_backwards ? steps - 1 - t : t) * in;
        /* x W + b for all three gates. */
        for (g = 0; g < 3 * units; g++) {
            float acc = mcf_dot(xt, w + g * in, in);
            gates[g] = bias != 0 ? acc + bias[g] : acc;
        }
        /* z and r see h R (+ the recurrent bias under reset_after). */
        for (g = 0; g < 2 * units; g++) {
            float rec = mcf_dot(h, r + g * units, units);
            if (bias_rec != 0) {
                rec += bias_rec[g];
            }
            gates[g] = mcf_act_one(recurrent_act, gates[g] + rec);
        }
        if (reset_after) {
            for (j = 0; j < units; j++) {
                float rec = mcf_dot(h, r + (2 * units + j) * units, units);
                if (bias_rec != 0) {
                    rec += bias_rec[2 * units + j];
                }
                tmp[j] = gates[2 * units + j] + gates[units + j] * rec;
            }
        } else {
            /* (r*h) R_h needs the whole r*h first (tmp holds it, then the candidate pre-activations). */
            float *rh = gates + units; /* r is dead once r*h is formed: reuse its slot */
            for (j = 0; j < units; j++) {
                rh[j] = rh[j] * h[j];
            }
            for (j = 0; j < units; j++) {
                tmp[j] = gates[2 * units + j] + mcf_dot(rh, r + (2 * units + j) * units, units);
            }
        }
        for (j = 0; j < units; j++) {
            float z = gates[j];
            float hh = mcf_act_one(act, tmp[j]);
            h[j] = z * h[j] + (1.0f - z) * hh;
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
