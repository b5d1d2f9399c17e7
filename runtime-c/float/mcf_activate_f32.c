#include "mcf_internal.h"

void mcf_activate_f32(float *v, int32_t n, mcf_act_t act)
{
    int32_t i;
    if (act == MCF_LINEAR) {
        return;
    }
    for (i = 0; i < n; i++) {
        v[i] = mcf_act_one(act, v[i]);
    }
}
