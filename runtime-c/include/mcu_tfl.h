/**
 * @file mcu_tfl.h
 * @brief Integer kernels with TensorFlow Lite's own arithmetic for what only quantized `.tflite` files
 *        bring: the 16x8 convolution and depthwise convolution (int16 activations, int8 weights,
 *        int64 bias and accumulator), the strided slice, the spatial mean and TFLite's integer LSTM.
 *        Bit-exact with the Java simulator (`dev.mcugen.ir.quant.TflKernels`,
 *        `dev.mcugen.ir.sim.LstmTflCell`; each kernel's comment names the Java record whose Javadoc
 *        states the formula).
 *
 * Conventions as mcu_nn.h: row-major tensors without a batch dimension, feature maps `[H, W, C]`,
 * caller-owned buffers that must not overlap, no allocation, no float, C99. Parameters come from the
 * `.tflite` file (scales, zero points, per-channel multipliers), turned into integers at compile time
 * exactly as TFLite does when it prepares the op.
 */
#ifndef MCU_TFL_H
#define MCU_TFL_H

#include <stdint.h>

#include "mcu_nn.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * TFLite's requantization of an int64 accumulator (Java `TflKernels.requant64`): the Q0.31
 * `multiplier` (in [2^30, 2^31), or 0) is reduced to 16 bits,
 * `m16 = multiplier < 0x7FFF0000 ? (multiplier + 2^15) >> 16 : 0x7FFF`, and applied with one rounding
 * shift: `floor((x * m16 + 2^(14 - shift)) / 2^(15 - shift))` (to nearest, ties toward +infinity).
 * `shift` in [-31, 7]; `|x| < 2^47`; the result must fit int32 (the caller's bound).
 */
int32_t mcu_requant_tfl_s64(int64_t x, int32_t multiplier, int32_t shift);

/**
 * TFLite's 16x8 convolution (Java `QConv16x8`), NHWC, input `[in_h, in_w, channels]` int16 with zero
 * point 0, kernel `[kernel_h, kernel_w, channels, filters]` int8, output `[out_h, out_w, filters]`
 * (out_h, out_w from mcu_conv_out_length()). Taps outside the input are skipped (TFLite's zero padding):
 * `acc_f = bias_f + sum x(oy*stride_h - pad_top + r*dilation_h, ox*stride_w - pad_left + q*dilation_w, c) * w[r][q][c][f]`
 * in int64, `y_f = clamp(output_zp + mcu_requant_tfl_s64(acc_f, m_f, e_f), act_min, act_max)`.
 */
typedef struct {
    int32_t in_h;                 /**< input height, >= 1 */
    int32_t in_w;                 /**< input width, >= 1 */
    int32_t channels;             /**< input channels C */
    int32_t filters;              /**< output channels F */
    int32_t kernel_h;             /**< >= 1 */
    int32_t kernel_w;             /**< >= 1 */
    int32_t stride_h;             /**< >= 1 */
    int32_t stride_w;             /**< >= 1 */
    int32_t dilation_h;           /**< >= 1 */
    int32_t dilation_w;           /**< >= 1 */
    mcu_padding_t padding;        /**< VALID or SAME */
    const int8_t *weights;        /**< int8 [kernel_h, kernel_w, channels, filters] */
    const int64_t *bias;          /**< int64 [filters], the file's bias */
    const mcu_rescale_t *rescale; /**< rescale_count multiplier-form entries: multiplier in [2^30, 2^31) or 0, shift in [-31, 7] */
    int32_t rescale_count;        /**< 1 or filters */
    int32_t output_zp;            /**< output zero point (0 for int16) */
    int32_t act_min;              /**< clamp low, within int16 */
    int32_t act_max;              /**< clamp high, within int16 */
} mcu_conv_tfl_params_t;

/** @brief TFLite 16x8 convolution. x int16 [in_h, in_w, channels], y int16 [out_h, out_w, filters]. */
void mcu_conv_tfl_s16(const mcu_conv_tfl_params_t *p, const int16_t *x, int16_t *y);

/**
 * TFLite's 16x8 depthwise convolution (Java `QDepthwise16x8`), NHWC, input `[in_h, in_w, channels]` int16
 * with zero point 0, kernel `[kernel_h, kernel_w, channels, multiplier]` int8, output
 * `[out_h, out_w, channels * multiplier]` with output channel `o = c * multiplier + j` (out_h, out_w from
 * mcu_conv_out_length()). Taps outside the input are skipped:
 * `acc_o = bias_o + sum x(oy*stride_h - pad_top + r*dilation_h, ox*stride_w - pad_left + q*dilation_w, c) * w[r][q][c][j]`
 * in int64, `y_o = clamp(mcu_requant_tfl_s64(acc_o, m_o, e_o), act_min, act_max)` (output zero point 0).
 */
typedef struct {
    int32_t in_h;                 /**< input height, >= 1 */
    int32_t in_w;                 /**< input width, >= 1 */
    int32_t channels;             /**< input channels C */
    int32_t multiplier;           /**< depth multiplier M, >= 1 */
    int32_t kernel_h;             /**< >= 1 */
    int32_t kernel_w;             /**< >= 1 */
    int32_t stride_h;             /**< >= 1 */
    int32_t stride_w;             /**< >= 1 */
    int32_t dilation_h;           /**< >= 1 */
    int32_t dilation_w;           /**< >= 1 */
    mcu_padding_t padding;        /**< VALID or SAME */
    const int8_t *weights;        /**< int8 [kernel_h, kernel_w, channels, multiplier] */
    const int64_t *bias;          /**< int64 [channels * multiplier], the file's bias */
    const mcu_rescale_t *rescale; /**< rescale_count multiplier-form entries: multiplier in [2^30, 2^31) or 0, shift in [-31, 7] */
    int32_t rescale_count;        /**< 1 or channels * multiplier */
    int32_t act_min;              /**< clamp low, within int16 */
    int32_t act_max;              /**< clamp high, within int16 */
} mcu_depthwise_conv_tfl_params_t;

/** @brief TFLite 16x8 depthwise convolution. x int16 [in_h, in_w, channels], y int16 [out_h, out_w, channels * multiplier]. */
void mcu_depthwise_conv_tfl_s16(const mcu_depthwise_conv_tfl_params_t *p, const int16_t *x, int16_t *y);

/**
 * Strided slice (Java `QStridedSlice`) of a tensor of up to 4 dimensions: along every axis `a`, output
 * index `i` reads input index `begin[a] + i * stride[a]`; values are copied unchanged. Unused trailing
 * axes have dimension 1, begin 0 and stride 1.
 */
typedef struct {
    int32_t in_dims[4];  /**< input dimensions, each >= 1 */
    int32_t out_dims[4]; /**< output dimensions, each >= 0 */
    int32_t begin[4];    /**< first input index per axis, in [0, in_dims) when the output axis is not empty */
    int32_t stride[4];   /**< >= 1 */
} mcu_strided_slice_params_t;

/** @brief Strided slice, int8. x of in_dims, y of out_dims. */
void mcu_strided_slice_s8(const mcu_strided_slice_params_t *p, const int8_t *x, int8_t *y);
/** @brief Strided slice, int16. x of in_dims, y of out_dims. */
void mcu_strided_slice_s16(const mcu_strided_slice_params_t *p, const int16_t *x, int16_t *y);

/**
 * One gate of TFLite's integer LSTM (mcu_lstm_tfl_s8()): two fully connected parts, each requantized
 * to Q3.12 and saturated to int16 on its own, as TFLite Micro's `CalculateLstmGate` does.
 */
typedef struct {
    const int8_t *input_weights;      /**< int8 [units, input_size] (TFLite's layout: one row per unit) */
    const int32_t *input_bias;        /**< int32 [units]: the file's bias minus zp_x * (row sum of input_weights) */
    mcu_rescale_t input_rescale;      /**< multiplier form: s_x s_W / 2^-12 */
    const int8_t *recurrent_weights;  /**< int8 [units, units] */
    const int32_t *recurrent_bias;    /**< int32 [units]: -zp_h * (row sum of recurrent_weights) */
    mcu_rescale_t recurrent_rescale;  /**< multiplier form: s_h s_U / 2^-12 */
} mcu_lstm_tfl_gate_t;

/**
 * TFLite's integer LSTM (`UNIDIRECTIONAL_SEQUENCE_LSTM` of an int8 `.tflite`; Java `QLstmTfl`, whose
 * Javadoc states the formula): int8 x and h, int16 cell state c in Q(15-n).n, gates in Q0.15.
 * One time step, in TFLite Micro's order:
 * - gate g in (forget, input, cell, output):
 *   `pre = sat16(sat16(requant(bias_g + W_g x, R_x)) + sat16(requant(rbias_g + U_g h, R_h)))` (Q3.12),
 *   `f, i, o = sigmoid(pre)`, `z = tanh(pre)` (or sigmoid, cell_gate_sigmoid), the table sigmoid / tanh
 *   of mcu_activation.h on 3 integer bits;
 * - `c = sat16(requant(f c, forget_cell_rescale))`, `c = sat16(c + sat16(requant(i z, input_cell_rescale)))`,
 *   then `c = clamp(c, -cell_clip, cell_clip)` when cell_clip > 0;
 * - `h = clamp(hidden_zp + requant(tanh(c) o, hidden_rescale), -128, 127)`, tanh on cell_integer_bits;
 *   y = h.
 * requant is TFLite's MultiplyByQuantizedMultiplier (mcu_requant_s32()). All four gates read the h of
 * the previous step. Every gate row satisfies |bias| + 128 * sum |w| <= 2^31 - 1 (the compiler checks
 * it), so the int32 sums cannot overflow for any input.
 */
typedef struct {
    int32_t units;                      /**< cell width, >= 1 */
    int32_t input_size;                 /**< width of x, >= 1 */
    mcu_lstm_tfl_gate_t forget_gate;    /**< f */
    mcu_lstm_tfl_gate_t input_gate;     /**< i */
    mcu_lstm_tfl_gate_t cell_gate;      /**< z (candidate) */
    mcu_lstm_tfl_gate_t output_gate;    /**< o */
    int32_t cell_gate_sigmoid;          /**< 0: z = tanh(pre) (TFLite's TANH), 1: z = sigmoid(pre) */
    int32_t cell_integer_bits;          /**< 15 - n: integer bits of the cell state, 0..15 */
    mcu_rescale_t forget_cell_rescale;  /**< multiplier form: 2^-15 s_c / s_c */
    mcu_rescale_t input_cell_rescale;   /**< multiplier form: 2^-30 / s_c */
    mcu_rescale_t hidden_rescale;       /**< multiplier form: 2^-30 / s_h */
    int32_t hidden_zp;                  /**< zero point of h, in [-128, 127] */
    int32_t cell_clip;                  /**< quantized clip in [1, 32767], 0: none */
} mcu_lstm_tfl_params_t;

/** The state mcu_lstm_tfl_s8() carries from step to step (fresh: h = hidden_zp, c = 0). */
typedef struct {
    int8_t *h;  /**< int8 [units] */
    int16_t *c; /**< int16 [units] */
} mcu_lstm_tfl_state_t;

/**
 * @brief One step of TFLite's integer LSTM (see mcu_lstm_tfl_params_t).
 * @param p       parameters
 * @param s       state, updated in place
 * @param x       int8 [input_size], this step's input
 * @param y       int8 [units], this step's output (h); may not overlap the state
 * @param scratch int16 [3 * units]
 */
void mcu_lstm_tfl_s8(const mcu_lstm_tfl_params_t *p, const mcu_lstm_tfl_state_t *s, const int8_t *x, int8_t *y,
                     int16_t *scratch);

/**
 * TFLite's integer MEAN over height and width (Java `QTflMean`): input `[in_h, in_w, channels]`, output
 * `[channels]`, `n = in_h * in_w` values per channel, summed in int32.
 * - `rounded` != 0 (TFLite's `reference_integer_ops::Mean`, keep_dims): `acc = sum (x - input_zp)`,
 *   `acc = requant(acc, rescale)` (TFLite's double rounding), `q = acc > 0 ? (acc + n/2) / n :
 *   (acc - n/2) / n` (C division, truncating), `y = clamp(q + output_zp)` to the output type's range.
 * - `rounded` == 0 (TFLite's generic `reference_ops::Mean`, input and output of one scale and zero
 *   point): `y = (sum x) / n`, the raw values, truncated toward zero.
 * `n * 65536 <= INT32_MAX`.
 */
typedef struct {
    int32_t in_h;          /**< >= 1 */
    int32_t in_w;          /**< >= 1 */
    int32_t channels;      /**< >= 1 */
    int32_t rounded;       /**< 1: TFLite's rescaled, rounded mean; 0: the truncating mean of equal types */
    int32_t input_zp;      /**< input zero point (rounded form) */
    mcu_rescale_t rescale; /**< multiplier form, realizes s_x / s_y (rounded form) */
    int32_t output_zp;     /**< output zero point (rounded form) */
} mcu_mean_tfl_params_t;

/**
 * TFLite's int8 MEAN where TFLite Micro computes in float (Java `QTflMeanSteps`): per channel the raw sum
 * `S = sum x` (int32) over `in_h * in_w` positions, then `y = -128 + #{k : S >= steps[k]}` over the 255
 * non-decreasing steps the compiler derived from TFLite's float32 formula (binary search; no float here).
 */
typedef struct {
    int32_t in_h;          /**< >= 1 */
    int32_t in_w;          /**< >= 1 */
    int32_t channels;      /**< >= 1 */
    const int32_t *steps;  /**< int32 [255], non-decreasing: the smallest sum giving -128 + k + 1 */
} mcu_mean_tfl_steps_params_t;

/** @brief TFLite's float-computed spatial mean as integer steps, int8. x int8 [in_h, in_w, channels], y int8 [channels]. */
void mcu_mean_tfl_steps_s8(const mcu_mean_tfl_steps_params_t *p, const int8_t *x, int8_t *y);

/** @brief TFLite spatial mean, int8. x int8 [in_h, in_w, channels], y int8 [channels]. */
void mcu_mean_tfl_s8(const mcu_mean_tfl_params_t *p, const int8_t *x, int8_t *y);
/** @brief TFLite spatial mean, int16. x int16 [in_h, in_w, channels], y int16 [channels]. */
void mcu_mean_tfl_s16(const mcu_mean_tfl_params_t *p, const int16_t *x, int16_t *y);

#ifdef __cplusplus
}
#endif

#endif /* MCU_TFL_H */
