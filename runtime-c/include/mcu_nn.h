/**
 * @file mcu_nn.h
 * @brief Feed-forward integer kernels (fully connected, conv, depthwise conv, pooling, add, element-wise
 *        sum / sub / mul / maximum / minimum, concat, requant, channel affine, logistic, softmax,
 *        leaky ReLU / PReLU, table activations), bit-exact with the Java simulator
 *        (`dev.mcugen.ir.quant.FeedForwardKernels`; each kernel's comment names the Java record
 *        whose Javadoc states the formula).
 *
 * Conventions, for every kernel here:
 * - Tensors are row-major without a batch dimension; feature maps are NHWC without N, i.e.
 *   `[H, W, C]`; a 1-D sequence `[T, C]` is the map `[1, T, C]` (height 1).
 * - `s8` kernels take and give int8 activations (asymmetric, [-128, 127]); `s16` kernels take and
 *   give int16 activations. Weights of fully connected and conv are int8 in both (16x8).
 *   `<in>_<out>` kernels (e.g. `s8_s16`, `s16_s8`) read one width and write another: the int8 layer
 *   writing its int16 Q3.12 pre-activation, the sigmoid / tanh / hard sigmoid reading it back to int8.
 *   The accumulator follows the input: int32 with `bias` for int8, int64 with `bias64` for int16.
 * - Integers are the raw quantized values `q` (real = scale * (q - zero_point)). Zero points of
 *   the input are folded into the biases offline (fully connected, conv, channel affine): those
 *   kernels never subtract the input zero point.
 * - Every real scale is an ::mcu_rescale_t fixed offline. A params struct's `rescale` points to
 *   `rescale_count` entries: 1 (per tensor) or one per output channel (per channel).
 * - Clamp bounds `act_min <= act_max` lie within the output type's range; fused ReLU / ReLU6 are
 *   narrower clamps.
 * - Kernels do not check their parameters: the compiler proves the accumulator bounds (a proof the
 *   Java simulator checks on every run); arguments outside the documented ranges are caller bugs.
 * - No allocation, no float, C99; all buffers are caller-owned and must not overlap unless stated.
 */
#ifndef MCU_NN_H
#define MCU_NN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * An effective scale as integers (Java `dev.mcugen.ir.quant.Rescale`):
 * - `multiplier == 0`: power-of-two form, `x * 2^shift` (mcu_mul_pot_s32(): saturating left shift
 *   for shift > 0, rounding divide ties away from zero for shift < 0);
 * - `multiplier` in [2^30, 2^31): multiplier form, mcu_requant_s32(x, multiplier, shift),
 *   approximately `x * multiplier * 2^(shift - 31)`.
 * `shift` in [-31, 30]. The identity is {0, 0}.
 */
typedef struct {
    int32_t multiplier; /**< 0 (power of two) or Q0.31 multiplier in [2^30, 2^31) */
    int32_t shift;      /**< exponent, [-31, 30] */
} mcu_rescale_t;

/** Padding of conv and pooling, TensorFlow's meaning. */
typedef enum {
    MCU_PADDING_VALID = 0, /**< no padding: out = ceil((in - span + 1) / stride) */
    MCU_PADDING_SAME = 1   /**< out = ceil(in / stride); total padding split, extra at the end */
} mcu_padding_t;

/**
 * Word alignment of a packed weight array (the generator emits it on every int8 weight matrix): the
 * DSP paths load the packed layouts with LDM, which faults on unaligned addresses. Those paths are
 * GCC inline assembly, so other compilers need no alignment and get an empty macro.
 */
#if defined(__GNUC__)
#define MCU_ALIGN4 __attribute__((aligned(4)))
#else
#define MCU_ALIGN4
#endif

/**
 * Flash layout of an int8 weight matrix with R output rows (FC units, matVec rows) and C inputs
 * (logical `W[r][c]`), chosen per target by the generator (Java `dev.mcugen.gen.WeightLayout`, which
 * also packs the bytes). Every kernel reading such a matrix handles every layout it accepts: the fast
 * path under the target's feature macro, and a portable C emulation of the same layout elsewhere, so
 * C generated for one target still runs bit-exact on any other (and on the host under UBSan).
 * With `Rp = 4 ceil(R / 4)` and `Cp = 4 ceil(C / 4)`, the packed layouts hold `Rp * Cp` bytes; padding
 * rows and columns hold weight 0 (their outputs are never written).
 */
typedef enum {
    /** FC: `[C, R]` (Keras, `w[c * R + r]`); matVec: `[R, C]` (`w[r * C + c]`). */
    MCU_WLAYOUT_PLAIN = 0,
    /**
     * Cortex-M4/M7/M33/M55 DSP (SMLAD): rows in groups of 4, group g = rows 4g..4g+3 = pair 0 (a = 4g,
     * b = 4g+1) and pair 1 (a = 4g+2, b = 4g+3); columns in blocks of 4 (j = 4k). Block (g, k) is 16
     * bytes at `g * 4 * Cp + 16 k`: four little-endian words `W0 = pair 0 (j, j+2)`,
     * `W1 = pair 1 (j, j+2)`, `W2 = pair 0 (j+1, j+3)`, `W3 = pair 1 (j+1, j+3)`; a word's low
     * halfword is its first column, the high its second; a halfword is `256 a + (b + 128)`, i.e. byte
     * 0 = b + 128 (unsigned), byte 1 = a (int8). See mcu_matvec.h for why.
     */
    MCU_WLAYOUT_DSP_PAIRS = 1,
    /** Cortex-M3: rows in groups of 4, `w[g * 4 * Cp + 4 c + (r & 3)]` (the 4 rows' weights of one input adjacent). */
    MCU_WLAYOUT_ROWS4 = 2,
    /**
     * NEON and Cortex-M0: row-major with the row stride padded, `w[r * Cp + c]` (rows in groups of 4
     * like the others: group g at `g * 4 * Cp`). Each row's weights are contiguous, so NEON loads 16
     * columns of a row per register and ARMv6-M reads the 4 rows of a group with one register index.
     */
    MCU_WLAYOUT_ROWMAJOR = 3,
    /**
     * Weights narrower than 8 bits, packed (::mcu_sub8_matrix_t): recurrent matrices only
     * (mcu_rnn_matvec_t.sub8), read by the `_sub8_` step kernels; `weights` is then NULL.
     */
    MCU_WLAYOUT_SUB8 = 4
} mcu_weight_layout_t;

