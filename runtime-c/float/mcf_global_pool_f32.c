#include "mcf_internal.h"

void mcf_global_pool_f32(const float *x, int32_t positions, int32_t channels, int is_max, float *y)
{
    int32_t p, ch;
    for (ch = 0; ch < channels; ch++) {
        y[ch] = is_max ? x[ch] : 0.0f;
    }
    for (p = 0; p < positions; p++) {
        const float *row = x + p * channels;
        for (ch = 0; ch < channels; ch++) {
            if (is_max) {
                if (row[ch] > y[ch]) {
                    y[ch] = row[ch];
                }
            } else {
                y[ch] += row[ch];
            }
        }
    }
    if (!is_max) {
        float inv = 1.0f / (float)positions;
        for (ch = 0; ch < channels; ch++) {
            y[ch] *= inv;
        }
    }
}
