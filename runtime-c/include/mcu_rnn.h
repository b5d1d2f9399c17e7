/**
 * @file mcu_rnn.h
 * @brief Integer recurrent step kernels (SimpleRNN, GRU, LSTM), one time step each, bit-exact with
 *        the Java simulator's cells (`dev.mcugen.ir.sim.SimpleRnnCell`, `GruCell`, `LstmCell`; the
 *        records `QSimpleRnn`, `QGru`, `QLstm`, `QGate`, `QMatVec`, `QPeephole`, `QLayerNorm`,
 *        `QActivation` state the formulas; docs/recurrent-quantization.md explains them).
 *
 * Conventions:
 * - Two element widths, as CMSIS-NN names them: `_s8` kernels take an int8 layer input `x_t` and give
 *   int8 outputs (`--precision int8`: asymmetric, zero points folded into the matrices' biases);
 *   `_s16` kernels take and give int16 (`--precision int16`: symmetric, zero point 0). Weights are
 *   int8 in both (`mcu_rnn_matvec_t`); gates, pre-activations and the SimpleRNN / GRU state h and the
 *   LSTM cell c are int16 in both. Only the LSTM hidden state h (its output) changes type with the
 *   width (::mcu_lstm_state_t, ::mcu_lstm_state_s16_t). Both widths share one parameter struct per
 *   cell, and the same parameters give the Java cell's integers for either width. Inputs may take
 *   any value of their type ([-128, 127] or [-32768, 32767]); outputs lie in the params' clamp range.
 * - The state is caller-owned and persists between steps; a fresh state holds real zero (see each
 *   state struct). The step reads the old state and overwrites it with the new one.
 * - Scratch buffers are caller-owned, of the documented sizes; their contents do not persist.
 * - Matrix products accumulate `bias + sum w * x` exactly in int64 and saturate once to int32
 *   (Java `RecurrentMath.matVec`; with int16 vectors `QMatVec.wideAccumulator` may be true, and the
 *   int64 sum is what makes that exact), then rescale (::mcu_rescale_t, multiplier 0 = power of two).
 * - Parameters are not checked (the compiler produced them); no allocation, no float, C99.
 */
#ifndef MCU_RNN_H
#define MCU_RNN_H

#include <stdint.h>

#include "mcu_nn.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Activation functions (Java `QActivation.function`). */
#define MCU_RNN_ACT_SIGMOID 0      /**< Q0.15 output, lut or poly */
#define MCU_RNN_ACT_TANH 1         /**< Q0.15 output, lut or poly */
#define MCU_RNN_ACT_HARD_SIGMOID 2 /**< clamp(16384 + round(x 2^(15-f) / 5), 0, 32767), exact */
#define MCU_RNN_ACT_RELU 3         /**< max(x, 0), same format */
#define MCU_RNN_ACT_LINEAR 4       /**< identity, same format */

/** Sigmoid / tanh implementation (Java `QActivation.Impl`). */
#define MCU_RNN_IMPL_LUT 0  /**< mcu_sigmoid_lut_s16 / mcu_tanh_lut_s16 */
#define MCU_RNN_IMPL_POLY 1 /**< mcu_sigmoid_poly_s16 / mcu_tanh_poly_s16 */

/** An element-wise int16 activation (Java `QActivation`): input Q(15-f).f with f = input_frac_bits. */
typedef struct {
    int32_t function;        /**< MCU_RNN_ACT_* */
    int32_t impl;            /**< MCU_RNN_IMPL_* (sigmoid, tanh) */
    int32_t input_frac_bits; /**< f, [0, 15]; inputs coarser than Q7.8 are saturated to Q7.8 first */
} mcu_rnn_act_t;

/**
 * A matrix times a vector, rescaled (Java `QMatVec`):
 * `out_r = R(sat32(bias_r + sum_c weights[r * cols + c] * x_c))`; x is int8 or int16 (the layer
 * input and the LSTM h / m of the kernel's width, or an int16 state).
 */