/**
 * A weight matrix narrower than 8 bits, packed (Java `dev.mcugen.gen.SubBytePacking`): R rows (output
 * units) of C columns (inputs), 4 bits (two weights per byte) or 2 bits (four per byte).
 *
 * Layout: row r starts at byte `r * row_bytes`, `row_bytes = ceil(C * bits / 8)` (every row padded to a
 * whole byte with zero bits, never read); column c of a row is in byte `c / (8 / bits)` at bits
 * `[(c % (8 / bits)) * bits, + bits)`, the first column in the lowest bits: at 4 bits column 2i is the
 * low nibble of byte i and column 2i + 1 the high nibble; at 2 bits column 4i is bits 0-1 of byte i,
 * column 4i + 3 bits 6-7.
 *
 * Values: each field is an unsigned code k in [0, 2^bits - 1]; the weight is
 * `w = code_scale * k - code_offset`:
 *  - symmetric grids (`--weight-quant minmax`, `l2`): code_scale 1, code_offset 2^(bits-1), so w is in
 *    [-(2^(bits-1) - 1), 2^(bits-1) - 1] (k = 0 is never stored): [-7, 7] at 4 bits, [-1, 1] at 2;
 *  - balanced quantization's odd levels (`--weight-quant balanced`): code_scale 2, code_offset
 *    2^bits - 1, so w is one of -(2^bits - 1), ..., -3, -1, 1, 3, ..., 2^bits - 1: +-1, +-3 at 2 bits,
 *    +-1 .. +-15 at 4.
 * The decoded weights are the int8 weights of the simulator (Java `IntTensor.declaredBits`).
 */
typedef struct {
    const uint8_t *codes; /**< [R, row_bytes] packed codes as above */
    int32_t bits;         /**< 4 or 2 */
    int32_t code_scale;   /**< 1 or 2 */
    int32_t code_offset;  /**< 2^(bits-1) or 2^bits - 1 */
} mcu_sub8_matrix_t;

/**
 * Fully connected (Java `QFullyConnected`), applied to each of `rows` input rows:
 * `acc_o = bias_o + sum_i x_i * w[i][o]`, then (s16 only) `acc_o = rdivpot64(acc_o, acc_shift)`,
 * `y_o = clamp(output_zp + R_o(acc_o), act_min, act_max)`.
 */
typedef struct {
    int32_t input_size;           /**< inputs per row, >= 1 */
    int32_t units;                /**< outputs per row, >= 1 */
    const int8_t *weights;        /**< int8 [-127, 127] in `weight_layout` (PLAIN: [input_size, units], w[i * units + o]) */
    const int32_t *bias;          /**< s8: int32 [units], input zero point folded in; unused by s16 */
    const int64_t *bias64;        /**< s16: int64 [units] (an int32 bias widened when acc_shift == 0); unused by s8 */
    const mcu_rescale_t *rescale; /**< rescale_count entries */
    int32_t rescale_count;        /**< 1 (per tensor) or units (per channel) */
    int32_t acc_shift;            /**< s16: rounding right shift of the int64 sum, [0, 32]; must be 0 for s8 */
    int32_t output_zp;            /**< output zero point */
    int32_t act_min;              /**< clamp low */
    int32_t act_max;              /**< clamp high */
    mcu_weight_layout_t weight_layout; /**< layout of `weights` (R = units, C = input_size); s16 kernels: PLAIN only */
    int32_t acc_small; /**< s8: 1 when the generator proved |bias_o + sum_i w_io x_i| < 2^30 for every unit and int8 input (the packed layouts' fast output stage relies on it), else 0 */
} mcu_fc_params_t;

/**
 * Convolution (Java `QConv`), cross-correlation as TensorFlow, NHWC, input `[in_h, in_w, channels]`,
 * kernel `[kernel_h, kernel_w, channels, filters]`, output `[out_h, out_w, filters]` with out_h,
 * out_w from mcu_conv_out_length(). Taps outside the input read `pad_value` (the input zero point,
 * which the folded bias makes contribute exactly 0).
 * `acc_f = bias_f + sum_{r,q,c} xp(oy*stride_h - pad_top + r*dilation_h, ox*stride_w - pad_left + q*dilation_w, c) * w[r][q][c][f]`,
 * then as ::mcu_fc_params_t. A Conv1D over `[T, C]` is in_h = 1, kernel_h = stride_h = dilation_h = 1.
 */
typedef struct {
    int32_t in_h;                 /**< input height (1 for 1-D) */
    int32_t in_w;                 /**< input width (T for 1-D) */
    int32_t channels;             /**< input channels C */
    int32_t filters;              /**< output channels F */
    int32_t kernel_h;             /**< >= 1 */
    int32_t kernel_w;             /**< >= 1 */
    int32_t stride_h;             /**< >= 1 */
    int32_t stride_w;             /**< >= 1 */
    int32_t dilation_h;           /**< >= 1 */
    int32_t dilation_w;           /**< >= 1 */
    mcu_padding_t padding;        /**< VALID or SAME */
    int32_t pad_value;            /**< value of padded taps: the input zero point */
    const int8_t *weights;        /**< int8 [kernel_h, kernel_w, channels, filters] */
    const int32_t *bias;          /**< s8: int32 [filters], zero point folded in */
    const int64_t *bias64;        /**< s16: int64 [filters] */
    const mcu_rescale_t *rescale; /**< rescale_count entries */
    int32_t rescale_count;        /**< 1 or filters */
    int32_t acc_shift;            /**< s16: [0, 32]; 0 for s8 */
    int32_t output_zp;            /**< output zero point */
    int32_t act_min;              /**< clamp low */
    int32_t act_max;              /**< clamp high */
    /**
     * mcu_conv_packed_s8() / _s8_s16() only (mcu_conv_* read PLAIN and ignore it): layout of `weights`
     * as the matrix of a Dense with R = filters outputs and C = kernel_h * kernel_w * channels inputs,
     * input index `(r * kernel_w + q) * channels + c` (PLAIN is exactly that Dense's `[C, R]`).
     */
    mcu_weight_layout_t weight_layout;
    int32_t acc_small; /**< mcu_conv_packed_*: as mcu_fc_params_t.acc_small for that Dense (|bias_f + sum w x| < 2^30 for every int8 input), else 0 */
    int32_t im2col_bytes; /**< mcu_conv_packed_*: bytes of the caller's im2col buffer `col` (0: none) */
} mcu_conv_params_t;

/**
 * Max / average pooling (Java `QPool`), NHWC `[in_h, in_w, channels]` to `[out_h, out_w, channels]`,
 * input and output of one type. Windows are clipped to the input (padding never counted):
 * max of the valid positions; average `divRound(sum, n)` (nearest, ties away from zero) over the
 * n >= 1 valid positions. Every window must contain at least one input position.
 */
typedef struct {
    int32_t in_h;          /**< input height (1 for 1-D) */
    int32_t in_w;          /**< input width */
    int32_t channels;      /**< channels */
    int32_t kernel_h;      /**< window height, >= 1 */
    int32_t kernel_w;      /**< window width, >= 1 */
    int32_t stride_h;      /**< >= 1 */
    int32_t stride_w;      /**< >= 1 */
    mcu_padding_t padding; /**< VALID or SAME */
} mcu_pool_params_t;

/**
 * Global pooling over all `positions` of `[positions, channels]` to `[channels]` (Java
 * `QGlobalPool`). Max: `y_c = max_p x`. Average without rescale (`use_rescale == 0`, input type
 * = output type): `y_c = divRound(sum_p x, positions)`. Average with rescale: `y_c = clamp(output_zp
 * + R(sum_p (x - input_zp)), qmin, qmax)`. Sums are int32 (positions < 2^15).
 */
