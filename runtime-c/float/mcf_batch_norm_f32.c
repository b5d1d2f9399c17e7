#include "mcf_internal.h"

void mcf_batch_norm_f32(const float *x, int32_t rows, int32_t channels, const float *scale, const float *shift,
                        float *y)
{
    int32_t i, c;
    for (i = 0; i < rows; i++) {
        for (c = 0; c < channels; c++) {
            y[i * channels + c] = x[i * channels + c] * scale[c] + shift[c];
        }
    }
}
