package dev.mcugen.ir.keras;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.Text;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Maps one Keras / TF.js layer configuration to an IR {@link Op}. Layer semantics are those of
 * tfjs-layers 4.x ({@code src/layers/*.ts}) and Keras 2, which agree on everything mapped here:
 * <ul>
 *   <li>Options that change inference results and that mcugen cannot represent are refused with
 *       {@link Diag#MCG_IMPORT_OPTION_UNSUPPORTED} (channels_first, causal padding with a kernel wider
 *       than 1, grouped convolutions, stateful / return_state / time_major RNNs, thresholded
 *       ReLU, softmax or batch normalization over another axis than the last). Training-only options
 *       (initializers, regularizers, constraints, dropout rates of RNNs, {@code unit_forget_bias},
 *       {@code unroll}, {@code implementation}) are ignored.</li>
 *   <li>Activations are strings or Keras 3 {@code {"class_name": "function", "config": name}} objects;
 *       JSON {@code null} means linear; an absent key means the TF.js default (tanh for RNN outputs,
 *       hard_sigmoid for RNN gates, linear elsewhere). Keras 3 redefined {@code hard_sigmoid} as
 *       {@code relu6(x + 3) / 6}: in a model made by Keras 3 ({@code .keras}, or an {@code .h5} whose
 *       {@code keras_version} is 3.x) it maps to {@link Activation#HARD_SIGMOID6}, in Keras 2 and TF.js
 *       models to the {@code clip(0.2 x + 0.5, 0, 1)} of {@link Activation#HARD_SIGMOID}. {@code silu} and
 *       {@code hard_silu} are Keras 3's other names of swish and hard swish.</li>
 *   <li>Axes in configs count the batch dimension (TF.js' Softmax layer even defaults to axis 1);
 *       they are normalized against the input rank.</li>
 * </ul>
 */
public final class LayerMapper {
    /** An op plus weights the format leaves implicit (BatchNormalization without center / scale). */
    public record Mapped(Op op, Map<String, FloatTensor> implicitWeights) {
        public Mapped {
            implicitWeights = Map.copyOf(implicitWeights);
        }

        public Mapped(Op op) {
            this(op, Map.of());
        }
    }

    /**
     * The Keras layer classes mcugen imports from TF.js {@code model.json}, Keras {@code .h5} and {@code .keras}
     * alike (nested {@code Sequential} / {@code Functional} models are inlined by {@link KerasTopology}).
     */
    public static final List<String> SUPPORTED = List.of("InputLayer", "Dense", "Conv1D", "Conv2D",
            "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D",
            "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "GlobalAveragePooling1D",
            "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "Flatten", "Reshape", "Dropout",
            "SpatialDropout1D", "SpatialDropout2D", "BatchNormalization", "LayerNormalization", "Embedding", "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "Add",
            "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "SimpleRNN", "LSTM", "GRU", "Bidirectional", "TimeDistributed", "Sequential", "Functional", "Model",
            "ZeroPadding1D", "ZeroPadding2D", "Cropping1D", "Cropping2D", "UpSampling1D", "UpSampling2D", "Permute",
            "RepeatVector", "Conv1DTranspose", "Conv2DTranspose");

    private final boolean keras3;

    /** @param keras3 the model was made by Keras 3, whose {@code hard_sigmoid} differs from Keras 2 / TF.js */
    public LayerMapper(boolean keras3) {
        this.keras3 = keras3;
    }

    /** The op of layer {@code c} reading tensors of shapes {@code in} (batch excluded). */
    public Mapped map(LayerConfig c, List<Shape> in) {
        Shape x = in.get(0);
        switch (c.className()) {
            case "Dense":
                return new Mapped(new Op.Dense(positive(c, "units"), activation(c, "activation", Activation.LINEAR),
                        c.bool("use_bias", true)));
            case "Conv1D":
                return new Mapped(conv1d(c));
            case "Conv2D":
                return new Mapped(conv2d(c));
            case "DepthwiseConv1D":
                return new Mapped(depthwise(c, 1, activation(c, "activation", Activation.LINEAR), c.bool("use_bias", true)));
            case "DepthwiseConv2D":
                return new Mapped(depthwise(c, 2, activation(c, "activation", Activation.LINEAR), c.bool("use_bias", true)));
            case "SeparableConv1D":
            case "SeparableConv2D":
                // KerasGraphs splits these into two nodes with separable() before any layer is mapped.
                throw new IllegalStateException("separable layer " + c.name() + " reached map()");
            case "MaxPooling1D":
                return new Mapped(pool(c, PoolKind.MAX, 1));
            case "MaxPooling2D":
                return new Mapped(pool(c, PoolKind.MAX, 2));
            case "AveragePooling1D":
                return new Mapped(pool(c, PoolKind.AVG, 1));
            case "AveragePooling2D":
                return new Mapped(pool(c, PoolKind.AVG, 2));
            case "GlobalAveragePooling1D":
                return new Mapped(globalPool(c, PoolKind.AVG, 1));
            case "GlobalAveragePooling2D":
                return new Mapped(globalPool(c, PoolKind.AVG, 2));
            case "GlobalMaxPooling1D":
                return new Mapped(globalPool(c, PoolKind.MAX, 1));
            case "GlobalMaxPooling2D":
                return new Mapped(globalPool(c, PoolKind.MAX, 2));
            case "Flatten":
                channelsLast(c);
                return new Mapped(new Op.Flatten());
            case "Reshape":
                return new Mapped(new Op.Reshape(targetShape(c)));
            case "Dropout":
            case "SpatialDropout1D":
            case "SpatialDropout2D":
                return new Mapped(new Op.Dropout((float) c.number("rate", 0)));
            case "BatchNormalization":
                return batchNorm(c, x);
            case "LayerNormalization":
                return layerNorm(c, x);
            case "Embedding":
                return new Mapped(embedding(c));
            case "Activation":
                if (!c.has("activation")) {
                    throw c.format("activation", "is missing");
                }
                return new Mapped(new Op.Act(activation(c, "activation", Activation.LINEAR)));
            case "ReLU":
                if (c.number("negative_slope", 0) != 0 && !c.has("max_value") && c.number("threshold", 0) == 0) {
                    return new Mapped(new Op.LeakyRelu((float) c.number("negative_slope", 0)));
                }
                return new Mapped(new Op.Act(relu(c)));
            case "LeakyReLU":
                // Keras 2 and TF.js write alpha (default 0.3), Keras 3 negative_slope (same default).
                return new Mapped(new Op.LeakyRelu((float) c.number(c.has("negative_slope") ? "negative_slope" : "alpha", 0.3)));
            case "ELU":
                return new Mapped(new Op.Elu((float) c.number("alpha", 1.0)));
            case "PReLU":
                return new Mapped(new Op.PRelu(sharedAxes(c, x)));
            case "Softmax":
                lastAxis(c, c.singleAxis("axis", -1), x, "applies softmax over");
                return new Mapped(new Op.Act(Activation.SOFTMAX));
            case "Add":
                return new Mapped(new Op.Add());
            case "Subtract":
                return new Mapped(new Op.Subtract());
            case "Multiply":
                return new Mapped(new Op.Multiply());
            case "Average":
                return new Mapped(new Op.Average());
            case "Maximum":
                return new Mapped(new Op.Maximum());
            case "Minimum":
                return new Mapped(new Op.Minimum());
            case "Concatenate":
                return new Mapped(new Op.Concatenate(concatAxis(c, x)));
            case "SimpleRNN":
                rnnOptions(c);
                return new Mapped(new Op.SimpleRnn(positive(c, "units"), rnnActivation(c, "activation", Activation.TANH),
                        c.bool("use_bias", true), c.bool("return_sequences", false), c.bool("go_backwards", false)));
            case "LSTM":
                rnnOptions(c);
                return new Mapped(new Op.Lstm(positive(c, "units"), rnnActivation(c, "activation", Activation.TANH),
                        rnnActivation(c, "recurrent_activation", Activation.HARD_SIGMOID), c.bool("use_bias", true),
                        c.bool("return_sequences", false), c.bool("go_backwards", false), false, false, false, 0));
            case "GRU":
                rnnOptions(c);
                return new Mapped(new Op.Gru(positive(c, "units"), rnnActivation(c, "activation", Activation.TANH),
                        rnnActivation(c, "recurrent_activation", Activation.HARD_SIGMOID), c.bool("use_bias", true),
                        c.bool("return_sequences", false), c.bool("go_backwards", false), c.bool("reset_after", false)));
            case "ZeroPadding1D":
            case "ZeroPadding2D":
            case "Cropping1D":
            case "Cropping2D":
                return new Mapped(ShapeLayers.padOrCrop(c, c.className().endsWith("1D") ? 1 : 2,
                        c.className().startsWith("Zero")));
            case "UpSampling1D":
            case "UpSampling2D":
                return new Mapped(ShapeLayers.upSampling(c, c.className().endsWith("1D") ? 1 : 2));
            case "Permute":
                return new Mapped(ShapeLayers.permute(c));
            case "RepeatVector":
                return new Mapped(ShapeLayers.repeatVector(c));
            case "Conv1DTranspose":
            case "Conv2DTranspose":
                return new Mapped(ShapeLayers.convTranspose(c, c.className().startsWith("Conv1D") ? 1 : 2,
                        activation(c, "activation", Activation.LINEAR)));
            case "Bidirectional":
            case "TimeDistributed":
                // KerasGraphs expands wrappers (KerasWrappers) into the nodes they stand for.
                throw new IllegalStateException("wrapper " + c.name() + " reached the layer mapper");
            case "Sequential":
            case "Model":
            case "Functional":
                // KerasTopology inlines nested models before any layer is mapped.
                throw new IllegalStateException("nested model " + c.name() + " reached the layer mapper");
            default:
                throw new McugenException(Diag.MCG_IMPORT_LAYER_UNSUPPORTED, c.subject(), "has class " + Text.clip(c.className(), 60)
                        + ", which mcugen does not support; supported layers: " + String.join(", ", SUPPORTED));
        }
    }

    private Op conv1d(LayerConfig c) {
        channelsLast(c);
        groups(c);
        int filters = positive(c, "filters");
        int kernel = c.ints("kernel_size", 1, null)[0];
        int stride = c.ints("strides", 1, new int[] {1})[0];
        int dilation = c.ints("dilation_rate", 1, new int[] {1})[0];
        String padding = c.string("padding", "valid").toLowerCase(Locale.ROOT);
        Padding p;
        if (padding.equals("causal")) {
            if ((kernel - 1) * dilation != 0) {
                throw c.unsupported("uses padding 'causal' with kernel " + kernel + " and dilation " + dilation
                        + "; mcugen supports 'valid' and 'same' (causal equals them only for a kernel of 1)");
            }
            p = Padding.VALID;
        } else {
            p = padding(c, padding);
        }
        return new Op.Conv1D(filters, kernel, stride, dilation, p, activation(c, "activation", Activation.LINEAR),
                c.bool("use_bias", true));
    }

    private Op conv2d(LayerConfig c) {
        channelsLast(c);
        groups(c);
        int[] k = c.ints("kernel_size", 2, null);
        int[] s = c.ints("strides", 2, new int[] {1, 1});
        int[] d = c.ints("dilation_rate", 2, new int[] {1, 1});
        return new Op.Conv2D(positive(c, "filters"), k[0], k[1], s[0], s[1], d[0], d[1],
                padding(c, c.string("padding", "valid")), activation(c, "activation", Activation.LINEAR),
                c.bool("use_bias", true));
    }

    /** A Keras SeparableConv layer as its two IR ops: a depthwise convolution then a 1x1 convolution. */
    public record Separable(Op.DepthwiseConv depthwise, Op pointwise) {
    }

    /** Whether layers of class {@code className} import as a {@link Separable} pair. */
    public static boolean isSeparable(String className) {
        return className.equals("SeparableConv1D") || className.equals("SeparableConv2D");
    }

    /**
     * SeparableConv1D / SeparableConv2D: the depthwise step (strides, dilation, padding, depth
     * multiplier; no bias, linear) and the pointwise 1x1 convolution (filters, activation, bias), as
     * Keras computes it.
     */
    public Separable separable(LayerConfig c) {
        int rank = c.className().equals("SeparableConv1D") ? 1 : 2;
        Op.DepthwiseConv dw = depthwise(c, rank, Activation.LINEAR, false);
        int filters = positive(c, "filters");
        Activation act = activation(c, "activation", Activation.LINEAR);
        boolean bias = c.bool("use_bias", true);
        Op pw = rank == 1 ? new Op.Conv1D(filters, 1, 1, 1, Padding.VALID, act, bias)
                : new Op.Conv2D(filters, 1, 1, 1, 1, 1, 1, Padding.VALID, act, bias);
        return new Separable(dw, pw);
    }

    /** The depthwise part of DepthwiseConv1D/2D and SeparableConv1D/2D ({@code depth_multiplier} defaults to 1). */
    private static Op.DepthwiseConv depthwise(LayerConfig c, int rank, Activation act, boolean bias) {
        channelsLast(c);
        int m = positive(c, "depth_multiplier", 1);
        int[] ones = rank == 1 ? new int[] {1} : new int[] {1, 1};
        int[] k = c.ints("kernel_size", rank, null);
        int[] s = c.ints("strides", rank, ones);
        int[] d = c.ints("dilation_rate", rank, ones);
        String padding = c.string("padding", "valid");
        if (rank == 1 && padding.equalsIgnoreCase("causal") && (k[0] - 1) * d[0] == 0) {
            padding = "valid";
        }
        Padding p = padding(c, padding);
        return rank == 1 ? Op.DepthwiseConv.of1d(m, k[0], s[0], d[0], p, act, bias)
                : new Op.DepthwiseConv(2, m, k[0], k[1], s[0], s[1], d[0], d[1], p, act, bias);
    }

    /** Keras / TF.js pooling: {@code pool_size} defaults to 2, {@code strides} to {@code pool_size}. */
    private static Op pool(LayerConfig c, PoolKind kind, int rank) {
        channelsLast(c);
        int[] twos = new int[rank];
        Arrays.fill(twos, 2);
        int[] size = c.ints("pool_size", rank, twos);
        int[] strides = c.ints("strides", rank, size);
        return new Op.Pool(kind, Arrays.stream(size).boxed().toList(), Arrays.stream(strides).boxed().toList(),
                padding(c, c.string("padding", "valid")));
    }

    private static Op globalPool(LayerConfig c, PoolKind kind, int rank) {
        channelsLast(c);
        if (c.bool("keepdims", false)) {
            throw c.unsupported("has keepdims true; mcugen's global pooling gives [channels], so drop keepdims");
        }
        return new Op.GlobalPool(kind, rank);
    }

    private Mapped batchNorm(LayerConfig c, Shape x) {
        lastAxis(c, c.singleAxis("axis", -1), x, "normalizes over");
        Map<String, FloatTensor> implicit = implicitScaleCenter(c, x);
        double epsilon = c.number("epsilon", 1e-3);
        if (epsilon <= 0) {
            throw c.format("epsilon", "must be positive, got " + epsilon);
        }
        return new Mapped(new Op.BatchNorm((float) epsilon), implicit);
    }

    /** A normalization's gamma (ones) without {@code scale}, beta (zeros) without {@code center}, over the last axis. */
    private static Map<String, FloatTensor> implicitScaleCenter(LayerConfig c, Shape x) {
        Map<String, FloatTensor> implicit = new LinkedHashMap<>();
        Shape channels = Shape.of(x.last());
        if (!c.bool("scale", true)) {
            implicit.put("gamma", FloatTensor.filled(channels, 1f));
        }
        if (!c.bool("center", true)) {
            implicit.put("beta", FloatTensor.filled(channels, 0f));
        }
        return implicit;
    }

    /**
     * Keras LayerNormalization over the last axis only; without {@code scale} / {@code center} gamma is
     * ones and beta zeros. Keras 3's {@code rms_scaling} (no mean subtraction) is refused.
     */
    private Mapped layerNorm(LayerConfig c, Shape x) {
        lastAxis(c, c.singleAxis("axis", -1), x, "normalizes over");
        if (c.bool("rms_scaling", false)) {
            throw c.unsupported("has rms_scaling true (RMS normalization without the mean); mcugen supports the"
                    + " standard layer normalization only");
        }
        Map<String, FloatTensor> implicit = implicitScaleCenter(c, x);
        double epsilon = c.number("epsilon", 1e-3);
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw c.format("epsilon", "must be a finite number >= 0, got " + epsilon);
        }
        return new Mapped(new Op.LayerNorm((float) epsilon), implicit);
    }

    /**
     * Keras Embedding on integer token ids. {@code mask_zero} is refused: the mask would make the
     * recurrent layers after it skip the steps of id 0, which mcugen's layers do not do.
     */
    private static Op embedding(LayerConfig c) {
        if (c.bool("mask_zero", false)) {
            throw c.unsupported("has mask_zero true; mcugen runs every time step (no masking), so train the model"
                    + " with mask_zero false or pad with a token the model has learnt to ignore");
        }
        return new Op.Embedding(positive(c, "input_dim"), positive(c, "output_dim"));
    }

    /** Keras ReLU layer: {@code max_value} none or 6, {@code negative_slope} and {@code threshold} 0. */
    private static Activation relu(LayerConfig c) {
        if (c.number("negative_slope", 0) != 0 || c.number("threshold", 0) != 0) {
            throw c.unsupported("has negative_slope " + c.number("negative_slope", 0) + " and threshold "
                    + c.number("threshold", 0) + "; mcugen supports ReLU with both 0");
        }
        if (!c.has("max_value")) {
            return Activation.RELU;
        }
        double max = c.number("max_value", 0);
        if (max == 6) {
            return Activation.RELU6;
        }
        throw c.unsupported("has max_value " + max + "; mcugen supports ReLU without a maximum or with 6 (ReLU6)");
    }

    /** PReLU's {@code shared_axes} (an integer, a list or null; batch counted) without the batch axis. */
    private static List<Integer> sharedAxes(LayerConfig c, Shape x) {
        JsonNode v = c.raw("shared_axes");
        if (v == null) {
            return List.of();
        }
        List<Integer> out = new java.util.ArrayList<>();
        for (JsonNode a : v.isArray() ? v : List.of(v)) {
            if (!a.isIntegralNumber()) {
                throw c.format("shared_axes", "must hold integers, got " + v);
            }
            int axis = a.intValue() < 0 ? a.intValue() + x.rank() + 1 : a.intValue();
            if (axis < 1 || axis > x.rank()) {
                throw c.format("shared_axes", "holds axis " + a.intValue() + ", out of range for an input of rank "
                        + (x.rank() + 1) + " (batch included)");
            }
            if (!out.contains(axis - 1)) {
                out.add(axis - 1);
            }
        }
        return out;
    }

    private static int concatAxis(LayerConfig c, Shape x) {
        int axis = c.integer("axis", -1);
        int rankWithBatch = x.rank() + 1;
        int a = axis < 0 ? axis + rankWithBatch : axis;
        if (a <= 0 || a >= rankWithBatch) {
            throw c.unsupported("concatenates along axis " + axis + " of inputs of rank " + rankWithBatch
                    + " (batch included); mcugen concatenates along a non-batch axis");
        }
        return a - 1;
    }

    /** Checks that {@code axis} (batch counted) is the last axis of an input of shape {@code x}. */
    private static void lastAxis(LayerConfig c, int axis, Shape x, String what) {
        int rankWithBatch = x.rank() + 1;
        if (axis != -1 && axis != rankWithBatch - 1) {
            throw c.unsupported(what + " axis " + axis + " of an input of rank " + rankWithBatch
                    + " (batch included); mcugen supports the last axis only (-1)");
        }
    }

    private static void rnnOptions(LayerConfig c) {
        for (String flag : List.of("stateful", "return_state", "time_major")) {
            if (c.bool(flag, false)) {
                throw c.unsupported("has " + flag + " true; export the layer with " + flag
                        + " false (mcugen's generated step() function gives streaming inference)");
            }
        }
    }

    private static void channelsLast(LayerConfig c) {
        String format = c.string("data_format", "channels_last");
        if (!format.equals("channels_last")) {
            throw c.unsupported("has data_format '" + format + "'; mcugen supports channels_last only");
        }
    }

    private static void groups(LayerConfig c) {
        int groups = c.integer("groups", 1);
        if (groups != 1) {
            throw c.unsupported("is a grouped convolution (groups " + groups + "); mcugen supports groups 1 only");
        }
    }

    private static Padding padding(LayerConfig c, String padding) {
        switch (padding.toLowerCase(Locale.ROOT)) {
            case "valid":
                return Padding.VALID;
            case "same":
                return Padding.SAME;
            default:
                throw c.unsupported("has padding '" + padding + "'; mcugen supports 'valid' and 'same'");
        }
    }

    /** Reshape's {@code target_shape}: -1 (TF.js writes it as null) marks the dimension to infer. */
    private static Shape targetShape(LayerConfig c) {
        JsonNode t = c.raw("target_shape");
        if (t == null || !t.isArray() || t.isEmpty()) {
            throw c.format("target_shape", "must be a non-empty list, got " + t);
        }
        int[] dims = new int[t.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = t.get(i);
            if (d.isNull() || (d.isIntegralNumber() && d.intValue() == -1)) {
                dims[i] = Shape.UNKNOWN;
            } else if (d.isIntegralNumber() && d.canConvertToInt() && d.intValue() > 0) {
                dims[i] = d.intValue();
            } else {
                throw c.format("target_shape", "must hold positive integers and at most one -1, got " + t);
            }
        }
        return Shape.of(dims);
    }

    private static int positive(LayerConfig c, String key) {
        return positive(c, key, c.integer(key));
    }

    private static int positive(LayerConfig c, String key, int dflt) {
        int v = c.integer(key, dflt);
        if (v <= 0) {
            throw c.format(key, "must be positive, got " + v);
        }
        return v;
    }

    /** An RNN's output or gate activation: any element-wise activation, not softmax. */
    private Activation rnnActivation(LayerConfig c, String key, Activation dflt) {
        Activation a = activation(c, key, dflt);
        if (!a.isElementwise()) {
            throw new McugenException(Diag.MCG_IMPORT_ACTIVATION_UNSUPPORTED, c.subject(), key + " '" + a.kerasName()
                    + "' is not element-wise; recurrent layers take linear, relu, relu6, sigmoid, hard_sigmoid or tanh");
        }
        return a;
    }

    private Activation activation(LayerConfig c, String key, Activation dflt) {
        if (c.absent(key)) {
            return dflt;
        }
        JsonNode v = c.raw(key);
        String name;
        if (v == null) {
            name = null;
        } else if (v.isTextual()) {
            name = v.textValue();
        } else if (v.isObject() && v.path("config").isTextual()) {
            name = v.get("config").textValue();
        } else if (v.isObject() && v.path("class_name").isTextual()) {
            name = v.get("class_name").textValue();
        } else {
            throw c.format(key, "must name an activation, got " + v);
        }
        Activation a = (Activation.HARD_SIGMOID6.kerasName().equals(name) ? Optional.<Activation>empty()
                : Activation.fromKerasName(name)).orElseThrow(() -> new McugenException(
                Diag.MCG_IMPORT_ACTIVATION_UNSUPPORTED, c.subject(), key + " '" + Text.clip(name, 60) + "' is not supported; use "
                + "linear, relu, relu6, sigmoid, hard_sigmoid, tanh, softmax, elu, swish (silu), hard_swish (hard_silu)"
                + " or leaky_relu"));
        if (a == Activation.HARD_SIGMOID && keras3) {
            // Keras 3 redefined hard_sigmoid as relu6(x + 3) / 6; Keras 2 and TF.js mean clip(0.2 x + 0.5, 0, 1).
            return Activation.HARD_SIGMOID6;
        }
        return a;
    }
}