typedef struct {
    int32_t rows;          /**< output rows */
    int32_t cols;          /**< input length */
    const int8_t *weights; /**< int8 in `weight_layout` (PLAIN: [rows, cols], row-major) */
    const int32_t *bias;   /**< int32 [rows], zero points folded in */
    mcu_rescale_t rescale; /**< accumulator scale / destination scale */
    mcu_weight_layout_t weight_layout; /**< layout of `weights` (R = rows, C = cols; mcu_nn.h) */
    /**
     * With `weight_layout` MCU_WLAYOUT_SUB8 (`weights` NULL): the packed 4- or 2-bit weights [rows, cols]
     * (::mcu_sub8_matrix_t), read by ::mcu_lstm_step_sub8_s8 and ::mcu_gru_step_sub8_s8 only; unused otherwise.
     */
    mcu_sub8_matrix_t sub8;
} mcu_rnn_matvec_t;

/**
 * One gate (Java `QGate`): `sum_j = sat16(sat32(input.out_j + recurrent.out_j [+ R_p(P_j c_j)]))`;
 * without layer norm `pre = sum`, with it `pre = layernorm(sum)` (Java `RecurrentMath.layerNorm`);
 * `out = activation(pre)`.
 */
typedef struct {
    mcu_rnn_matvec_t input;          /**< W x, rows = units, cols = input size */
    mcu_rnn_matvec_t recurrent;      /**< R h, rows = units, cols = state width */
    const int16_t *peephole;         /**< int16 [units] P, or NULL (no peephole; LSTM only) */
    mcu_rescale_t peephole_rescale;  /**< s_P s_c / s_dest */
    const int16_t *ln_coefficients;  /**< int16 [units] L, or NULL (no layer norm; LSTM only) */
    const int32_t *ln_bias;          /**< int32 [units] layer-norm bias (scale s_L 2^-10) */
    mcu_rescale_t ln_rescale;        /**< s_L 2^-10 / s_pre */
    mcu_rnn_act_t activation;        /**< sigmoid / hard_sigmoid / tanh / relu / linear */
} mcu_rnn_gate_t;

/* ------------------------------------------------------------------------------------------- */

/**
 * SimpleRNN (Java `QSimpleRnn`): `pre = sat16(input.out(x) + recurrent.out(h))`,
 * `h = activation(pre)` (int16 state), `y = sat(R_out(h) + output_zp)` when `has_output_rescale`.
 * With `--precision int16` the compiler gives the output the state's type: `has_output_rescale` 0.
 */
typedef struct {
    int32_t units;                /**< u */
    mcu_rnn_matvec_t input;       /**< [u, input size] */
    mcu_rnn_matvec_t recurrent;   /**< [u, u], reads the int16 state */
    mcu_rnn_act_t activation;     /**< output in the state's format */
    int32_t has_output_rescale;   /**< 0: the output is the int16 state itself (y unused) */
    mcu_rescale_t output_rescale; /**< s_h / s_y */
    int32_t output_zp;            /**< y zero point (0 for s16) */
    int32_t output_min;           /**< y type qmin, within [-128, 127] (s8) or [-32768, 32767] (s16) */
    int32_t output_max;           /**< y type qmax, likewise */
} mcu_simple_rnn_params_t;

/** SimpleRNN state: `h` int16 [units], fresh state all 0. */
typedef struct {
    int16_t *h;
} mcu_simple_rnn_state_t;

/**
 * One SimpleRNN step, int8 input and output. `x_t`: int8 [input size] (`p->input.cols`).
 * `scratch`: int16 [units]. `y`: int8 [units], written only when `has_output_rescale` (may be NULL
 * when it is 0: then the output is `state->h`).
 */
void mcu_simple_rnn_step_s8(const mcu_simple_rnn_params_t *p, mcu_simple_rnn_state_t *state, const int8_t *x_t,
                            int8_t *y, int16_t *scratch);

