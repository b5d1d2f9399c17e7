/**
 * @file mcu_layer_norm_s16.c
 * @brief mcu_layer_norm_s16() (see mcu_nn.h; Java `NormKernels.layerNorm`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"
#include "mcu_norm_internal.h"

#define MCU_LN_NAME mcu_layer_norm_s16
#define MCU_LN_T int16_t
#include "mcu_layer_norm_impl.h"
