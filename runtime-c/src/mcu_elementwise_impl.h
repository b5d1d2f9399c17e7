/**
 * @file mcu_elementwise_impl.h
 * @brief The body of mcu_sum_*, mcu_sub_*, mcu_mul_*, mcu_maximum_*, mcu_minimum_* (Java
 *        `ElementwiseKernels`, the formulas of `QElementwise`).
 *
 * Private, included once per function: the including file defines MCU_ELT_NAME (the function),
 * MCU_ELT_T (the element type of the operands and the output) and MCU_ELT_OP (one of the
 * MCU_ELT_* below); all three are undefined again at the end. No include guard on purpose.
 * Portable scalar C on every target.
 */
#ifndef MCU_ELT_SUM
#define MCU_ELT_SUM 0 /**< sum of the rescaled operands (Add with broadcast, Average) */
#define MCU_ELT_SUB 1 /**< as SUM with the second operand negated */
#define MCU_ELT_MUL 2 /**< product with step rescales */
#define MCU_ELT_MAX 3 /**< maximum on the output scale */
#define MCU_ELT_MIN 4 /**< minimum on the output scale */
#endif

void MCU_ELT_NAME(const mcu_elementwise_params_t *p, const MCU_ELT_T *const *x, int32_t size, MCU_ELT_T *y)
{
    const int32_t channels = p->channels;
    int32_t base;
#if MCU_ELT_OP == MCU_ELT_SUM || MCU_ELT_OP == MCU_ELT_SUB
    const int32_t scale = (int32_t)1 << p->left_shift;
#endif
    for (base = 0; base < size; base += channels) {
        int32_t c;
        for (c = 0; c < channels; c++) {
            const int32_t i = base + c;
            int32_t k;
#if MCU_ELT_OP == MCU_ELT_SUM || MCU_ELT_OP == MCU_ELT_SUB
            /* QElementwise SUM (TFLite ADD/SUB): each operand at the common fine scale, summed in int32
             * (the compiler's bound), one output rescale. */
            int32_t acc = 0;
            for (k = 0; k < p->num_inputs; k++) {
                const int32_t d = (int32_t)x[k][p->input_channelwise[k] ? c : i] - p->input_zp[k];
                const int32_t t = mcu_nn_rescale(d * scale, &p->input_rescale[k]);
#if MCU_ELT_OP == MCU_ELT_SUB
                acc += k == 1 ? -t : t;
#else
                acc += t;
#endif
            }
            y[i] = (MCU_ELT_T)mcu_nn_add_zp_clamp(mcu_nn_rescale(acc, &p->output_rescale), p->output_zp, p->qmin,
                                                  p->qmax);
#elif MCU_ELT_OP == MCU_ELT_MUL
            /* QElementwise MUL: int32 products (the compiler's bound), step rescales from the third
             * operand on, one output rescale. */
            int32_t acc = ((int32_t)x[0][p->input_channelwise[0] ? c : i] - p->input_zp[0])
                          * ((int32_t)x[1][p->input_channelwise[1] ? c : i] - p->input_zp[1]);
            for (k = 2; k < p->num_inputs; k++) {
                const int32_t d = (int32_t)x[k][p->input_channelwise[k] ? c : i] - p->input_zp[k];
                acc = mcu_nn_rescale(acc, &p->step_rescale[k - 2]) * d;
            }
            y[i] = (MCU_ELT_T)mcu_nn_add_zp_clamp(mcu_nn_rescale(acc, &p->output_rescale), p->output_zp, p->qmin,
                                                  p->qmax);
#else
            /* QElementwise MAX / MIN: every operand on the output scale (clamped), then compared. */
            int32_t best = 0;
            for (k = 0; k < p->num_inputs; k++) {
                const int32_t d = (int32_t)x[k][p->input_channelwise[k] ? c : i] - p->input_zp[k];
                const int32_t v = mcu_nn_add_zp_clamp(mcu_nn_rescale(d, &p->input_rescale[k]), p->output_zp, p->qmin,
                                                      p->qmax);
#if MCU_ELT_OP == MCU_ELT_MAX
                if (k == 0 || v > best) {
#else
                if (k == 0 || v < best) {
#endif
                    best = v;
                }
            }
            y[i] = (MCU_ELT_T)best;
#endif
        }
    }
}

#undef MCU_ELT_NAME
#undef MCU_ELT_T
#undef MCU_ELT_OP
