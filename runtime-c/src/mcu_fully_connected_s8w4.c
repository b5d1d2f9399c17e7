/**
 * @file mcu_fully_connected_s8w4.c
 * @brief mcu_fully_connected_s8w4() (int8 in, 4-bit packed weights, int8 output; see mcu_nn.h; Java
 *        `FeedForwardKernels.fullyConnected`).
 */
#include "mcu_nn.h"
#include "mcu_nn_internal.h"
#include "mcu_sub8_internal.h"

#define MCU_FC_SUB8_NAME mcu_fully_connected_s8w4
#define MCU_FC_SUB8_BITS 4
#define MCU_FC_SUB8_OUT_T int8_t
#include "mcu_fully_connected_sub8_impl.h"