typedef struct {
    int32_t positions;     /**< number of positions n, >= 1 */
    int32_t channels;      /**< channels */
    int32_t use_rescale;   /**< average only: 0 division form, 1 rescaled form */
    int32_t input_zp;      /**< rescaled form: input zero point */
    mcu_rescale_t rescale; /**< rescaled form: realizes s_x / (n s_y) */
    int32_t output_zp;     /**< rescaled form: output zero point */
    int32_t qmin;          /**< rescaled form: output type minimum */
    int32_t qmax;          /**< rescaled form: output type maximum */
} mcu_global_pool_params_t;

/**
 * Element-wise sum of `num_inputs >= 2` equally shaped tensors (Java `QAdd`):
 * `t_k = R_k((x_k - zp_k) * 2^left_shift)`, `y = clamp(output_zp + R_out(sum_k t_k), qmin, qmax)`;
 * `(x_k - zp_k) * 2^left_shift` and the sum fit int32 (the compiler's bound).
 */
typedef struct {
    int32_t num_inputs;                  /**< >= 2 */
    const int32_t *input_zp;             /**< [num_inputs] */
    const mcu_rescale_t *input_rescale;  /**< [num_inputs], each realizing s_k / (2 max_j s_j) */
    int32_t left_shift;                  /**< [0, 30]; 20 for int8, 15 for int16 */
    mcu_rescale_t output_rescale;        /**< realizes 2 max_j s_j / (2^left_shift s_y) */
    int32_t output_zp;                   /**< output zero point */
    int32_t qmin;                        /**< output type minimum */
    int32_t qmax;                        /**< output type maximum */
} mcu_add_params_t;

/**
 * Element-wise op over `num_inputs` operands of one element type (Java `QElementwise`), each the
 * output's `[size]` or a per-channel vector `[channels]` read at `i mod channels` (`channels` = the
 * output's last dimension; `size` a multiple of it). With `d_k = x_k - input_zp[k]`, `R` an
 * ::mcu_rescale_t and every clamp to [qmin, qmax]:
 * - mcu_sum_s8() / _s16() (Add with a per-channel operand, Average), mcu_sub_s8() / _s16() (two
 *   operands, the second negated): `t_k = ±R_k(d_k * 2^left_shift)`,
 *   `y = clamp(output_zp + R_out(sum_k t_k))`; `d_k * 2^left_shift` and the sum fit int32;
 * - mcu_mul_s8() / _s16(): `p = d_0 * d_1`, then for k >= 2 `p = step_rescale[k - 2](p) * d_k`
 *   (every product fits int32), `y = clamp(output_zp + R_out(p))`;
 * - mcu_maximum_s8() / _s16(), mcu_minimum_s8() / _s16(): `v_k = clamp(output_zp + R_k(d_k))`,
 *   `y = max_k v_k` / `min_k v_k` (under the equal-scale contract `R_k` is the identity {0, 0} and
 *   `input_zp[k] == output_zp`, so `v_k = x_k`).
 */
typedef struct {
    int32_t num_inputs;                 /**< operands, >= 2 (exactly 2 for sub) */
    int32_t channels;                   /**< C >= 1, the output's last dimension */
    const int32_t *input_channelwise;   /**< [num_inputs]: 1 when operand k is a [C] vector, else 0 */
    const int32_t *input_zp;            /**< [num_inputs] zero points */
    const mcu_rescale_t *input_rescale; /**< [num_inputs]: sum/sub s_k / (2 max_j s_j); max/min s_k / s_y; mul unused */
    int32_t left_shift;                 /**< sum/sub: [0, 30] (20 for int8, 15 for int16); else 0 */
    const mcu_rescale_t *step_rescale;  /**< mul with num_inputs > 2: [num_inputs - 2]; else unused (may be 0) */
    mcu_rescale_t output_rescale;       /**< sum/sub: 2 max s / (2^left_shift s_y) (/ n for Average); mul: prod s / s_y */
    int32_t output_zp;                  /**< output zero point */
    int32_t qmin;                       /**< output type minimum */
    int32_t qmax;                       /**< output type maximum */
} mcu_elementwise_params_t;

/**
 * Element-wise affine map with clamp (Java `QRequant`: linear, ReLU, ReLU6, hard sigmoid):
 * `y = clamp(output_zp + offset + R((x - input_zp) * gain), lo, hi)`, `(x - input_zp) * gain`
 * exact in int32.
 */
typedef struct {
    int32_t input_zp;      /**< input zero point */
    int32_t gain;          /**< [-32767, 32767] (6554 = 0.2 in Q0.15 for hard sigmoid) */
    mcu_rescale_t rescale; /**< R */
    int32_t offset;        /**< added with the output zero point */
    int32_t output_zp;     /**< output zero point */
    int32_t lo;            /**< clamp low */
    int32_t hi;            /**< clamp high */
} mcu_requant_params_t;

/**
 * Per-channel affine map over the last axis (Java `QChannelAffine`, unfolded BatchNormalization):
 * `acc = x * w_c + bias_c` (int32), `y = clamp(output_zp + R_c(acc), lo, hi)`, `c = i mod channels`.
 */
typedef struct {
    int32_t channels;             /**< C, >= 1 */
    const int16_t *weights;       /**< [C], int8 values (s8) or int16 values (s16) */
    const int32_t *bias;          /**< int32 [C], input zero point folded in, |bias| <= 2^30 */
    const mcu_rescale_t *rescale; /**< rescale_count entries */
    int32_t rescale_count;        /**< 1 or C */
    int32_t output_zp;            /**< output zero point */
    int32_t lo;                   /**< clamp low */
    int32_t hi;                   /**< clamp high */
} mcu_channel_affine_params_t;

/**
 * Concatenation along one axis (Java `QConcat`) of `num_inputs` tensors of one element type: the
 * output is `outer` blocks, block `o` holding input 0's values `[o * input_size[0], (o + 1) *
 * input_size[0])`, then input 1's, and so on (`outer` = product of the output dims before the axis,
 * `input_size[k]` = product of input k's dims from the axis on). Each value is mapped to the output
 * type: `y = clamp(output_zp + R_k(x - input_zp[k]), qmin, qmax)`; under the equal-scale contract
 * (`R_k` the identity {0, 0} and `input_zp[k] == output_zp`) that is a copy.
 */
typedef struct {
    int32_t num_inputs;                 /**< >= 1 */
    int32_t outer;                      /**< blocks, >= 1 */
    const int32_t *input_size;          /**< [num_inputs], values per block, >= 1 */
    const int32_t *input_zp;            /**< [num_inputs] */
    const mcu_rescale_t *input_rescale; /**< [num_inputs], each realizing s_k / s_y */
    int32_t output_zp;                  /**< output zero point */
    int32_t qmin;                       /**< output type minimum */
    int32_t qmax;                       /**< output type maximum */
} mcu_concat_params_t;

/** Which function mcu_logistic_s8() / mcu_logistic_s16() computes. */
typedef enum {
    MCU_LOGISTIC_SIGMOID = 0, /**< sigmoid */
    MCU_LOGISTIC_TANH = 1     /**< tanh */
} mcu_logistic_function_t;

