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

    /** Element-wise sum of two or more inputs of equal shape. */
    record Add() implements Op {
        public String kind() {
            return "add";
        }
    }

    /** Concatenation along {@code axis}, counted without the batch dimension (0 = first). */
    record Concatenate(int axis) implements Op {
        public String kind() {
            return "concatenate";
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
}
