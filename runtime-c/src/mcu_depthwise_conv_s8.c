/**
 * @file mcu_depthwise_conv_s8.c
 * @brief mcu_depthwise_conv_s8() (int8 in, int8 out, int32 accumulator) (see mcu_nn.h; Java `DepthwiseKernels.depthwiseConv`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"
#include "mcu_depthwise_conv_x4_impl.h"

#if defined(__ARM_NEON) && defined(__aarch64__) && !defined(MCU_MATVEC_PORTABLE) /* MCU_MATVEC_HAVE_NEON */
#include "mcu_depthwise_conv_neon.h"

/** Multiplier 1 on AArch64: the NEON path where it applies, else the four-channel one. */
static void mcu_depthwise_conv_neon_s8(const mcu_depthwise_conv_params_t *p, const int8_t *x, int8_t *y, int32_t oh,
                                       int32_t ow, int32_t pad_top, int32_t pad_left)
{
    if (!mcu_depthwise_conv_neon_run(p, x, y, oh, ow, pad_top, pad_left)) {
        mcu_depthwise_conv_x4_s8(p, x, y, oh, ow, pad_top, pad_left);
    }
}
#endif

#define MCU_DW_NAME mcu_depthwise_conv_s8
#define MCU_DW_T int8_t
#define MCU_DW_WIDE 0
#define MCU_DW_ACC_T int32_t
#if defined(__ARM_NEON) && defined(__aarch64__) && !defined(MCU_MATVEC_PORTABLE) /* MCU_MATVEC_HAVE_NEON */
#define MCU_DW_X4 mcu_depthwise_conv_neon_s8
#else
#define MCU_DW_X4 mcu_depthwise_conv_x4_s8
#endif
#include "mcu_depthwise_conv_impl.h"
