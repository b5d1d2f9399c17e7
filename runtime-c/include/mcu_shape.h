/**
 * @file mcu_shape.h
 * @brief Data-movement kernels (zero padding / cropping, nearest up-sampling, transpose) and the
 *        transposed convolution: int8 and int16, NHWC, one sample.
 *
 * The copies work on raw integers: input and output share one type (the equal-scale contract), so
 * a copied value needs no arithmetic; padded positions hold `pad_value`, the zero point, which is
 * the integer of real 0 exactly. The transposed convolution requantizes like mcu_conv_s8().
 */
#ifndef MCU_SHAPE_H
#define MCU_SHAPE_H

#include <stddef.h>
#include <stdint.h>

#include "mcu_nn.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Zero padding and cropping (Java `QPad`) of `[in_h, in_w, channels]` to
 * `[in_h + pad_top + pad_bottom, in_w + pad_left + pad_right, channels]`. The four amounts are
 * signed: positive pads, negative crops (the output size must stay >= 1).
 * `y(oy, ox, c) = x(oy - pad_top, ox - pad_left, c)` inside the input, else `pad_value`.
 * A 1-D `[T, C]` input is in_h = 1 with pad_top = pad_bottom = 0.
 */
typedef struct {
    int32_t in_h;       /**< input height (1 for 1-D), >= 1 */
    int32_t in_w;       /**< input width, >= 1 */
    int32_t channels;   /**< channels, >= 1 */
    int32_t pad_top;    /**< rows added (> 0) or removed (< 0) above */
    int32_t pad_bottom; /**< rows added or removed below */
    int32_t pad_left;   /**< columns added or removed on the left */
    int32_t pad_right;  /**< columns added or removed on the right */
    int32_t pad_value;  /**< value of added positions: the zero point, in the element type's range */
} mcu_pad_params_t;

/**
 * Nearest-neighbour up-sampling (Java `QUpsample`): `[in_h, in_w, channels]` to
 * `[in_h * factor_h, in_w * factor_w, channels]`, `y(oy, ox, c) = x(oy / factor_h, ox / factor_w, c)`.
 * Keras UpSampling1D is in_h = factor_h = 1; RepeatVector(n) of `[F]` is in_h = in_w = 1,
 * channels = F, factor_w = n.
 */
typedef struct {
    int32_t in_h;     /**< input height, >= 1 */
    int32_t in_w;     /**< input width, >= 1 */
    int32_t channels; /**< channels, >= 1 */
    int32_t factor_h; /**< >= 1 */
    int32_t factor_w; /**< >= 1 */
} mcu_upsample_params_t;

/**
 * Transpose (Java `QTranspose`, Keras Permute) of a row-major tensor of rank 1 to 4: output axis
 * `i` is input axis `perm[i]`. Unused trailing entries (i >= rank) are ignored.
 */
typedef struct {
    int32_t rank;       /**< 1 to 4 */
    int32_t in_dims[4]; /**< input dimensions, each >= 1 */
    int32_t perm[4];    /**< a permutation of 0 .. rank - 1 */
} mcu_transpose_params_t;

/**
 * Transposed convolution (Java `QTransposeConv`, Keras Conv2DTranspose / Conv1DTranspose), NHWC,
 * input `[in_h, in_w, channels]`, kernel `[kernel_h, kernel_w, filters, channels]` (Keras layout),
 * output `[out_h, out_w, filters]`:
 * `acc_f(oy, ox) = bias_f + sum over iy, ix, c with r = oy + pad_top - iy*stride_h in [0, kernel_h)
 * and q = ox + pad_left - ix*stride_w in [0, kernel_w) of (x(iy, ix, c) - input_zp) * w[r][q][f][c]`,
 * then `y = clamp(output_zp + R_f(acc_f), act_min, act_max)` as ::mcu_conv_params_t (s16: the
 * int64 sum is first shifted right by acc_shift, rounding half away from zero). The input zero
 * point is subtracted per tap (not folded into the bias): the number of taps reaching an output
 * varies with its position.
 */