/** Which int16 implementation (`--activation lut|poly`, see mcu_activation.h). */
typedef enum {
    MCU_ACTIVATION_LUT = 0, /**< 256-entry table with interpolation */
    MCU_ACTIVATION_POLY = 1 /**< table-free fixed point */
} mcu_activation_impl_t;

/**
 * Element-wise sigmoid / tanh through the int16 primitives (Java `QLogistic`):
 * `u = sat16(R_in(x - input_zp))` (Q3.12), `v = f(u)` (Q0.15),
 * `y = clamp(output_zp + R_out(v), qmin, qmax)`.
 */
typedef struct {
    mcu_logistic_function_t function; /**< sigmoid or tanh */
    mcu_activation_impl_t impl;       /**< lut or poly */
    int32_t input_zp;                 /**< input zero point */
    mcu_rescale_t input_rescale;      /**< realizes s_x / 2^-12 */
    mcu_rescale_t output_rescale;     /**< realizes 2^-15 / s_y */
    int32_t output_zp;                /**< output zero point */
    int32_t qmin;                     /**< output type minimum */
    int32_t qmax;                     /**< output type maximum */
} mcu_logistic_params_t;

/**
 * Softmax over the last axis, rows of `depth` values (Java `QSoftmax`, TFLite's integer softmax
 * with gemmlowp's fixed-point exp): `d = x - max_row`; `d < diff_min` gives `output_zp`; otherwise
 * `e = exp(R_beta(d))` (Q5.26 in, Q0.31 out), `sum = sum_row rdivpot(e, 12)`, `(r, k) =
 * reciprocal(sum)`, `y = clamp(output_zp + rdivpot(srdhm(r, e), k + 31 - output_frac_bits), qmin, qmax)`.
 * Output scale 2^-output_frac_bits: int8 f = 8, zp = -128; int16 f = 15, zp = 0.
 */
typedef struct {
    int32_t depth;              /**< row length, [1, 256] for int8 output, [1, 4095] otherwise */
    mcu_rescale_t input_beta;   /**< realizes s_x * 2^26 */
    int32_t diff_min;           /**< most negative kept difference, <= 0 */
    int32_t output_frac_bits;   /**< f, [1, 31] */
    int32_t output_zp;          /**< output zero point */
    int32_t qmin;               /**< output type minimum */
    int32_t qmax;               /**< output type maximum */
} mcu_softmax_params_t;

/**
 * @brief Output length along one axis: VALID ceil((n - span + 1) / stride), SAME ceil(n / stride),
 *        span = (kernel - 1) * dilation + 1; 0 if nothing fits.
 */
int32_t mcu_conv_out_length(int32_t n, int32_t kernel, int32_t stride, int32_t dilation, mcu_padding_t padding);

/**
 * @brief Fully connected, int8 activations, int8 weights, int32 accumulator.
 * @param p params (acc_shift 0, bias)
 * @param rows number of input rows, >= 1
 * @param x int8 [rows, input_size]
 * @param y int8 [rows, units], values in [act_min, act_max]
 */
void mcu_fully_connected_s8(const mcu_fc_params_t *p, int32_t rows, const int8_t *x, int8_t *y);

/**
 * @brief Fully connected, int16 activations, int8 weights, int64 accumulator (16x8).
 * @param p params (bias64, acc_shift)
 * @param rows number of input rows, >= 1
 * @param x int16 [rows, input_size]
 * @param y int16 [rows, units], values in [act_min, act_max]
 */
void mcu_fully_connected_s16(const mcu_fc_params_t *p, int32_t rows, const int16_t *x, int16_t *y);

/**
 * @brief Fully connected, int8 input, int16 output (e.g. a Q3.12 pre-activation), int32 accumulator.
 * @param p params (acc_shift 0, bias)
 * @param rows number of input rows, >= 1
 * @param x int8 [rows, input_size]
 * @param y int16 [rows, units], values in [act_min, act_max]
 */
void mcu_fully_connected_s8_s16(const mcu_fc_params_t *p, int32_t rows, const int8_t *x, int16_t *y);

/**
 * @brief Convolution, int8 activations, int32 accumulator.
 * @param p params (acc_shift 0, bias)
 * @param x int8 [in_h, in_w, channels]
 * @param y int8 [out_h, out_w, filters]
 */
void mcu_conv_s8(const mcu_conv_params_t *p, const int8_t *x, int8_t *y);

/**
 * @brief Convolution, int8 input, int16 output (e.g. a Q3.12 pre-activation), int32 accumulator.
 * @param p params (acc_shift 0, bias)
 * @param x int8 [in_h, in_w, channels]
 * @param y int16 [out_h, out_w, filters]
 */
void mcu_conv_s8_s16(const mcu_conv_params_t *p, const int8_t *x, int16_t *y);

/**
 * @brief Convolution, int16 activations, int8 weights, int64 accumulator.
 * @param p params (bias64, acc_shift)
 * @param x int16 [in_h, in_w, channels]
 * @param y int16 [out_h, out_w, filters]
 */
void mcu_conv_s16(const mcu_conv_params_t *p, const int16_t *x, int16_t *y);

/**
 * @brief Convolution, int8 input, int8 output, weights in any ::mcu_weight_layout_t (`weight_layout`,
 *        `acc_small`): the same integers as mcu_conv_s8(), computed as the packed Dense
 *        (mcu_fully_connected_s8()) over each output position's receptive field, K = kernel_h *
 *        kernel_w * channels values copied into the caller's buffer `col` (im2col, `im2col_bytes`
 *        bytes: as many positions per Dense call as fit) unless they lie contiguous in x (a 1x1
 *        kernel with stride 1, a valid Conv1D position). The generator gives `col` in the model's
 *        arena, at least K bytes; with a smaller buffer (or NULL) positions that need a copy are
 *        exact but slow. Stack: mcu_fully_connected_s8()'s.
 * @param p params (acc_shift 0, bias, weight_layout, acc_small, im2col_bytes)
 * @param x int8 [in_h, in_w, channels]
 * @param y int8 [out_h, out_w, filters]
 * @param col im2col buffer of p->im2col_bytes bytes, not overlapping x or y; NULL when im2col_bytes is 0
 */
void mcu_conv_packed_s8(const mcu_conv_params_t *p, const int8_t *x, int8_t *y, int8_t *col);

/**
 * @brief mcu_conv_packed_s8() with int16 output (as mcu_conv_s8_s16(); the Dense mcu_fully_connected_s8_s16()).
 * @param p params (acc_shift 0, bias, weight_layout, acc_small, im2col_bytes)
 * @param x int8 [in_h, in_w, channels]
 * @param y int16 [out_h, out_w, filters]
 * @param col im2col buffer of p->im2col_bytes bytes, not overlapping x or y; NULL when im2col_bytes is 0
 */
void mcu_conv_packed_s8_s16(const mcu_conv_params_t *p, const int8_t *x, int16_t *y, int8_t *col);

