/**
 * @file mcu_mean_tfl_steps_s8.c
 * @brief mcu_mean_tfl_steps_s8() (see mcu_tfl.h; Java `TflKernels.meanSteps`, `QTflMeanSteps`).
 */
#include "mcu_tfl.h"

void mcu_mean_tfl_steps_s8(const mcu_mean_tfl_steps_params_t *p, const int8_t *x, int8_t *y)
{
    const int32_t c = p->channels;
    const int32_t n = p->in_h * p->in_w;
    int32_t ch;
    for (ch = 0; ch < c; ch++) {
        int32_t sum = 0;
        int32_t lo = 0;
        int32_t hi = 255;
        int32_t i;
        for (i = 0; i < n; i++) {
            sum += (int32_t)x[i * c + ch];
        }
        /* the number of steps at or below the sum: TFLite's float32 mean of this sum, as the compiler
         * evaluated it for every output value */
        while (lo < hi) {
            const int32_t mid = (lo + hi) / 2;
            if (p->steps[mid] <= sum) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        y[ch] = (int8_t)(lo - 128);
    }
}
