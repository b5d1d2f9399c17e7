#include "mcf_internal.h"

void mcf_upsample_f32(const float *x, int32_t in_h, int32_t in_w, int32_t channels, int32_t factor_h,
                      int32_t factor_w, float *y)
{
    const int32_t oh = in_h * factor_h;
    const int32_t ow = in_w * factor_w;
    int32_t oy, ox, c;
    for (oy = 0; oy < oh; oy++) {
        for (ox = 0; ox < ow; ox++) {
            const float *xp = x + ((oy / factor_h) * in_w + ox / factor_w) * channels;
            for (c = 0; c < channels; c++) {
                *y++ = xp[c];
            }
        }
    }
}