/** @brief Max pooling, int8. x [in_h, in_w, channels], y [out_h, out_w, channels]. */
void mcu_max_pool_s8(const mcu_pool_params_t *p, const int8_t *x, int8_t *y);

/** @brief Max pooling, int16. x [in_h, in_w, channels], y [out_h, out_w, channels]. */
void mcu_max_pool_s16(const mcu_pool_params_t *p, const int16_t *x, int16_t *y);

/** @brief Average pooling, int8. x [in_h, in_w, channels], y [out_h, out_w, channels]. */
void mcu_avg_pool_s8(const mcu_pool_params_t *p, const int8_t *x, int8_t *y);

/** @brief Average pooling, int16. x [in_h, in_w, channels], y [out_h, out_w, channels]. */
void mcu_avg_pool_s16(const mcu_pool_params_t *p, const int16_t *x, int16_t *y);

/** @brief Global max pooling, int8. x [positions, channels], y [channels]. */
void mcu_global_max_pool_s8(const mcu_global_pool_params_t *p, const int8_t *x, int8_t *y);

/** @brief Global max pooling, int16. x [positions, channels], y [channels]. */
void mcu_global_max_pool_s16(const mcu_global_pool_params_t *p, const int16_t *x, int16_t *y);

/** @brief Global average pooling (division or rescaled form), int8. x [positions, channels], y [channels]. */
void mcu_global_avg_pool_s8(const mcu_global_pool_params_t *p, const int8_t *x, int8_t *y);

/** @brief Global average pooling (division or rescaled form), int16. x [positions, channels], y [channels]. */
void mcu_global_avg_pool_s16(const mcu_global_pool_params_t *p, const int16_t *x, int16_t *y);

/**
 * @brief Element-wise add of num_inputs int8 tensors.
 * @param x num_inputs pointers to int8 [size]
 * @param size elements per tensor
 * @param y int8 [size] (may alias x[k])
 */
void mcu_add_s8(const mcu_add_params_t *p, const int8_t *const *x, int32_t size, int8_t *y);

/** @brief Element-wise add of num_inputs int16 tensors (as mcu_add_s8()). */
void mcu_add_s16(const mcu_add_params_t *p, const int16_t *const *x, int32_t size, int16_t *y);

/**
 * @brief Element-wise sum of num_inputs int8 operands with per-channel broadcast (Add with a
 *        per-channel vector or constant operand; Average, its 1/n in output_rescale).
 * @param x num_inputs pointers, each to int8 [size] or, when input_channelwise[k], int8 [channels]
 * @param size output elements, a multiple of channels
 * @param y int8 [size] (may alias a full-size x[k])
 */
void mcu_sum_s8(const mcu_elementwise_params_t *p, const int8_t *const *x, int32_t size, int8_t *y);

/** @brief Element-wise sum with per-channel broadcast, int16 (as mcu_sum_s8()). */
void mcu_sum_s16(const mcu_elementwise_params_t *p, const int16_t *const *x, int32_t size, int16_t *y);

/** @brief Element-wise difference x[0] - x[1], int8, with per-channel broadcast (as mcu_sum_s8()). */
void mcu_sub_s8(const mcu_elementwise_params_t *p, const int8_t *const *x, int32_t size, int8_t *y);

/** @brief Element-wise difference x[0] - x[1], int16, with per-channel broadcast (as mcu_sum_s8()). */
void mcu_sub_s16(const mcu_elementwise_params_t *p, const int16_t *const *x, int32_t size, int16_t *y);

/** @brief Element-wise product of num_inputs int8 operands with per-channel broadcast (as mcu_sum_s8()). */
void mcu_mul_s8(const mcu_elementwise_params_t *p, const int8_t *const *x, int32_t size, int8_t *y);

/** @brief Element-wise product of num_inputs int16 operands with per-channel broadcast (as mcu_sum_s8()). */
void mcu_mul_s16(const mcu_elementwise_params_t *p, const int16_t *const *x, int32_t size, int16_t *y);

/** @brief Element-wise maximum of num_inputs int8 operands with per-channel broadcast (as mcu_sum_s8()). */
void mcu_maximum_s8(const mcu_elementwise_params_t *p, const int8_t *const *x, int32_t size, int8_t *y);

/** @brief Element-wise maximum of num_inputs int16 operands with per-channel broadcast (as mcu_sum_s8()). */
void mcu_maximum_s16(const mcu_elementwise_params_t *p, const int16_t *const *x, int32_t size, int16_t *y);

/** @brief Element-wise minimum of num_inputs int8 operands with per-channel broadcast (as mcu_sum_s8()). */
void mcu_minimum_s8(const mcu_elementwise_params_t *p, const int8_t *const *x, int32_t size, int8_t *y);

/** @brief Element-wise minimum of num_inputs int16 operands with per-channel broadcast (as mcu_sum_s8()). */
void mcu_minimum_s16(const mcu_elementwise_params_t *p, const int16_t *const *x, int32_t size, int16_t *y);

/** @brief Element-wise affine map with clamp, int8 [size] to int8 [size] (y may equal x). */
void mcu_requant_s8(const mcu_requant_params_t *p, const int8_t *x, int32_t size, int8_t *y);

/** @brief Element-wise affine map with clamp, int16 [size] to int16 [size] (y may equal x). */
void mcu_requant_s16(const mcu_requant_params_t *p, const int16_t *x, int32_t size, int16_t *y);

/**
 * @brief Element-wise affine map with clamp, int16 [size] to int8 [size] (e.g. hard sigmoid of a Q3.12
 *        pre-activation); y must not overlap x.
 */
void mcu_requant_s16_s8(const mcu_requant_params_t *p, const int16_t *x, int32_t size, int8_t *y);

/** @brief Per-channel affine map, int8 [size] (size a multiple of channels) to int8 [size]; int8 weights. */
void mcu_channel_affine_s8(const mcu_channel_affine_params_t *p, const int8_t *x, int32_t size, int8_t *y);

/** @brief Per-channel affine map, int16 [size] to int16 [size]; int16 weights. */
void mcu_channel_affine_s16(const mcu_channel_affine_params_t *p, const int16_t *x, int32_t size, int16_t *y);

/** @brief Sigmoid / tanh, int8 [size] to int8 [size] (y may equal x). */
void mcu_logistic_s8(const mcu_logistic_params_t *p, const int8_t *x, int32_t size, int8_t *y);

/** @brief Sigmoid / tanh, int16 [size] to int16 [size] (y may equal x). */
void mcu_logistic_s16(const mcu_logistic_params_t *p, const int16_t *x, int32_t size, int16_t *y);

/**
 * @brief Sigmoid / tanh, int16 [size] (e.g. a Q3.12 pre-activation) to int8 [size]; y must not
 *        overlap x.
 */
void mcu_logistic_s16_s8(const mcu_logistic_params_t *p, const int16_t *x, int32_t size, int8_t *y);

/**
 * @brief Concatenation of num_inputs int8 tensors along one axis.
 * @param x num_inputs pointers, x[k] int8 [outer * input_size[k]]
 * @param y int8 [outer * sum_k input_size[k]], must not overlap any x[k]
 */
