/**
 * @file mcu_activation.h
 * @brief Integer sigmoid and tanh on int16, bit-exact with the Java reference
 *        (`dev.mcugen.ir.fixed.LutActivation` and `PolyActivation`; see docs/activations.md).
 *
 * Formats, for every function here:
 * - input `x`: int16 in Q m.(15-m), real value x / 2^(15-m), with `integer_bits` = m in [0, 7]
 *   (m = 3, Q3.12, for gate pre-activations; the cell state's own power-of-two format for tanh(c));
 * - output: int16 in Q0.15, real value y / 32768.
 *
 * Two schemes (`--activation lut|poly`), both pure integer:
 * - `lut`: the 256-entry table mcu_sigmoid_table_u16 with linear interpolation (TFLM / CMSIS-NN
 *   int16 scheme); sigmoid in [1, 32767], exactly symmetric; tanh in [-32767, 32767], exactly odd.
 * - `poly`: table-free gemmlowp int32 fixed-point logistic / tanh (at most 17-18 32x32->64
 *   multiplies per call); sigmoid in [0, 32767], tanh in [-32768, 32767].
 * Each is within 2^-11 of the true function for every int16 input and every m.
 */
#ifndef MCU_ACTIVATION_H
#define MCU_ACTIVATION_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Integer bits of the gate pre-activation format Q3.12. */
#define MCU_GATE_INTEGER_BITS 3
/** Largest supported `integer_bits`. */
#define MCU_MAX_INTEGER_BITS 7
/** Entries in mcu_sigmoid_table_u16 (255 intervals and their end point). */
#define MCU_SIGMOID_TABLE_SIZE 256

/**
 * sigmoid(i / 24) for i = 0 .. 255 in unsigned Q0.16 (32768 .. 65535, non-decreasing); shared by
 * the `lut` sigmoid and tanh (tanh(x) = 2 sigmoid(2x) - 1). Identical to CMSIS-NN's
 * `sigmoid_table_uint16`. Defined in mcu_activation_tables.c.
 */
extern const uint16_t mcu_sigmoid_table_u16[MCU_SIGMOID_TABLE_SIZE];

/**
 * @brief Sigmoid by table lookup with linear interpolation.
 * @param x input in Q m.(15-m), any int16 value
 * @param integer_bits m, 0 <= m <= 7
 * @return sigmoid(x / 2^(15-m)) in Q0.15, in [1, 32767]
 */
int16_t mcu_sigmoid_lut_s16(int16_t x, int32_t integer_bits);

/**
 * @brief Tanh by table lookup with linear interpolation.
 * @param x input in Q m.(15-m), any int16 value
 * @param integer_bits m, 0 <= m <= 7
 * @return tanh(x / 2^(15-m)) in Q0.15, in [-32767, 32767]
 */
int16_t mcu_tanh_lut_s16(int16_t x, int32_t integer_bits);

/**
 * @brief Table-free sigmoid (gemmlowp int32 `logistic`, narrowed by rounding to Q0.15).
 * @param x input in Q m.(15-m), any int16 value
 * @param integer_bits m, 0 <= m <= 7
 * @return sigmoid(x / 2^(15-m)) in Q0.15, in [0, 32767]; 16384 at 0
 */
int16_t mcu_sigmoid_poly_s16(int16_t x, int32_t integer_bits);

/**
 * @brief Table-free tanh (gemmlowp int32 `tanh`, narrowed by rounding to Q0.15).
 * @param x input in Q m.(15-m), any int16 value
 * @param integer_bits m, 0 <= m <= 7
 * @return tanh(x / 2^(15-m)) in Q0.15, in [-32768, 32767]; 0 at 0
 */
int16_t mcu_tanh_poly_s16(int16_t x, int32_t integer_bits);

#ifdef __cplusplus
}
#endif

#endif /* MCU_ACTIVATION_H */
