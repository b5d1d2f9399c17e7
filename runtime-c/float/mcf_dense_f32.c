#include "mcf_internal.h"

void mcf_dense_f32(const float *x, int32_t rows, int32_t in, const float *w, const float *bias, int32_t units,
                   mcf_act_t act, float *y)
{
    int32_t row, o;
    for (row = 0; row < rows; row++) {
        const float *xr = x + row * in;
        float *yr = y + row * units;
        for (o = 0; o < units; o++) {
            float acc = mcf_dot(xr, w + o * in, in);
            if (bias != 0) {
                acc += bias[o];
            }
            yr[o] = mcf_act_one(act, acc);
        }
    }
}
