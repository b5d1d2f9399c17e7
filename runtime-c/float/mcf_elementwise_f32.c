#include "mcf_internal.h"

void mcf_elementwise_f32(const float *x, int32_t size, int32_t channels, const float *c, mcf_elt_t op,
                         int constant_first, float *y)
{
    int32_t i;
    for (i = 0; i < size; i++) {
        const float a = constant_first ? c[i % channels] : x[i];
        const float b = constant_first ? x[i] : c[i % channels];
        float v;
        switch (op) {
        case MCF_ELT_ADD:
            v = a + b;
            break;
        case MCF_ELT_SUB:
            v = a - b;
            break;
        case MCF_ELT_MUL:
            v = a * b;
            break;
        case MCF_ELT_AVERAGE:
            v = (a + b) / 2.0f;
            break;
        case MCF_ELT_MAXIMUM:
            v = a > b ? a : b;
            break;
        default:
            v = a < b ? a : b;
            break;
        }
        y[i] = v;
    }
}
