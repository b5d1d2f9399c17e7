/*
 * mcugen float baseline runtime (runtime-c/float/): the float32 C a firmware engineer would write for
 * the same layers, so that the benchmark suite can compare mcugen's integer C against it on the same
 * target (issue 6). It is NOT part of what `mcugen build` ships: the product is float-free (DESIGN §6).
 *
 * Semantics are those of mcugen's float interpreter (TF.js layers): Dense, Conv1D, 1-D pooling, global
 * pooling, LSTM / GRU / SimpleRNN with their activations (incl. hard_sigmoid), softmax. Weights are laid
 * out for contiguous row loops: one output value = one dot product over consecutive floats.
 * C99, -Wall -Wextra -Werror clean; exp/tanh come from the C library's libm (expf, tanhf).
 */
#ifndef MCF_NN_H
#define MCF_NN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Element-wise activations (Keras names); softmax is its own function. */
typedef enum {
    MCF_LINEAR = 0,
    MCF_RELU = 1,
    MCF_RELU6 = 2,
    MCF_SIGMOID = 3,
    /** clip(0.2 x + 0.5, 0, 1), the TF.js / Keras 2 form. */
    MCF_HARD_SIGMOID = 4,
    MCF_TANH = 5
} mcf_act_t;

/**
 * Dense over the last axis: for each of @p rows input rows x[r][in],
 * y[r][o] = act(bias[o] + sum_k x[r][k] * w[o][k]).
 * @param w     [units][in], row o holds output o's weights (the transposed Keras kernel)
 * @param bias  [units] or NULL
 */
void mcf_dense_f32(const float *x, int32_t rows, int32_t in, const float *w, const float *bias, int32_t units,
                   mcf_act_t act, float *y);

/**
 * Conv1D over x[steps][channels] (channels last, cross-correlation as TensorFlow):
 * y[t][f] = act(bias[f] + sum_{j,c} x[t*stride + j*dilation - pad_before][c] * w[f][j][c]),
 * positions outside the input contribute nothing (zero padding).
 * @param w  [filters][kernel][channels] (the Keras kernel [kernel][channels][filters] reordered)
 */
void mcf_conv1d_f32(const float *x, int32_t steps, int32_t channels, const float *w, const float *bias,
                    int32_t filters, int32_t kernel, int32_t stride, int32_t dilation, int32_t pad_before,
                    int32_t out_steps, mcf_act_t act, float *y);

/**
 * 1-D max (@p is_max != 0) or average pooling over x[steps][channels]; windows are clipped to the input
 * (TF.js pool: max over the valid positions, average over their count).
 */
void mcf_pool1d_f32(const float *x, int32_t steps, int32_t channels, int32_t size, int32_t stride,
                    int32_t pad_before, int32_t out_steps, int is_max, float *y);

/** Global max / average over x[positions][channels] -> y[channels]. */
void mcf_global_pool_f32(const float *x, int32_t positions, int32_t channels, int is_max, float *y);

/**
 * Layer normalization of each of @p rows rows of @p n values of x into y (y may equal x):
 * y = (x - mean) / sqrtf(var + epsilon) * gamma + beta, var the mean of the squared deviations.
 */
void mcf_layer_norm_f32(const float *x, int32_t rows, int32_t n, const float *gamma, const float *beta, float epsilon,
                        float *y);

/**
 * Embedding lookup: y[i][:] = table[id_i][:] for @p count ids given as floats holding whole numbers
 * (the float baseline's input is float); an id outside [0, rows) is clamped into it.
 */
void mcf_embedding_f32(const float *ids, int32_t count, const float *table, int32_t rows, int32_t dim, float *y);

/** Applies an element-wise activation to v[0..n) in place. */
void mcf_activate_f32(float *v, int32_t n, mcf_act_t act);

/** Softmax in place over each of @p rows consecutive rows of @p len values (max subtracted first). */
void mcf_softmax_f32(float *v, int32_t rows, int32_t len);

/**
 * LSTM over a sequence x[steps][in] (Keras gate order i, f, c, o), zero initial state:
 * z = x W + h R + b; c = f*c + i*act(z_c); h = o*act(c).
 * @param w         [4*units][in]    (row g = gate row g of the transposed Keras kernel)
 * @param r         [4*units][units] (the transposed recurrent kernel)
 * @param bias      [4*units] or NULL
 * @param h, c      state [units] each (zeroed here)
 * @param gates     scratch [4*units]
 * @param y         [steps][units] when @p return_sequences, else [units] (the last h)
 */
void mcf_lstm_f32(const float *x, int32_t steps, int32_t in, int32_t units, const float *w, const float *r,
                  const float *bias, mcf_act_t act, mcf_act_t recurrent_act, int go_backwards, int return_sequences,
                  float *h, float *c, float *gates, float *y);

/**
 * GRU over x[steps][in] (Keras gate order z, r, h), zero initial state. reset_after 0 (TF.js):
 * hh = act(x W_h + b_h + (r*h) R_h); reset_after 1 (Keras default): hh = act(x W_h + b_h + r*(h R_h + b_rec_h)).
 * h = z*h + (1-z)*hh.
 * @param w         [3*units][in]; @p r [3*units][units]
 * @param bias      input bias [3*units] or NULL; @p bias_rec recurrent bias [3*units] (reset_after only) or NULL
 * @param gates     scratch [3*units]; @p tmp scratch [units]
 */
void mcf_gru_f32(const float *x, int32_t steps, int32_t in, int32_t units, const float *w, const float *r,
                 const float *bias, const float *bias_rec, int reset_after, mcf_act_t act, mcf_act_t recurrent_act,
                 int go_backwards, int return_sequences, float *h, float *gates, float *tmp, float *y);

/**
 * SimpleRNN over x[steps][in]: h = act(x W + b + h R), zero initial state.
 * @param w [units][in]; @p r [units][units]; @p tmp scratch [units]
 */
void mcf_simple_rnn_f32(const float *x, int32_t steps, int32_t in, int32_t units, const float *w, const float *r,
                        const float *bias, mcf_act_t act, int go_backwards, int return_sequences, float *h,
                        float *tmp, float *y);

#ifdef __cplusplus
}
#endif

#endif
