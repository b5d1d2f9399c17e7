/**
 * @file mcu_fully_connected_sub8_impl.h
 * @brief The body of the mcu_fully_connected_s8w4* and mcu_fully_connected_s8w2* kernels (Java
 *        `FeedForwardKernels.fullyConnected` on the decoded weights).
 *
 * Private, included once per variant: the including file defines MCU_FC_SUB8_NAME (the function),
 * MCU_FC_SUB8_BITS (4 or 2: the weight width the function takes) and MCU_FC_SUB8_OUT_T (int8_t,
 * int16_t or int32_t); all are undefined again at the end. No include guard on purpose.
 *
 * Per unit: acc = bias + the exact dot product of its packed row (mcu_sub8_dot_vec_s8()), the int32
 * accumulator the compiler proved; then y = clamp(output_zp + R(acc), act_min, act_max) with R the
 * unit's rescale (TFLite's MultiplyByQuantizedMultiplier, or a rounding shift), as the int8 kernel.
 */
void MCU_FC_SUB8_NAME(const mcu_fc_sub8_params_t *p, int32_t rows, const int8_t *x, MCU_FC_SUB8_OUT_T *y)
{
    const int32_t in = p->input_size;
    const int32_t units = p->units;
    int32_t r;
    if (p->weights.bits != MCU_FC_SUB8_BITS) {
        return; /* a params record of another width: nothing this kernel can read */
    }
    for (r = 0; r < rows; r++) {
        const int8_t *xr = x + (size_t)r * (size_t)in;
        MCU_FC_SUB8_OUT_T *yr = y + (size_t)r * (size_t)units;
        mcu_sub8_vec_s8_t v; /* the input row's sum, once for all units */
        int32_t o;
        mcu_sub8_vec_s8(&v, xr, in, p->weights.bits);
        for (o = 0; o < units; o++) {
            const int32_t acc = p->bias[o] + mcu_sub8_dot_vec_s8(&p->weights, o, &v);
            yr[o] = (MCU_FC_SUB8_OUT_T)mcu_nn_add_zp_clamp(
                mcu_nn_rescale(acc, &p->rescale[p->rescale_count == 1 ? 0 : o]), p->output_zp, p->act_min, p->act_max);
        }
    }
}

#undef MCU_FC_SUB8_NAME
#undef MCU_FC_SUB8_BITS
#undef MCU_FC_SUB8_OUT_T
