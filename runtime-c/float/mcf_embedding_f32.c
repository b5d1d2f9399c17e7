#include <string.h>

#include "mcf_internal.h"

void mcf_embedding_f32(const float *ids, int32_t count, const float *table, int32_t rows, int32_t dim, float *y)
{
    int32_t i;
    for (i = 0; i < count; i++) {
        int32_t id = ids[i] < 0.0f ? 0 : (ids[i] >= (float)rows ? rows - 1 : (int32_t)ids[i]);
        memcpy(y + i * dim, table + id * dim, sizeof(float) * (size_t)dim);
    }
}
