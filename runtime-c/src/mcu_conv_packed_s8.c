/**
 * @file mcu_conv_packed_s8.c
 * @brief mcu_conv_packed_s8() (int8 in, int8 out, packed weights, the convolution as the packed Dense mcu_fully_connected_s8()) (see mcu_nn.h;
 *        Java `FeedForwardKernels.conv`).
 */
#include <string.h>

#include "mcu_matvec.h"
#include "mcu_nn.h"
#include "mcu_nn_internal.h"
#include "mcu_conv_rows_impl.h"

#define MCU_CONV_PACKED mcu_conv_packed_s8
#define MCU_CONV_FC mcu_fully_connected_s8
#define MCU_CONV_OUT_T int8_t
#define MCU_CONV_ROWS_LINE mcu_conv_rows_line_s8
#define MCU_CONV_ROWS mcu_conv_rows_s8
#if defined(__ARM_NEON) && defined(__aarch64__) && !defined(MCU_MATVEC_PORTABLE) /* MCU_MATVEC_HAVE_NEON */
#include "mcu_conv_neon.h"
#define MCU_CONV_NEON mcu_conv_neon_s8
#endif
#include "mcu_conv_packed_impl.h"
