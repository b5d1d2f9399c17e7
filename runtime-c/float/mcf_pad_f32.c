#include "mcf_internal.h"

void mcf_pad_f32(const float *x, int32_t in_h, int32_t in_w, int32_t channels, int32_t top, int32_t bottom,
                 int32_t left, int32_t right, float *y)
{
    const int32_t oh = in_h + top + bottom;
    const int32_t ow = in_w + left + right;
    int32_t oy, ox, c;
    for (oy = 0; oy < oh; oy++) {
        const int32_t iy = oy - top;
        for (ox = 0; ox < ow; ox++) {
            const int32_t ix = ox - left;
            const int inside = iy >= 0 && iy < in_h && ix >= 0 && ix < in_w;
            for (c = 0; c < channels; c++) {
                *y++ = inside ? x[(iy * in_w + ix) * channels + c] : 0.0f;
            }
        }
    }
}
