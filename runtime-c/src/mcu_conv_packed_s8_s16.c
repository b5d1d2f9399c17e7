/**
 * @file mcu_conv_packed_s8_s16.c
 * @brief mcu_conv_packed_s8_s16() (int8 in, int16 out, packed weights, the convolution as the packed Dense mcu_fully_connected_s8_s16()) (see mcu_nn.h;
 *        Java `FeedForwardKernels.conv`).
 */
#include <string.h>

#include "mcu_matvec.h"
#include "mcu_nn.h"
#include "mcu_nn_internal.h"
#include "mcu_conv_rows_impl.h"

#define MCU_CONV_PACKED mcu_conv_packed_s8_s16
#define MCU_CONV_FC mcu_fully_connected_s8_s16
#define MCU_CONV_OUT_T int16_t
#define MCU_CONV_ROWS_LINE mcu_conv_rows_line_s8_s16
#define MCU_CONV_ROWS mcu_conv_rows_s8_s16
#include "mcu_conv_packed_impl.h"