void mcu_concat_s8(const mcu_concat_params_t *p, const int8_t *const *x, int8_t *y);

/** @brief Concatenation of num_inputs int16 tensors along one axis (as mcu_concat_s8()). */
void mcu_concat_s16(const mcu_concat_params_t *p, const int16_t *const *x, int16_t *y);

/**
 * @brief Reversal along one axis (Java `QReverse`): x seen as [outer, n, inner], block j of y is block
 *        n - 1 - j of x; values are copied unchanged (input and output share one type by the
 *        equal-scale contract). The time reversal of a bidirectional layer's backward direction is
 *        outer 1, n = T, inner = units.
 * @param x int8 [outer * n * inner]
 * @param y int8 [outer * n * inner], must not overlap x
 */
void mcu_reverse_s8(const int8_t *x, int32_t outer, int32_t n, int32_t inner, int8_t *y);

/** @brief Reversal along one axis of an int16 tensor (as mcu_reverse_s8()). */
void mcu_reverse_s16(const int16_t *x, int32_t outer, int32_t n, int32_t inner, int16_t *y);

/**
 * @brief Softmax, int8 in, int8 out.
 * @param rows number of rows
 * @param x int8 [rows, depth]
 * @param y int8 [rows, depth]
 */
void mcu_softmax_s8(const mcu_softmax_params_t *p, int32_t rows, const int8_t *x, int8_t *y);

/** @brief Softmax, int16 in, int16 out (as mcu_softmax_s8()). */
void mcu_softmax_s16(const mcu_softmax_params_t *p, int32_t rows, const int16_t *x, int16_t *y);

/**
 * Fully connected layer keeping the raw int32 accumulator (output type int32, zero point 0, identity
 * rescale, full int32 clamp): the Dense before a softmax. s8: int8 input, int32 bias; s16: int16
 * input, int64 bias and acc_shift. Java: `FeedForwardKernels.fullyConnected` with an int32 output.
 */
void mcu_fully_connected_s8_s32(const mcu_fc_params_t *p, int32_t rows, const int8_t *x, int32_t *y);
void mcu_fully_connected_s16_s32(const mcu_fc_params_t *p, int32_t rows, const int16_t *x, int32_t *y);

/**
 * Softmax over int32 input rows (the raw accumulator of the Dense before it); differences to the
 * row maximum are taken in int64. Output int8 or int16 as mcu_softmax_s8 / _s16.
 */
void mcu_softmax_s32_s8(const mcu_softmax_params_t *p, int32_t rows, const int32_t *x, int8_t *y);
void mcu_softmax_s32_s16(const mcu_softmax_params_t *p, int32_t rows, const int32_t *x, int16_t *y);

/**
 * Depthwise convolution (Java `QDepthwiseConv`), NHWC, input `[in_h, in_w, channels]`, kernel
 * `[kernel_h, kernel_w, channels, multiplier]` (Keras' depthwise_kernel), output
 * `[out_h, out_w, channels * multiplier]`: output channel `o = c * multiplier + j` reads input channel
 * `c = o / multiplier` only.
 * `acc_o = bias_o + sum_{r,q} xp(oy*stride_h - pad_top + r*dilation_h, ox*stride_w - pad_left + q*dilation_w, o / multiplier) * w[r][q][o]`
 * with `w` read as `[kernel_h, kernel_w, channels * multiplier]`; padding, bias folding, rescale and
 * clamp as ::mcu_conv_params_t. A DepthwiseConv1D over `[T, C]` is in_h = 1, kernel_h = stride_h = dilation_h = 1.
 */
typedef struct {
    int32_t in_h;                 /**< input height (1 for 1-D) */
    int32_t in_w;                 /**< input width (T for 1-D) */
    int32_t channels;             /**< input channels C */
    int32_t multiplier;           /**< depth multiplier m >= 1; output channels C * m */
    int32_t kernel_h;             /**< >= 1 */
    int32_t kernel_w;             /**< >= 1 */
    int32_t stride_h;             /**< >= 1 */
    int32_t stride_w;             /**< >= 1 */
    int32_t dilation_h;           /**< >= 1 */
    int32_t dilation_w;           /**< >= 1 */
    mcu_padding_t padding;        /**< VALID or SAME */
    int32_t pad_value;            /**< value of padded taps: the input zero point */
    const int8_t *weights;        /**< int8 [kernel_h, kernel_w, channels, multiplier] */
    const int32_t *bias;          /**< s8: int32 [channels * multiplier], zero point folded in */
    const int64_t *bias64;        /**< s16: int64 [channels * multiplier] */
    const mcu_rescale_t *rescale; /**< rescale_count entries */
    int32_t rescale_count;        /**< 1 or channels * multiplier */
    int32_t acc_shift;            /**< s16: [0, 32]; 0 for s8 */
    int32_t output_zp;            /**< output zero point */
    int32_t act_min;              /**< clamp low */
    int32_t act_max;              /**< clamp high */
    int32_t packed_layout;        /**< mcu_depthwise_conv_packed_s8 only: MCU_DW_PACKED_H16 or MCU_DW_PACKED_W32 */
    const void *packed_weights;   /**< mcu_depthwise_conv_packed_s8 only: the int32 record of packed_layout, word aligned */
} mcu_depthwise_conv_params_t;

/**
 * @brief Depthwise convolution, int8 activations, int32 accumulator.
 * @param p params (acc_shift 0, bias)
 * @param x int8 [in_h, in_w, channels]
 * @param y int8 [out_h, out_w, channels * multiplier], values in [act_min, act_max]
 */
void mcu_depthwise_conv_s8(const mcu_depthwise_conv_params_t *p, const int8_t *x, int8_t *y);

/**
 * Packed depthwise layer (mcu_depthwise_conv_packed_s8, multiplier 1), an int32 array of one record per
 * block of 4 channels (block b = channels 4b..4b+3; zeros pad the last block): the 4 doubled biases
 * `2 bias_c`, then the kernel's taps in the order (r, q), each the doubled weights `2 w[r][q][c]` of the
 * block's channels, then for the channel pairs (c0, c1) and (c2, c3) the output stage: the two rescale
 * multipliers `M_c`, the two addends `2^(right_c - 1) + output_zp 2^right_c` and the two right shifts
 * `right_c = -shift_c` (12 words). Record b starts at word `b * (16 + kernel_h * kernel_w * words_per_tap)`.
 * MCU_DW_PACKED_H16 (Cortex-M4/M7/M33/M55): 2 words per tap, `(2 w_c0 & 0xFFFF) | (2 w_c2 << 16)` and
 * `(2 w_c1 & 0xFFFF) | (2 w_c3 << 16)` (the halfword pairs SXTB16 makes of a word of inputs).
 * MCU_DW_PACKED_W32 (Cortex-M3): 4 words per tap, `2 w_c0, 2 w_c1, 2 w_c2, 2 w_c3`.
 */
#define MCU_DW_PACKED_H16 1
#define MCU_DW_PACKED_W32 2

