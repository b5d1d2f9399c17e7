package dev.mcugen.ir;

import java.util.List;

/**
 * What a {@link Node} computes. Each op is an immutable record of its attributes; the node holds
 * its weights under the names {@link WeightSpecs} lists for the op. Layouts follow Keras
 * (channels last, kernels {@code [..., in, out]}), so importers copy weights without transposing.
 */
public sealed interface Op {

    /** The op's name in mcugen graph JSON and in reports. */
    String kind();

    /** {@code y = act(x · kernel + bias)} over the last axis; kernel {@code [in, units]}. */
    record Dense(int units, Activation activation, boolean useBias) implements Op {
        public String kind() {
            return "dense";
        }
    }

    /**
     * 1-D convolution over {@code [T, C]} (channels last); kernel {@code [k, C, filters]}. As in
     * TensorFlow this is cross-correlation: out[t] = Σ_j x[t*stride + j*dilation - padBefore] · k[j].
     */
    record Conv1D(int filters, int kernelSize, int stride, int dilation, Padding padding,
                  Activation activation, boolean useBias) implements Op {
        public String kind() {
            return "conv1d";
        }
    }

    /** 2-D convolution over {@code [H, W, C]}; kernel {@code [kh, kw, C, filters]}. */
    record Conv2D(int filters, int kernelH, int kernelW, int strideH, int strideW, int dilationH,
                  int dilationW, Padding padding, Activation activation, boolean useBias) implements Op {
        public String kind() {
            return "conv2d";
        }
    }

    /**
     * Depthwise convolution (Keras DepthwiseConv1D over {@code [T, C]}, DepthwiseConv2D over
     * {@code [H, W, C]}): each input channel c is convolved with its own {@code multiplier} filters,
     * output channel {@code c * multiplier + j}; weight {@code depthwise_kernel} {@code [kh, kw, C, multiplier]}
     * ({@code [k, C, multiplier]} in 1-D). A 1-D layer has {@code spatialRank} 1 and kernel, stride
     * and dilation 1 in height. Keras' SeparableConv layers import as this op followed by a 1x1
     * {@link Conv1D} / {@link Conv2D}.
     */
    record DepthwiseConv(int spatialRank, int multiplier, int kernelH, int kernelW, int strideH, int strideW,
                         int dilationH, int dilationW, Padding padding, Activation activation, boolean useBias)
            implements Op {
        public DepthwiseConv {
            if (spatialRank != 1 && spatialRank != 2) {
                throw new IllegalArgumentException("depthwise convolution of spatial rank " + spatialRank);
            }
            if (spatialRank == 1 && (kernelH != 1 || strideH != 1 || dilationH != 1)) {
                throw new IllegalArgumentException("a 1-D depthwise convolution has kernel, stride and dilation 1 in height");
            }
        }

        /** A 1-D depthwise convolution over {@code [T, C]}. */
        public static DepthwiseConv of1d(int multiplier, int kernel, int stride, int dilation, Padding padding,
                                         Activation activation, boolean useBias) {
            return new DepthwiseConv(1, multiplier, 1, kernel, 1, stride, 1, dilation, padding, activation, useBias);
        }

        /** This op with activation {@code a} and bias use {@code bias}. */
        public DepthwiseConv with(Activation a, boolean bias) {
            return new DepthwiseConv(spatialRank, multiplier, kernelH, kernelW, strideH, strideW, dilationH, dilationW,
                    padding, a, bias);
        }

        public String kind() {
            return spatialRank == 1 ? "depthwise_conv1d" : "depthwise_conv2d";
        }
    }

    /**
     * Max or average pooling over the leading spatial axes of {@code [T, C]} (1-D, one size) or
     * {@code [H, W, C]} (2-D, two sizes).
     */
    record Pool(PoolKind pool, List<Integer> size, List<Integer> strides, Padding padding) implements Op {
        public Pool {
            size = List.copyOf(size);
            strides = List.copyOf(strides);
            if (size.size() != strides.size() || size.isEmpty() || size.size() > 2) {
                throw new IllegalArgumentException("pool size " + size + " / strides " + strides);
            }
        }

        /** 1 or 2. */
        public int spatialRank() {
            return size.size();
        }

        public String kind() {
            return pool == PoolKind.MAX ? "max_pool" : "avg_pool";
        }
    }

    /** Pooling over all spatial positions of a rank-{@code spatialRank + 1} input, giving {@code [C]}. */
    record GlobalPool(PoolKind pool, int spatialRank) implements Op {
        public String kind() {
            return pool == PoolKind.MAX ? "global_max_pool" : "global_avg_pool";
        }
    }

