#include "mcf_internal.h"

void mcf_softmax_f32(float *v, int32_t rows, int32_t len)
{
    int32_t r, i;
    for (r = 0; r < rows; r++) {
        float *row = v + r * len;
        float max = row[0];
        float sum = 0.0f;
        for (i = 1; i < len; i++) {
            if (row[i] > max) {
                max = row[i];
            }
        }
        for (i = 0; i < len; i++) {
            row[i] = expf(row[i] - max);
            sum += row[i];
        }
        for (i = 0; i < len; i++) {
            row[i] = row[i] / sum;
        }
    }
}
