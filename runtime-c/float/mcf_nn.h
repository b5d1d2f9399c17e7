/*
 * mcugen float baseline runtime (runtime-c/float/): the float32 C a firmware engineer would write for
 * the same layers, so that the benchmark suite can compare mcugen's integer C against it on the same
 * target (docs/benchmarks.md). It is NOT part of what `mcugen build` ships: that C is float-free (no
 * float or double anywhere, no soft-float routine linked).
 *
 * Semantics are those of mcugen's float interpreter (TF.js layers): Dense, Conv1D, 1-D pooling, global
 * pooling, element-wise ops with a constant per-channel operand, LSTM / GRU / SimpleRNN with their
 * activations (incl. hard_sigmoid), softmax. Weights are laid
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
    MCF_TANH = 5,
    /** x > 0 ? x : exp(x) - 1. */
    MCF_ELU = 6,
    /** x * sigmoid(x). */
    MCF_SWISH = 7,
    /** x * relu6(x + 3) / 6. */
    MCF_HARD_SWISH = 8,
    /** relu6(x + 3) / 6, the Keras 3 / PyTorch form. */
    MCF_HARD_SIGMOID6 = 9,
    /** x >= 0 ? x : 0.2 x (Keras 3's leaky_relu activation). */
    MCF_LEAKY_RELU = 10
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
 * Conv2D over x[in_h][in_w][channels] (channels last, cross-correlation as TensorFlow):
 * y[oy][ox][f] = act(bias[f] + sum_{r,q,c} x[oy*stride_h + r*dilation_h - pad_top][ox*stride_w +
 * q*dilation_w - pad_left][c] * w[f][r][q][c]); positions outside the input contribute nothing (zero
 * padding).
 * @param w     [filters][kernel_h][kernel_w][channels] (the Keras kernel [kh][kw][channels][filters] reordered)
 * @param bias  [filters] or NULL
 */
void mcf_conv2d_f32(const float *x, int32_t in_h, int32_t in_w, int32_t channels, const float *w, const float *bias,
                    int32_t filters, int32_t kernel_h, int32_t kernel_w, int32_t stride_h, int32_t stride_w,
                    int32_t dilation_h, int32_t dilation_w, int32_t pad_top, int32_t pad_left, int32_t out_h,
                    int32_t out_w, mcf_act_t act, float *y);

/**
 * Inference batch normalization over the last axis of x[rows][channels], folded at generation time:
 * y = x * scale[c] + shift[c] with scale = gamma / sqrt(moving_variance + epsilon) and shift = beta -
 * moving_mean * scale.
 */
void mcf_batch_norm_f32(const float *x, int32_t rows, int32_t channels, const float *scale, const float *shift,
                        float *y);

/**
 * Depthwise convolution (Keras DepthwiseConv1D / DepthwiseConv2D) over x[in_h][in_w][channels] (in_h 1
 * for 1-D): y[oy][ox][c*multiplier + j] = act(bias[o] + sum_{r,q} x[oy*stride_h + r*dilation_h - pad_top]
 * [ox*stride_w + q*dilation_w - pad_left][c] * w[r][q][c*multiplier + j]); positions outside the input
 * contribute nothing (zero padding).
 * @param w     [kernel_h][kernel_w][channels * multiplier] (the Keras depthwise kernel as it is)
 * @param bias  [channels * multiplier] or NULL
 */
void mcf_depthwise_conv_f32(const float *x, int32_t in_h, int32_t in_w, int32_t channels, int32_t multiplier,
                            const float *w, const float *bias, int32_t kernel_h, int32_t kernel_w, int32_t stride_h,
                            int32_t stride_w, int32_t dilation_h, int32_t dilation_w, int32_t pad_top,
                            int32_t pad_left, int32_t out_h, int32_t out_w, mcf_act_t act, float *y);

/**
 * Max (@p is_max != 0) or average pooling over x[in_h][in_w][channels] to y[out_h][out_w][channels]
 * (1-D: in_h = out_h = size_h = stride_h = 1);
 * windows are clipped to the input (TF.js pool: max over the valid positions, average over their count).
 */
void mcf_pool2d_f32(const float *x, int32_t in_h, int32_t in_w, int32_t channels, int32_t size_h, int32_t size_w,
                    int32_t stride_h, int32_t stride_w, int32_t pad_top, int32_t pad_left, int32_t out_h,
                    int32_t out_w, int is_max, float *y);