/**
 * One SimpleRNN step, int16 input and output (`--precision int16`); otherwise as
 * ::mcu_simple_rnn_step_s8. `x_t`: int16 [input size]. `scratch`: int16 [units]. `y`: int16 [units],
 * written only when `has_output_rescale` (may be NULL when it is 0: then the output is `state->h`,
 * which is what the compiler produces at int16).
 */
void mcu_simple_rnn_step_s16(const mcu_simple_rnn_params_t *p, mcu_simple_rnn_state_t *state, const int16_t *x_t,
                             int16_t *y, int16_t *scratch);

/* ------------------------------------------------------------------------------------------- */

/**
 * GRU (Java `QGru`, Keras gate order z, r, h; both `reset_after` forms), int16 state h:
 * - reset_after 0: `rh = rdivpot(r h, reset_shift)`, `pre = sat16(cand_input.out(x) + cand_recurrent.out(rh))`;
 * - reset_after 1: `rec = sat16(cand_recurrent.out(h))`, `pre = sat16(cand_input.out(x) + R_rp(r rec))`;
 * `hh = candidate_activation(pre)`, `h = sat16(rdivpot(z h + (2^update_shift - z) hh, update_shift))`,
 * `y = sat(R_out(h) + output_zp)` when `has_output_rescale`. With `--precision int16` the compiler
 * gives the output the state's type: `has_output_rescale` 0.
 */
typedef struct {
    int32_t units;                       /**< u */
    int32_t reset_after;                 /**< Keras reset_after (0 or 1) */
    mcu_rnn_gate_t update_gate;          /**< z (no peephole, no layer norm) */
    mcu_rnn_gate_t reset_gate;           /**< r (no peephole, no layer norm) */
    mcu_rnn_matvec_t candidate_input;    /**< [u, input size] */
    mcu_rnn_matvec_t candidate_recurrent; /**< [u, u], reads rh (reset_after 0) or h (1) */
    int32_t reset_shift;                 /**< reset_after 0: shift of r h, [0, 15] */
    mcu_rescale_t reset_product_rescale; /**< reset_after 1: s_r s_rec / s_pre */
    mcu_rnn_act_t candidate_activation;  /**< output in the state's format */
    int32_t update_shift;                /**< fractional bits of z, 15 */
    int32_t has_output_rescale;          /**< 0: the output is the int16 state itself (y unused) */
    mcu_rescale_t output_rescale;        /**< s_h / s_y */
    int32_t output_zp;                   /**< y zero point (0 for s16) */
    int32_t output_min;                  /**< y type qmin, within [-128, 127] (s8) or [-32768, 32767] (s16) */
    int32_t output_max;                  /**< y type qmax, likewise */
} mcu_gru_params_t;

/** GRU state: `h` int16 [units], fresh state all 0. */
typedef struct {
    int16_t *h;
} mcu_gru_state_t;

/**
 * One GRU step, int8 input and output. `x_t`: int8 [input size] (`p->candidate_input.cols`).
 * `scratch`: int16 [4 * units]. `y`: int8 [units], written only when `has_output_rescale` (may be
 * NULL when it is 0: then the output is `state->h`).
 */
void mcu_gru_step_s8(const mcu_gru_params_t *p, mcu_gru_state_t *state, const int8_t *x_t, int8_t *y,
                     int16_t *scratch);

/**
 * ::mcu_gru_step_s8 for a layer whose matrices may be narrower than 8 bits: each ::mcu_rnn_matvec_t is
 * int8 in MCU_WLAYOUT_PLAIN or packed 4- or 2-bit in MCU_WLAYOUT_SUB8 (its own width; the same integers
 * as the int8 kernel on the decoded weights). Portable scalar path on every target.
 */
void mcu_gru_step_sub8_s8(const mcu_gru_params_t *p, mcu_gru_state_t *state, const int8_t *x_t, int8_t *y,
                          int16_t *scratch);

