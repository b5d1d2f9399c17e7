/**
 * @file mcu_embedding_s16.c
 * @brief mcu_embedding_s16() (see mcu_nn.h; Java `NormKernels.embedding`).
 */
#include <string.h>

#include "mcu_nn.h"

void mcu_embedding_s16(const mcu_embedding_params_t *p, const int32_t *ids, int32_t count, int16_t *y)
{
    const int32_t dim = p->dim;
    int32_t i;
    for (i = 0; i < count; i++) {
        /* QEmbedding: an id outside [0, rows) is clamped, so no id reads outside the table */
        const int32_t id = ids[i] < 0 ? 0 : (ids[i] >= p->rows ? p->rows - 1 : ids[i]);
        memcpy(y + (size_t)i * (size_t)dim, p->table_s16 + (size_t)id * (size_t)dim, sizeof(int16_t) * (size_t)dim);
    }
}