typedef struct {
    int32_t in_h;                 /**< input height (1 for 1-D), >= 1 */
    int32_t in_w;                 /**< input width, >= 1 */
    int32_t channels;             /**< input channels C */
    int32_t filters;              /**< output channels F */
    int32_t kernel_h;             /**< >= 1 */
    int32_t kernel_w;             /**< >= 1 */
    int32_t stride_h;             /**< >= 1 */
    int32_t stride_w;             /**< >= 1 */
    int32_t pad_top;              /**< TensorFlow's padding before the first row (may be 0) */
    int32_t pad_left;             /**< TensorFlow's padding before the first column */
    int32_t out_h;                /**< output height, >= 1 */
    int32_t out_w;                /**< output width, >= 1 */
    int32_t input_zp;             /**< input zero point */
    const int8_t *weights;        /**< int8 [kernel_h, kernel_w, filters, channels] */
    const int32_t *bias;          /**< s8: int32 [filters] (no zero point folded in) */
    const int64_t *bias64;        /**< s16: int64 [filters] */
    const mcu_rescale_t *rescale; /**< rescale_count entries */
    int32_t rescale_count;        /**< 1 or filters */
    int32_t acc_shift;            /**< s16: [0, 32]; 0 for s8 */
    int32_t output_zp;            /**< output zero point */
    int32_t act_min;              /**< clamp low */
    int32_t act_max;              /**< clamp high */
} mcu_transpose_conv_params_t;

/** @brief Zero padding / cropping, int8. x [in_h, in_w, channels], y the padded / cropped tensor. */
void mcu_pad_s8(const mcu_pad_params_t *p, const int8_t *x, int8_t *y);
/** @brief Zero padding / cropping, int16. x [in_h, in_w, channels], y the padded / cropped tensor. */
void mcu_pad_s16(const mcu_pad_params_t *p, const int16_t *x, int16_t *y);

/** @brief Nearest up-sampling, int8. x [in_h, in_w, channels], y [in_h*factor_h, in_w*factor_w, channels]. */
void mcu_upsample_nearest_s8(const mcu_upsample_params_t *p, const int8_t *x, int8_t *y);
/** @brief Nearest up-sampling, int16. x [in_h, in_w, channels], y [in_h*factor_h, in_w*factor_w, channels]. */
void mcu_upsample_nearest_s16(const mcu_upsample_params_t *p, const int16_t *x, int16_t *y);

/** @brief Transpose, int8. x in_dims, y the dimensions permuted; x and y must not overlap. */
void mcu_transpose_s8(const mcu_transpose_params_t *p, const int8_t *x, int8_t *y);
/** @brief Transpose, int16. x in_dims, y the dimensions permuted; x and y must not overlap. */
void mcu_transpose_s16(const mcu_transpose_params_t *p, const int16_t *x, int16_t *y);

/**
 * @brief Transposed convolution, int8 activations, int32 accumulator.
 * @param p params (acc_shift 0, bias)
 * @param x int8 [in_h, in_w, channels]
 * @param y int8 [out_h, out_w, filters], values in [act_min, act_max]
 */
void mcu_transpose_conv_s8(const mcu_transpose_conv_params_t *p, const int8_t *x, int8_t *y);

/**
 * @brief Transposed convolution, int8 input, int16 output (a Q3.12 pre-activation), int32 accumulator.
 * @param p params (acc_shift 0, bias)
 * @param x int8 [in_h, in_w, channels]
 * @param y int16 [out_h, out_w, filters], values in [act_min, act_max]
 */
void mcu_transpose_conv_s8_s16(const mcu_transpose_conv_params_t *p, const int8_t *x, int16_t *y);

/**
 * @brief Transposed convolution, int16 activations, int8 weights, int64 accumulator.
 * @param p params (bias64, acc_shift)
 * @param x int16 [in_h, in_w, channels]
 * @param y int16 [out_h, out_w, filters], values in [act_min, act_max]
 */
void mcu_transpose_conv_s16(const mcu_transpose_conv_params_t *p, const int16_t *x, int16_t *y);

#ifdef __cplusplus
}
#endif

#endif /* MCU_SHAPE_H */