    /** Row-major flattening to one dimension. */
    record Flatten() implements Op {
        public String kind() {
            return "flatten";
        }
    }

    /** Row-major reshape; {@code target} may hold one {@link Shape#UNKNOWN} to infer. */
    record Reshape(Shape target) implements Op {
        public String kind() {
            return "reshape";
        }
    }

    /** Inference-time identity, kept so layer names and counts match the source model. */
    record Dropout(float rate) implements Op {
        public String kind() {
            return "dropout";
        }
    }

    /**
     * Inference batch normalization over the last axis:
     * {@code y = gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta}.
     */
    record BatchNorm(float epsilon) implements Op {
        public String kind() {
            return "batch_norm";
        }
    }

    /**
     * Layer normalization over the last axis (Keras LayerNormalization with {@code axis=-1}): per row
     * {@code y = (x - mean) / sqrt(var + epsilon) * gamma + beta}, mean and variance (the mean of the
     * squared deviations) over the row; weights {@code gamma}, {@code beta} {@code [F]} (importers
     * supply ones / zeros for a layer without {@code scale} / {@code center}).
     */
    record LayerNorm(float epsilon) implements Op {
        public String kind() {
            return "layer_norm";
        }
    }

    /**
     * Table lookup of integer token ids (Keras Embedding): input ids of any shape, each in
     * {@code [0, inputDim)}, output the input shape plus {@code [outputDim]}, row {@code id} of the
     * weight {@code embeddings} {@code [inputDim, outputDim]}. The model input it reads holds token ids
     * ({@link GraphInput.Dtype#TOKEN_IDS}).
     */
    record Embedding(int inputDim, int outputDim) implements Op {
        public String kind() {
            return "embedding";
        }
    }

    /** A stand-alone activation (Keras Activation and ReLU layers). */
    record Act(Activation activation) implements Op {
        public String kind() {
            return "activation";
        }
    }

    /** Keras LeakyReLU: {@code x} for {@code x >= 0}, else {@code alpha · x} (any alpha, negative too). */
    record LeakyRelu(float alpha) implements Op {
        public String kind() {
            return "leaky_relu";
        }
    }

    /** Keras ELU: {@code x} for {@code x > 0}, else {@code alpha · (exp(x) - 1)}. */
    record Elu(float alpha) implements Op {
        public String kind() {
            return "elu";
        }
    }

    /**
     * Keras PReLU: {@code x} for {@code x >= 0}, else {@code alpha · x} with a learned {@code alpha}
     * (weight {@code alpha}) of the input's shape with the {@code sharedAxes} (counted without the
     * batch dimension, 0 = first) of size 1, broadcast over them.
     */
    record PRelu(List<Integer> sharedAxes) implements Op {
        public PRelu {
            sharedAxes = List.copyOf(sharedAxes);
        }

        public String kind() {
            return "prelu";
        }
    }

    /** General hard sigmoid {@code max(0, min(1, alpha · x + beta))} (ONNX HardSigmoid). */
    record HardSigmoid(float alpha, float beta) implements Op {
        public String kind() {
            return "hard_sigmoid";
        }
    }

    /**
     * An element-wise op over its operands: the node's inputs, plus — when {@link #constantOperand()}
     * is {@code >= 0} — the node's {@code constant} weight (a per-channel vector {@code [C]}) inserted
     * at that position among them. Operands are of the output's shape, or per-channel vectors
     * ({@code [C]} or {@code [1, ..., 1, C]}, C the last output dimension) repeated at every position.
     */
    sealed interface Elementwise extends Op {
        /** Position of the constant among the operands, or -1 when every operand is an input. */
        int constantOperand();

        /** Least number of operands (inputs plus the constant). */
        default int minOperands() {
            return 2;
        }

        /** Most operands ({@link Integer#MAX_VALUE}: any number). */
        default int maxOperands() {
            return Integer.MAX_VALUE;
        }
    }

    /** Element-wise sum of two or more operands. */
    record Add(int constantOperand) implements Elementwise {
        public Add() {
            this(-1);
        }

        public String kind() {
            return "add";
        }
    }

    /** Element-wise difference of exactly two operands, {@code a - b}. */
    record Subtract(int constantOperand) implements Elementwise {
        public Subtract() {
            this(-1);
        }

        public String kind() {
            return "subtract";
        }

        @Override
        public int maxOperands() {
            return 2;
        }
    }

    /** Element-wise product of two or more operands. */
    record Multiply(int constantOperand) implements Elementwise {
        public Multiply() {
            this(-1);
        }

        public String kind() {
            return "multiply";
        }
    }