/**
 * @brief Depthwise convolution, int8 activations, multiplier 1, packed weights: the integers of
 *        mcu_depthwise_conv_s8(), faster (per target: DSP, Cortex-M3, portable C elsewhere).
 *
 * Preconditions (the generator checks them, else it calls mcu_depthwise_conv_s8()): multiplier 1;
 * `|bias_c| + 128 sum |w_c| < 2^30` for every channel; every rescale of the multiplier form with
 * multiplier > 0 and a shift in [-22, -1]. Weights, biases, rescales and the output zero point come
 * from `packed_weights` only (the packed record holds them); `weights`, `bias`, `rescale` are not read.
 * @param p params (packed_layout, packed_weights, shapes, pad_value, act_min, act_max)
 * @param x int8 [in_h, in_w, channels]
 * @param y int8 [out_h, out_w, channels], values in [act_min, act_max]
 */
void mcu_depthwise_conv_packed_s8(const mcu_depthwise_conv_params_t *p, const int8_t *x, int8_t *y);

/**
 * @brief Depthwise convolution, int16 activations, int8 weights, int64 accumulator.
 * @param p params (bias64, acc_shift)
 * @param x int16 [in_h, in_w, channels]
 * @param y int16 [out_h, out_w, channels * multiplier], values in [act_min, act_max]
 */
void mcu_depthwise_conv_s16(const mcu_depthwise_conv_params_t *p, const int16_t *x, int16_t *y);

/**
 * Leaky ReLU / PReLU with per-sign rescales (Java `QPRelu`):
 * `d = x - input_zp`, `y = clamp(output_zp + (d >= 0 ? R_id(d) : R_alpha(d * gains[i % gain_count])), qmin, qmax)`
 * for the flat index i; `d * gains[...]` is exact in int32 (|d| < 2^16, |gain| <= 32767).
 */
typedef struct {
    int32_t input_zp;               /**< input zero point */
    const int16_t *gains;           /**< [gain_count] negative-side slopes, [-32767, 32767] */
    int32_t gain_count;             /**< >= 1, divides size: 1 for leaky ReLU, the repeating tail for PReLU */
    mcu_rescale_t identity_rescale; /**< R_id, realizes s_x / s_y */
    mcu_rescale_t alpha_rescale;    /**< R_alpha, a power of two: gains[c] * R_alpha = alpha_c * s_x / s_y */
    int32_t output_zp;              /**< output zero point */
    int32_t qmin;                   /**< output type minimum */
    int32_t qmax;                   /**< output type maximum */
} mcu_prelu_params_t;

/**
 * @brief Leaky ReLU / PReLU, int8 [size] to int8 [size] (y may equal x).
 */
void mcu_prelu_s8(const mcu_prelu_params_t *p, const int8_t *x, int32_t size, int8_t *y);

/** @brief Leaky ReLU / PReLU, int16 [size] to int16 [size] (as mcu_prelu_s8()). */
void mcu_prelu_s16(const mcu_prelu_params_t *p, const int16_t *x, int32_t size, int16_t *y);

/**
 * @brief Element-wise function by a 256-entry table, int8 [size] to int8 [size] (Java `QLut`):
 *        `y = table[x + 128]` (y may equal x).
 * @param table int8 [256], the function's output for each input value -128 ... 127
 */
void mcu_lut_s8(const int8_t *table, const int8_t *x, int32_t size, int8_t *y);

/**
 * @brief Element-wise function by TensorFlow Lite's interpolated int16 table (Java `QLut`,
 *        `LookupTable.lookup16`): `i = (x + 32768) >> 7`, `o = x & 127`,
 *        `y = table[i] + floor((o * (table[i + 1] - table[i]) + 64) / 128)` (y may equal x).
 * @param table int16 [513], the outputs at inputs -32768 + 128 i (the last at 32768)
 */
void mcu_lut_s16(const int16_t *table, const int16_t *x, int32_t size, int16_t *y);

/**
 * Layer normalization over the last axis (Java `QLayerNormalization`, `NormKernels.layerNorm`), per
 * row of `row` integers q (any zero point: it cancels):
 * `S = sum q`, `Q = sum q^2`, `D = row Q - S^2 + epsilon_term` (exact int64, < 2^62);
 * `x' = D == 0 ? 0 : sat16(requant(row q - S, M, shift))` with (M, shift) the integer inverse square
 * root of D at `norm_frac_bits` fractional bits (Q(15-f).f); `v = x' gamma + bias` (exact int32);
 * `y = clamp(output_zp + R(v), lo, hi)`. No float anywhere.
 */
typedef struct {
    int32_t row;            /**< values per row (the last axis), [1, 16384] */
    int32_t norm_frac_bits; /**< f of the normalized value, [0, 14] */
    int64_t epsilon_term;   /**< round(row^2 epsilon / s_x^2), [0, 2^61] */
    const int16_t *gamma;   /**< int16 [row], scale s_g */
    const int32_t *bias;    /**< int32 [row], scale s_g 2^-f, |bias| <= 2^30 */
    mcu_rescale_t rescale;  /**< R, realizes s_g 2^-f / s_y */
    int32_t output_zp;      /**< output zero point */
    int32_t lo;             /**< clamp low */
    int32_t hi;             /**< clamp high */
} mcu_layer_norm_params_t;

/** @brief Layer normalization of `rows` rows of int8 x [rows, row] into int8 y [rows, row] (y may equal x). */
void mcu_layer_norm_s8(const mcu_layer_norm_params_t *p, int32_t rows, const int8_t *x, int8_t *y);

/** @brief Layer normalization of `rows` rows of int16 x [rows, row] into int16 y [rows, row] (y may equal x). */
void mcu_layer_norm_s16(const mcu_layer_norm_params_t *p, int32_t rows, const int16_t *x, int16_t *y);

/**
 * Embedding table (Java `QEmbedding`, `NormKernels.embedding`): `rows` rows of `dim` values quantized
 * with the output's own scale and zero point (the lookup is a copy, no rescale). Set the table of the
 * kernel's width (`table_s8` for mcu_embedding_s8(), `table_s16` for mcu_embedding_s16()).
 */
typedef struct {
    int32_t rows;             /**< input_dim: valid token ids are [0, rows) */
    int32_t dim;              /**< output_dim */
    const int8_t *table_s8;   /**< int8 [rows, dim], or NULL */
    const int16_t *table_s16; /**< int16 [rows, dim], or NULL */
} mcu_embedding_params_t;

/**
 * @brief Looks up `count` token ids: y[i, :] = table[id_i, :], int8 y [count, dim].
 *        Bounds: an id below 0 reads row 0 and an id >= rows reads row rows - 1 (clamped, never outside
 *        the table); callers pass ids in [0, rows).
 */
void mcu_embedding_s8(const mcu_embedding_params_t *p, const int32_t *ids, int32_t count, int8_t *y);

/** @brief As mcu_embedding_s8(), int16 y [count, dim]. */
void mcu_embedding_s16(const mcu_embedding_params_t *p, const int32_t *ids, int32_t count, int16_t *y);