/** Element-wise ops of a tensor with a constant per-channel vector (mcf_elementwise_f32()). */
typedef enum {
    MCF_ELT_ADD = 0,
    MCF_ELT_SUB = 1,
    MCF_ELT_MUL = 2,
    MCF_ELT_AVERAGE = 3,
    MCF_ELT_MAXIMUM = 4,
    MCF_ELT_MINIMUM = 5
} mcf_elt_t;

/**
 * y[i] = op(x[i], c[i mod channels]) over x[size] (size a multiple of channels), or op(c, x) when
 * @p constant_first (which matters for MCF_ELT_SUB); MCF_ELT_AVERAGE is (a + b) / 2. y may equal x.
 */
void mcf_elementwise_f32(const float *x, int32_t size, int32_t channels, const float *c, mcf_elt_t op,
                         int constant_first, float *y);

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

/**
 * Leaky ReLU / PReLU in place over v[0..n): v[i] < 0 ? alpha[i % alpha_count] * v[i] : v[i]
 * (@p alpha_count 1 for leaky ReLU; PReLU's slopes for the repeating tail of the tensor).
 */
void mcf_prelu_f32(float *v, int32_t n, const float *alpha, int32_t alpha_count);

/** ELU in place over v[0..n): v > 0 ? v : alpha * (exp(v) - 1). */
void mcf_elu_f32(float *v, int32_t n, float alpha);

/** Hard sigmoid in place over v[0..n): clip(alpha * v + beta, 0, 1) (ONNX HardSigmoid). */
void mcf_hard_sigmoid_f32(float *v, int32_t n, float alpha, float beta);

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

/**
 * Zero padding / cropping of x[in_h][in_w][channels]: amounts top, bottom, left, right are signed
 * (positive pads with 0, negative crops); y[oy][ox] = x[oy - top][ox - left] inside, else 0.
 */
void mcf_pad_f32(const float *x, int32_t in_h, int32_t in_w, int32_t channels, int32_t top, int32_t bottom,
                 int32_t left, int32_t right, float *y);

/** Nearest up-sampling of x[in_h][in_w][channels] by factor_h x factor_w: y[oy][ox] = x[oy / fh][ox / fw]. */
void mcf_upsample_f32(const float *x, int32_t in_h, int32_t in_w, int32_t channels, int32_t factor_h,
                      int32_t factor_w, float *y);

/** Transpose of a row-major tensor of rank 1..4 (dims in_dims): output axis i is input axis perm[i]. */
void mcf_transpose_f32(const float *x, int32_t rank, const int32_t *in_dims, const int32_t *perm, float *y);

/**
 * Transposed convolution of x[in_h][in_w][channels] to y[out_h][out_w][filters]:
 * y[oy][ox][f] = act(bias[f] + sum over iy, ix, c with r = oy + pad_top - iy*stride_h in [0, kh),
 * q = ox + pad_left - ix*stride_w in [0, kw) of x[iy][ix][c] * w[r][q][f][c]).
 * @param w  [kh][kw][filters][channels] (the Keras kernel as stored)
 */
void mcf_transpose_conv_f32(const float *x, int32_t in_h, int32_t in_w, int32_t channels, const float *w,
                            const float *bias, int32_t filters, int32_t kh, int32_t kw, int32_t stride_h,
                            int32_t stride_w, int32_t pad_top, int32_t pad_left, int32_t out_h, int32_t out_w,
                            mcf_act_t act, float *y);

/**
 * Reversal along one axis: x seen as [outer][n][inner], y[o][j] = x[o][n - 1 - j] (a bidirectional layer's
 * backward sequence put back into time order). y must not overlap x.
 */
void mcf_reverse_f32(const float *x, int32_t outer, int32_t n, int32_t inner, float *y);

/**
 * Concatenation of @p count tensors along one axis: for each of @p outer blocks, x[0]'s size[0] values,
 * then x[1]'s size[1] values, ... y must not overlap any x[k].
 */
void mcf_concat_f32(const float *const *x, const int32_t *size, int32_t count, int32_t outer, float *y);

/** Element-wise y = a + b over n values (y may equal a or b). */
void mcf_add_f32(const float *a, const float *b, int32_t n, float *y);

#ifdef __cplusplus
}
#endif

#endif
