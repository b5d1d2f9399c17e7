/**
 * @file mcu_conv_out_length.c
 * @brief mcu_conv_out_length() (see mcu_nn.h).
 */
#include "mcu_nn.h"

int32_t mcu_conv_out_length(int32_t n, int32_t kernel, int32_t stride, int32_t dilation, mcu_padding_t padding)
{
    const int32_t span = (kernel - 1) * dilation + 1;
    const int32_t valid = padding == MCU_PADDING_VALID ? n - span + 1 : n;
    return valid <= 0 ? 0 : (valid + stride - 1) / stride;
}