    /** Element-wise mean of two or more operands, {@code (x_1 + ... + x_n) / n}. */
    record Average(int constantOperand) implements Elementwise {
        public Average() {
            this(-1);
        }

        public String kind() {
            return "average";
        }
    }

    /** Element-wise maximum of two or more operands. */
    record Maximum(int constantOperand) implements Elementwise {
        public Maximum() {
            this(-1);
        }

        public String kind() {
            return "maximum";
        }
    }

    /** Element-wise minimum of two or more operands. */
    record Minimum(int constantOperand) implements Elementwise {
        public Minimum() {
            this(-1);
        }

        public String kind() {
            return "minimum";
        }
    }

    /** Concatenation along {@code axis}, counted without the batch dimension (0 = first). */
    record Concatenate(int axis) implements Op {
        public String kind() {
            return "concatenate";
        }
    }

    /**
     * Reverses the order of the elements along {@code axis} (counted without the batch dimension; 0 =
     * time for a sequence {@code [T, F]}). The backward direction of a bidirectional recurrent layer
     * gives its sequence last step first; this puts it back in time order (Keras {@code Bidirectional},
     * TFLite {@code REVERSE_V2}).
     */
    record Reverse(int axis) implements Op {
        public String kind() {
            return "reverse";
        }
    }

    /**
     * The common attributes of recurrent layers, which run over {@code [T, F]}: with
     * {@code returnSequences} they give {@code [T, units]}, else the last hidden state {@code [units]};
     * with {@code goBackwards} they read the input from the last step to the first (and, as Keras,
     * return the sequence in that processing order).
     */
    sealed interface Recurrent extends Op {
        int units();

        boolean returnSequences();

        boolean goBackwards();

        /** Width of the hidden state h the layer outputs (the projection width for projected LSTMs). */
        default int outputUnits() {
            return units();
        }
    }

    /** {@code h_t = act(x_t · kernel + h_{t-1} · recurrent_kernel + bias)}. */
    record SimpleRnn(int units, Activation activation, boolean useBias, boolean returnSequences,
                     boolean goBackwards) implements Recurrent {
        public String kind() {
            return "simple_rnn";
        }
    }

    /**
     * LSTM with Keras gate order i, f, c (candidate, Keras calls it "c", seed 000 "z"), o in the
     * kernel's columns, plus the variants of seed 000 §2 that Keras cannot express:
     * <ul>
     *   <li>{@code peephole}: i and f see {@code cell_to_input ⊙ c_{t-1}}, {@code cell_to_forget ⊙ c_{t-1}};
     *       o sees {@code cell_to_output ⊙ c_t};</li>
     *   <li>{@code layerNorm}: each gate's pre-activation (without bias) is normalized over the units,
     *       scaled by its {@code *_layer_norm} coefficients and then the bias is added (seed 000 §3.2.6);</li>
     *   <li>{@code cifg}: no input gate, {@code i = 1 - f}; the kernels then hold f, c, o only;</li>
     *   <li>{@code projectionUnits > 0}: {@code h_t = (o ⊙ act(c_t)) · projection_kernel + projection_bias}.</li>
     * </ul>
     * Cell update: {@code c_t = f ⊙ c_{t-1} + i ⊙ act(z)}; output {@code m_t = o ⊙ act(c_t)}.
     */
    record Lstm(int units, Activation activation, Activation recurrentActivation, boolean useBias,
                boolean returnSequences, boolean goBackwards, boolean peephole, boolean layerNorm,
                boolean cifg, int projectionUnits) implements Recurrent {
        public String kind() {
            return "lstm";
        }

        /** 4, or 3 for CIFG. */
        public int gateCount() {
            return cifg ? 3 : 4;
        }

        @Override
        public int outputUnits() {
            return projectionUnits > 0 ? projectionUnits : units;
        }
    }

    /**
     * GRU with Keras gate order z (update), r (reset), h (candidate). {@code resetAfter == false}
     * (TF.js, Keras 1/2 default off): {@code hh = act(x·Wh + (r ⊙ h_{t-1})·Rh + b_h)}, bias {@code [3u]}.
     * {@code resetAfter == true} (Keras default, CuDNN): {@code hh = act(x·Wh + b_in + r ⊙ (h_{t-1}·Rh + b_rec))},
     * bias {@code [2, 3u]} = input bias row, recurrent bias row. Then {@code h_t = z ⊙ h_{t-1} + (1 - z) ⊙ hh}.
     */
    record Gru(int units, Activation activation, Activation recurrentActivation, boolean useBias,
               boolean returnSequences, boolean goBackwards, boolean resetAfter) implements Recurrent {
        public String kind() {
            return "gru";
        }
    }