/**
 * The input accumulators of the three GRU input products (update, reset, candidate) for one or two
 * time steps: `acc[k * units + j] = sat32(bias + W x0)` of product k's row j for x0, and
 * `acc[(3 + k) * units + j]` the same for x1 when x1 is not NULL. Feeding them to
 * ::mcu_gru_step_acc_s8 gives exactly ::mcu_gru_step_s8 on x0 (then on x1); computing two steps'
 * products at once is what makes a whole sequence cheaper than step by step (Cortex-M3: one weight
 * load serves both steps). `x0`, `x1`: int8 [input size]; `acc`: int32 [6 * units] (3 * units when
 * x1 is NULL).
 */
void mcu_gru_input2_s8(const mcu_gru_params_t *p, const int8_t *x0, const int8_t *x1, int32_t *acc);

/**
 * ::mcu_gru_step_s8 with the input products already computed: `acc_x` is int32 [3 * units] of
 * ::mcu_gru_input2_s8 (its first or second half).
 */
void mcu_gru_step_acc_s8(const mcu_gru_params_t *p, mcu_gru_state_t *state, const int32_t *acc_x, int8_t *y,
                         int16_t *scratch);

/**
 * One GRU step, int16 input and output (`--precision int16`); otherwise as ::mcu_gru_step_s8.
 * `x_t`: int16 [input size]. `scratch`: int16 [4 * units]. `y`: int16 [units], written only when
 * `has_output_rescale` (may be NULL when it is 0: then the output is `state->h`, which is what the
 * compiler produces at int16).
 */
void mcu_gru_step_s16(const mcu_gru_params_t *p, mcu_gru_state_t *state, const int16_t *x_t, int16_t *y,
                      int16_t *scratch);

/* ------------------------------------------------------------------------------------------- */

/**
 * LSTM (Java `QLstm`; the integer LSTM of Li & Alvarez, "On the quantization of recurrent neural
 * networks", with every variant of its Table 2: ±peephole, ±layer norm, ±projection, CIFG), gate order
 * i, f, z (candidate), o; h (the layer output) and m of the kernel's width (int8 for s8, int16 for
 * s16), int16 cell c:
 * ```
 * i = input_gate(x, h, c)          CIFG (input_gate == NULL): i = min(32767, 32768 - f)
 * f = forget_gate(x, h, c)
 * z = cell_gate(x, h)
 * c = sat16(rdivpot(f c, cell_forget_shift) + rdivpot(i z, cell_input_shift))
 * o = output_gate(x, h, c)         peephole on the new c
 * m = clamp(R_hidden(o * cell_activation(c)) + hidden_zp, hidden_min, hidden_max)
 * h = projection == NULL ? m : clamp(projection.out(m) + output_zp, output_min, output_max)
 * ```
 */
typedef struct {
    int32_t units;                       /**< u (cell width) */
    const mcu_rnn_gate_t *input_gate;    /**< i, or NULL for CIFG */
    mcu_rnn_gate_t forget_gate;          /**< f */
    mcu_rnn_gate_t cell_gate;            /**< z (never a peephole) */
    mcu_rnn_gate_t output_gate;          /**< o */
    int32_t cell_forget_shift;           /**< [0, 31] */
    int32_t cell_input_shift;            /**< [0, 31] */
    mcu_rnn_act_t cell_activation;       /**< act(c), input in the cell's format */
    mcu_rescale_t hidden_rescale;        /**< 2^-15 s_act / s_m */
    int32_t hidden_zp;                   /**< m zero point (0 for s16) */
    int32_t hidden_min;                  /**< m type qmin, within [-128, 127] (s8) or [-32768, 32767] (s16) */
    int32_t hidden_max;                  /**< m type qmax, likewise */
    const mcu_rnn_matvec_t *projection;  /**< [output units, u], or NULL (then h = m) */
    int32_t output_zp;                   /**< h zero point (projection; 0 for s16) */
    int32_t output_min;                  /**< h type qmin (projection), within the width's range */
    int32_t output_max;                  /**< h type qmax (projection), likewise */
} mcu_lstm_params_t;