/**
 * Fully connected with weights narrower than 8 bits (Java `QFullyConnected` whose weights declare 4 or
 * 2 bits), int8 input, int32 accumulator: `acc_o = bias_o + sum_i x_i * w[o][i]` with w decoded from
 * `weights` (::mcu_sub8_matrix_t, R = units, C = input_size), then as mcu_fully_connected_s8():
 * `y_o = clamp(output_zp + R_o(acc_o), act_min, act_max)`. The int32 accumulator is the one the
 * compiler proved (the same integers as the int8 kernel on the decoded weights); input_size <= 2^19.
 */
typedef struct {
    int32_t input_size;           /**< inputs per row, [1, 2^19] */
    int32_t units;                /**< outputs per row, >= 1 */
    mcu_sub8_matrix_t weights;    /**< packed [units, input_size] (row = unit) */
    const int32_t *bias;          /**< int32 [units], input zero point folded in */
    const mcu_rescale_t *rescale; /**< rescale_count entries */
    int32_t rescale_count;        /**< 1 (per tensor) or units (per channel) */
    int32_t output_zp;            /**< output zero point */
    int32_t act_min;              /**< clamp low */
    int32_t act_max;              /**< clamp high */
} mcu_fc_sub8_params_t;

/**
 * @brief Fully connected, int8 input and output, 4-bit packed weights (two per byte, ::mcu_sub8_matrix_t).
 * @param p params, `weights.bits` 4
 * @param rows number of input rows, >= 1
 * @param x int8 [rows, input_size]
 * @param y int8 [rows, units], values in [act_min, act_max]
 */
void mcu_fully_connected_s8w4(const mcu_fc_sub8_params_t *p, int32_t rows, const int8_t *x, int8_t *y);

/** @brief As mcu_fully_connected_s8w4(), int16 output (e.g. a Q3.12 pre-activation). */
void mcu_fully_connected_s8w4_s16(const mcu_fc_sub8_params_t *p, int32_t rows, const int8_t *x, int16_t *y);

/** @brief As mcu_fully_connected_s8w4(), the raw int32 accumulator as output (the Dense before a softmax). */
void mcu_fully_connected_s8w4_s32(const mcu_fc_sub8_params_t *p, int32_t rows, const int8_t *x, int32_t *y);

/**
 * @brief Fully connected, int8 input and output, 2-bit packed weights (four per byte, ::mcu_sub8_matrix_t).
 * @param p params, `weights.bits` 2
 * @param rows number of input rows, >= 1
 * @param x int8 [rows, input_size]
 * @param y int8 [rows, units], values in [act_min, act_max]
 */
void mcu_fully_connected_s8w2(const mcu_fc_sub8_params_t *p, int32_t rows, const int8_t *x, int8_t *y);

/** @brief As mcu_fully_connected_s8w2(), int16 output. */
void mcu_fully_connected_s8w2_s16(const mcu_fc_sub8_params_t *p, int32_t rows, const int8_t *x, int16_t *y);

/** @brief As mcu_fully_connected_s8w2(), the raw int32 accumulator as output. */
void mcu_fully_connected_s8w2_s32(const mcu_fc_sub8_params_t *p, int32_t rows, const int8_t *x, int32_t *y);

/**
 * Convolution or depthwise convolution with weights narrower than 8 bits (Java `QConv` /
 * `QDepthwiseConv` whose weights declare 4 or 2 bits), int8 input, int32 accumulator; geometry,
 * padding and output stage as ::mcu_conv_params_t / ::mcu_depthwise_conv_params_t (taps outside the
 * input read `pad_value`). The weights are the packed matrix (::mcu_sub8_matrix_t) of R = output
 * channels rows: for a convolution C = kernel_h * kernel_w * channels columns, column
 * `(r * kernel_w + q) * channels + c` (the Dense view of mcu_conv_params_t.weight_layout); for a
 * depthwise convolution C = kernel_h * kernel_w columns, column `r * kernel_w + q`, row `c * m + j`
 * reading input channel c.
 */
typedef struct {
    int32_t in_h;                 /**< input height (1 for 1-D) */
    int32_t in_w;                 /**< input width */
    int32_t channels;             /**< input channels */
    int32_t out_channels;         /**< output channels: filters, or channels * multiplier (depthwise) */
    int32_t multiplier;           /**< depthwise: depth multiplier m >= 1; convolution: 0 */
    int32_t kernel_h;             /**< >= 1 */
    int32_t kernel_w;             /**< >= 1 */
    int32_t stride_h;             /**< >= 1 */
    int32_t stride_w;             /**< >= 1 */
    int32_t dilation_h;           /**< >= 1 */
    int32_t dilation_w;           /**< >= 1 */
    mcu_padding_t padding;        /**< VALID or SAME */
    int32_t pad_value;            /**< value of padded taps: the input zero point */
    mcu_sub8_matrix_t weights;    /**< packed [out_channels, taps] as above */
    const int32_t *bias;          /**< int32 [out_channels], zero point folded in */
    const mcu_rescale_t *rescale; /**< rescale_count entries */
    int32_t rescale_count;        /**< 1 or out_channels */
    int32_t output_zp;            /**< output zero point */
    int32_t act_min;              /**< clamp low */
    int32_t act_max;              /**< clamp high */
} mcu_conv_sub8_params_t;

/**
 * @brief Convolution, int8 input and output, 4-bit packed weights (::mcu_conv_sub8_params_t, multiplier 0).
 * @param p params, `weights.bits` 4
 * @param x int8 [in_h, in_w, channels]
 * @param y int8 [out_h, out_w, out_channels]
 */
void mcu_conv_s8w4(const mcu_conv_sub8_params_t *p, const int8_t *x, int8_t *y);

/** @brief As mcu_conv_s8w4(), int16 output (e.g. a Q3.12 pre-activation). */
void mcu_conv_s8w4_s16(const mcu_conv_sub8_params_t *p, const int8_t *x, int16_t *y);

/** @brief As mcu_conv_s8w4(), 2-bit packed weights (`weights.bits` 2). */
void mcu_conv_s8w2(const mcu_conv_sub8_params_t *p, const int8_t *x, int8_t *y);

/** @brief As mcu_conv_s8w2(), int16 output. */
void mcu_conv_s8w2_s16(const mcu_conv_sub8_params_t *p, const int8_t *x, int16_t *y);

/**
 * @brief Depthwise convolution, int8 input and output, 4-bit packed weights (::mcu_conv_sub8_params_t,
 *        multiplier >= 1).
 * @param p params, `weights.bits` 4
 * @param x int8 [in_h, in_w, channels]
 * @param y int8 [out_h, out_w, channels * multiplier]
 */
void mcu_depthwise_conv_s8w4(const mcu_conv_sub8_params_t *p, const int8_t *x, int8_t *y);

/** @brief As mcu_depthwise_conv_s8w4(), 2-bit packed weights (`weights.bits` 2). */
void mcu_depthwise_conv_s8w2(const mcu_conv_sub8_params_t *p, const int8_t *x, int8_t *y);

#ifdef __cplusplus
}
#endif

#endif /* MCU_NN_H */