    /**
     * Zero padding (Keras ZeroPadding1D / ZeroPadding2D) of the leading spatial axes of {@code [T, C]}
     * or {@code [H, W, C]}: {@code amounts} = {@code [before, after]} per spatial axis (1-D: left, right;
     * 2-D: top, bottom, left, right), each >= 0; the new positions hold real 0.
     */
    record ZeroPadding(List<Integer> amounts) implements Op {
        public ZeroPadding {
            amounts = SpatialOps.amounts("zero padding", amounts);
        }

        /** 1 or 2. */
        public int spatialRank() {
            return amounts.size() / 2;
        }

        public String kind() {
            return spatialRank() == 1 ? "zero_padding1d" : "zero_padding2d";
        }
    }

    /**
     * Cropping (Keras Cropping1D / Cropping2D) of the leading spatial axes: {@code amounts} as in
     * {@link ZeroPadding}, the positions removed at each end.
     */
    record Cropping(List<Integer> amounts) implements Op {
        public Cropping {
            amounts = SpatialOps.amounts("cropping", amounts);
        }

        /** 1 or 2. */
        public int spatialRank() {
            return amounts.size() / 2;
        }

        public String kind() {
            return spatialRank() == 1 ? "cropping1d" : "cropping2d";
        }
    }

    /**
     * Nearest-neighbour upsampling (Keras UpSampling1D / UpSampling2D, {@code interpolation='nearest'})
     * by integer factors {@code size} (one per spatial axis): {@code y[i] = x[i / size]} per axis.
     */
    record UpSampling(List<Integer> size) implements Op {
        public UpSampling {
            size = List.copyOf(size);
            if (size.isEmpty() || size.size() > 2 || size.stream().anyMatch(v -> v < 1)) {
                throw new IllegalArgumentException("up-sampling factors " + size + " must be 1 or 2 values >= 1");
            }
        }

        /** 1 or 2. */
        public int spatialRank() {
            return size.size();
        }

        public String kind() {
            return spatialRank() == 1 ? "up_sampling1d" : "up_sampling2d";
        }
    }

    /**
     * Keras Permute: output axis {@code i} is input axis {@code dims[i]}, counted from 1 without the
     * batch dimension ({@code dims} is a permutation of 1..rank).
     */
    record Permute(List<Integer> dims) implements Op {
        public Permute {
            dims = List.copyOf(dims);
        }

        public String kind() {
            return "permute";
        }
    }

    /** Keras RepeatVector: {@code [F]} to {@code [n, F]}, the input repeated {@code n} times. */
    record RepeatVector(int n) implements Op {
        public String kind() {
            return "repeat_vector";
        }
    }

    /**
     * Transposed convolution (Keras Conv1DTranspose / Conv2DTranspose, dilation 1) over {@code [T, C]}
     * or {@code [H, W, C]}; kernel {@code [k, filters, C]} or {@code [kh, kw, filters, C]} (filters
     * before channels, as Keras stores it). Per spatial axis, with input length n, kernel k, stride s:
     * the output length is Keras's {@code deconv_output_length} (VALID: {@code n·s + max(k - s, 0)},
     * SAME: {@code n·s}; with {@code outputPadding} p: {@code (n-1)·s + k - 2·pad + p}, pad = k/2 for
     * SAME, 0 for VALID), and
     * {@code y[o] = bias + Σ_{i, j: o = i·s + j - padBefore} x[i] · k[j]} where padBefore is the SAME
     * split of the forward convolution this one is the gradient of ({@link ShapeInference#padBefore}).
     * {@code outputPadding} is empty for Keras's None.
     */
    record ConvTranspose(int filters, List<Integer> kernel, List<Integer> strides, Padding padding,
                         List<Integer> outputPadding, Activation activation, boolean useBias) implements Op {
        public ConvTranspose {
            kernel = List.copyOf(kernel);
            strides = List.copyOf(strides);
            outputPadding = List.copyOf(outputPadding);
            if (kernel.isEmpty() || kernel.size() > 2 || strides.size() != kernel.size()
                    || !(outputPadding.isEmpty() || outputPadding.size() == kernel.size())) {
                throw new IllegalArgumentException("transposed convolution kernel " + kernel + " / strides " + strides
                        + " / output padding " + outputPadding);
            }
        }

        /** 1 or 2. */
        public int spatialRank() {
            return kernel.size();
        }

        public String kind() {
            return spatialRank() == 1 ? "conv1d_transpose" : "conv2d_transpose";
        }
    }
}