/**
 * LSTM state of ::mcu_lstm_step_s8: `h` int8 [output units] (fresh: the output zero point), `c`
 * int16 [units] (fresh: 0).
 */
typedef struct {
    int8_t *h;
    int16_t *c;
} mcu_lstm_state_t;

/**
 * LSTM state of ::mcu_lstm_step_s16: `h` int16 [output units] (fresh: the output zero point, 0 for
 * the symmetric int16 the compiler produces), `c` int16 [units] (fresh: 0).
 */
typedef struct {
    int16_t *h;
    int16_t *c;
} mcu_lstm_state_s16_t;

/**
 * One LSTM step, int8 input, h and output. `x_t`: int8 [input size] (`p->forget_gate.input.cols`).
 * `scratch16`: int16 [4 * units]; `scratch8`: int8 [units] (holds m; only used with a projection,
 * may be NULL without). `y`: int8 [output units] receives the new h (may be NULL).
 */
void mcu_lstm_step_s8(const mcu_lstm_params_t *p, mcu_lstm_state_t *state, const int8_t *x_t, int8_t *y,
                      int16_t *scratch16, int8_t *scratch8);

/**
 * ::mcu_lstm_step_s8 for a layer whose matrices may be narrower than 8 bits: each ::mcu_rnn_matvec_t
 * (gates, projection) is int8 in MCU_WLAYOUT_PLAIN or packed 4- or 2-bit in MCU_WLAYOUT_SUB8 (its own
 * width; the same integers as the int8 kernel on the decoded weights). Portable scalar path on every
 * target.
 */
void mcu_lstm_step_sub8_s8(const mcu_lstm_params_t *p, mcu_lstm_state_t *state, const int8_t *x_t, int8_t *y,
                           int16_t *scratch16, int8_t *scratch8);

/**
 * The input accumulators of the LSTM gates for one or two time steps: `acc[k * units + j] =
 * sat32(bias + W x0)` of gate k's (i, f, z, o) input row j for x0, and `acc[(4 + k) * units + j]` the
 * same for x1 when x1 is not NULL (the CIFG input gate's slots are left as they are). Feeding them
 * to ::mcu_lstm_step_acc_s8 gives exactly ::mcu_lstm_step_s8 on x0 (then on x1); computing two
 * steps' products at once is what makes a whole sequence cheaper than step by step (Cortex-M3: one
 * weight load serves both steps). `x0`, `x1`: int8 [input size]; `acc`: int32 [8 * units]
 * (4 * units when x1 is NULL).
 */
void mcu_lstm_input2_s8(const mcu_lstm_params_t *p, const int8_t *x0, const int8_t *x1, int32_t *acc);

/**
 * ::mcu_lstm_step_s8 with the gates' input products already computed: `acc_x` is int32 [4 * units]
 * of ::mcu_lstm_input2_s8 (its first or second half).
 */
void mcu_lstm_step_acc_s8(const mcu_lstm_params_t *p, mcu_lstm_state_t *state, const int32_t *acc_x, int8_t *y,
                          int16_t *scratch16, int8_t *scratch8);

/**
 * One LSTM step, int16 input, h, m and output (`--precision int16`); otherwise as
 * ::mcu_lstm_step_s8. `x_t`: int16 [input size]. `scratch`: int16 [4 * units] (with a projection m
 * reuses its first `units` values, so no extra buffer). `y`: int16 [output units] receives the new
 * h (may be NULL).
 */
void mcu_lstm_step_s16(const mcu_lstm_params_t *p, mcu_lstm_state_s16_t *state, const int16_t *x_t, int16_t *y,
                       int16_t *scratch);

#ifdef __cplusplus
}
#endif

#endif /* MCU_RNN_H */
