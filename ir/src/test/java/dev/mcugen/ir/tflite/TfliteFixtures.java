package dev.mcugen.ir.tflite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The small float {@code .tflite} fixtures of {@code ir/src/test/resources/tflite/}: op patterns the zoo's
 * models lack (Conv1D as EXPAND_DIMS + CONV_2D + SQUEEZE, 1-D pooling, dilation, CONCATENATION, MEAN, ADD,
 * MUL, SUB, MAXIMUM, MINIMUM with per-channel and constant operands, stand-alone activations, float16 weights,
 * FULLY_CONNECTED with keep_num_dims, GATHER of an embedding table by int32 token ids). Weights are seeded
 * random values; tensor names follow the TF converter's style. {@code main} writes the files;
 * {@code armnn_expected.py} beside them computes each fixture's {@code expected.npy} with Arm NN.
 *
 * <p>Regenerate: {@code java -cp ir/target/classes:ir/target/test-classes:<flatbuffers-java.jar>
 * dev.mcugen.ir.tflite.TfliteFixtures ir/src/test/resources/tflite}, then
 * {@code /usr/bin/python3 ir/src/test/resources/tflite/armnn_expected.py}.
 */
final class TfliteFixtures {
    private TfliteFixtures() {
    }

    static Map<String, Supplier<byte[]>> all() {
        Map<String, Supplier<byte[]>> m = new TreeMap<>();
        m.put("conv1d_pool1d", () -> conv1dPool1d(Builtin.RESHAPE));
        m.put("conv_concat_mean", TfliteFixtures::convConcatMean);
        m.put("fc_reshape_softmax", () -> fcReshapeSoftmax(false));
        m.put("mul_sub_max_min", TfliteFixtures::mulSubMaxMin);
        m.put("mobilenet_block", TfliteFixtures::mobilenetBlock);
        m.put("pad_transpose_conv_resize", TfliteShapeFixtures::padTransposeConvResize);
        m.put("gather_tokens", TfliteFixtures::gatherTokens);
        return m;
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "ir/src/test/resources/tflite");
        for (var e : all().entrySet()) {
            Path dir = root.resolve(e.getKey());
            Files.createDirectories(dir);
            Files.write(dir.resolve("model.tflite"), e.getValue().get());
            System.out.println("wrote " + dir.resolve("model.tflite"));
        }
    }

    private static float[] random(Random r, int n, double scale) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) (r.nextGaussian() * scale);
        }
        return f;
    }

    /**
     * Keras Conv1D(4, 3, padding='same', activation='relu') + MaxPooling1D(2) as the converter writes them,
     * with the [1, T, C] -> [1, 1, T, C] step spelled {@code expandOp} (EXPAND_DIMS, or RESHAPE as newer
     * converters and the fixture Arm NN reads, which lacks EXPAND_DIMS).
     */
    static byte[] conv1dPool1d(int expandOp) {
        Random r = new Random(101);
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("serving_default_conv1d_input:0", 1, 16, 3);
        int e = w.activation("model/conv1d/Conv1D/ExpandDims", 1, 1, 16, 3);
        expand(w, expandOp, x, e, "model/conv1d/Conv1D/ExpandDims/dim", 1, 1, 16, 3);
        int f = w.floats("model/conv1d/Conv1D/ExpandDims_1", random(r, 4 * 3 * 3, 0.5), 4, 1, 3, 3);
        int b = w.floats("model/conv1d/BiasAdd/ReadVariableOp", random(r, 4, 0.1), 4);
        int c = w.activation("model/conv1d/Relu;model/conv1d/BiasAdd;model/conv1d/Conv1D", 1, 1, 16, 4);
        w.op(Builtin.CONV_2D, new int[] {e, f, b}, new int[] {c}, TfliteWriter.CONV_2D_OPTIONS,
                TfliteWriter.conv2d(0, 1, 1, 1, 1, 1));
        int s = w.activation("model/conv1d/Conv1D/Squeeze", 1, 16, 4);
        w.op(Builtin.SQUEEZE, new int[] {c}, new int[] {s}, TfliteWriter.SQUEEZE_OPTIONS, TfliteWriter.squeeze(1));
        int e2 = w.activation("model/max_pooling1d/ExpandDims", 1, 1, 16, 4);
        expand(w, expandOp, s, e2, "model/max_pooling1d/ExpandDims/dim", 1, 1, 16, 4);
        int p = w.activation("model/max_pooling1d/MaxPool", 1, 1, 8, 4);
        w.op(Builtin.MAX_POOL_2D, new int[] {e2}, new int[] {p}, TfliteWriter.POOL_2D_OPTIONS,
                TfliteWriter.pool(1, 2, 1, 2, 1, 0));
        int o = w.activation("model/max_pooling1d/Squeeze", 1, 8, 4);
        w.op(Builtin.SQUEEZE, new int[] {p}, new int[] {o}, TfliteWriter.SQUEEZE_OPTIONS, TfliteWriter.squeeze(1));
        return w.io(new int[] {x}, new int[] {o}).build();
    }

    /**
     * Two Keras DepthwiseConv2D layers as the converter writes them: multiplier 2, SAME, fused RELU6
     * (filter [1, 3, 3, 6] on 3 channels), then multiplier 1, VALID, stride 2.
     */
    static byte[] mobilenetBlock() {
        Random r = new Random(303);
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("serving_default_input_1:0", 1, 8, 8, 3);
        int f1 = w.floats("model/depthwise_conv2d/depthwise", random(r, 3 * 3 * 6, 0.5), 1, 3, 3, 6);
        int b1 = w.floats("model/depthwise_conv2d/BiasAdd/ReadVariableOp", random(r, 6, 0.1), 6);
        int y1 = w.activation("model/depthwise_conv2d/Relu6;model/depthwise_conv2d/BiasAdd;model/depthwise_conv2d/depthwise",
                1, 8, 8, 6);
        w.op(Builtin.DEPTHWISE_CONV_2D, new int[] {x, f1, b1}, new int[] {y1}, TfliteWriter.DEPTHWISE_CONV_2D_OPTIONS,
                TfliteWriter.depthwiseConv2d(0, 1, 1, 2, 3, 1, 1));
        int f2 = w.floats("model/depthwise_conv2d_1/depthwise", random(r, 3 * 3 * 6, 0.5), 1, 3, 3, 6);
        int b2 = w.floats("model/depthwise_conv2d_1/BiasAdd/ReadVariableOp", random(r, 6, 0.1), 6);
        int y2 = w.activation("StatefulPartitionedCall:0", 1, 3, 3, 6);
        w.op(Builtin.DEPTHWISE_CONV_2D, new int[] {y1, f2, b2}, new int[] {y2}, TfliteWriter.DEPTHWISE_CONV_2D_OPTIONS,
                TfliteWriter.depthwiseConv2d(1, 2, 2, 1, 0, 1, 1));
        return w.io(new int[] {x}, new int[] {y2}).build();
    }

    private static void expand(TfliteWriter w, int op, int in, int out, String constName, int... shape) {
        if (op == Builtin.EXPAND_DIMS) {
            int axis = w.ints(constName, 1);
            w.op(Builtin.EXPAND_DIMS, new int[] {in, axis}, new int[] {out}, TfliteWriter.EXPAND_DIMS_OPTIONS,
                    TfliteWriter.empty());
        } else {
            int target = w.ints(constName, shape);
            w.op(Builtin.RESHAPE, new int[] {in, target}, new int[] {out}, TfliteWriter.RESHAPE_OPTIONS,
                    TfliteWriter.reshape(shape));
        }
    }

    /**
     * Two branches over one image: conv (SAME, stride 2) + stand-alone RELU6, and max-pool (SAME) + dilated
     * conv (VALID, fused TANH) added with a fused RELU; concatenated on channels, average-pooled
     * (SAME, 3x3), MEAN over H and W, dense + stand-alone LOGISTIC.
     */
    static byte[] convConcatMean() {
        Random r = new Random(202);
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("input_1", 1, 8, 8, 2);
        int f1 = w.floats("model/conv2d/Conv2D", random(r, 3 * 3 * 3 * 2, 0.5), 3, 3, 3, 2);
        int b1 = w.floats("model/conv2d/BiasAdd/ReadVariableOp", random(r, 3, 0.1), 3);
        int c1 = w.activation("model/conv2d/BiasAdd;model/conv2d/Conv2D", 1, 4, 4, 3);
        w.op(Builtin.CONV_2D, new int[] {x, f1, b1}, new int[] {c1}, TfliteWriter.CONV_2D_OPTIONS,
                TfliteWriter.conv2d(0, 2, 2, 0, 1, 1));
        int r6 = w.activation("model/re_lu/Relu6", 1, 4, 4, 3);
        w.op(Builtin.RELU6, new int[] {c1}, new int[] {r6}, 0, null);
        int mp = w.activation("model/max_pooling2d/MaxPool", 1, 4, 4, 2);
        w.op(Builtin.MAX_POOL_2D, new int[] {x}, new int[] {mp}, TfliteWriter.POOL_2D_OPTIONS,
                TfliteWriter.pool(0, 2, 2, 2, 2, 0));
        int f2 = w.floats("model/conv2d_1/Conv2D", random(r, 2 * 3 * 3 * 2, 0.5), 2, 3, 3, 2);
        int b2 = w.floats("model/conv2d_1/BiasAdd/ReadVariableOp", random(r, 2, 0.1), 2);
        int c2 = w.activation("model/conv2d_1/Tanh;model/conv2d_1/BiasAdd;model/conv2d_1/Conv2D", 1, 4, 4, 2);
        w.op(Builtin.CONV_2D, new int[] {x, f2, b2}, new int[] {c2}, TfliteWriter.CONV_2D_OPTIONS,
                TfliteWriter.conv2d(1, 1, 1, 4, 2, 2));
        int a = w.activation("model/activation/Relu;model/add/add", 1, 4, 4, 2);
        w.op(Builtin.ADD, new int[] {mp, c2}, new int[] {a}, TfliteWriter.ADD_OPTIONS, TfliteWriter.fused(1));
        int cat = w.activation("model/concatenate/concat", 1, 4, 4, 5);
        w.op(Builtin.CONCATENATION, new int[] {r6, a}, new int[] {cat}, TfliteWriter.CONCATENATION_OPTIONS,
                TfliteWriter.concatenation(3, 0));
        int ap = w.activation("model/average_pooling2d/AvgPool", 1, 4, 4, 5);
        w.op(Builtin.AVERAGE_POOL_2D, new int[] {cat}, new int[] {ap}, TfliteWriter.POOL_2D_OPTIONS,
                TfliteWriter.pool(0, 1, 1, 3, 3, 0));
        int axes = w.ints("model/global_average_pooling2d/Mean/reduction_indices", 1, 2);
        int mean = w.activation("model/global_average_pooling2d/Mean", 1, 5);
        w.op(Builtin.MEAN, new int[] {ap, axes}, new int[] {mean}, TfliteWriter.REDUCER_OPTIONS, TfliteWriter.reducer(false));
        int wd = w.floats("model/dense/MatMul", random(r, 2 * 5, 0.8), 2, 5);
        int bd = w.floats("model/dense/BiasAdd/ReadVariableOp", random(r, 2, 0.1), 2);
        int d = w.activation("model/dense/MatMul;model/dense/BiasAdd", 1, 2);
        w.op(Builtin.FULLY_CONNECTED, new int[] {mean, wd, bd}, new int[] {d}, TfliteWriter.FULLY_CONNECTED_OPTIONS,
                TfliteWriter.fullyConnected(0, false));
        int out = w.activation("Identity", 1, 2);
        w.op(Builtin.LOGISTIC, new int[] {d}, new int[] {out}, 0, null);
        return w.io(new int[] {x}, new int[] {out}).build();
    }

    /**
     * The element-wise ops: a conv (SAME, fused TANH) of the image; MUL of the image and the conv (fused
     * RELU); SUB of a constant per-channel vector; MAXIMUM with the conv; MINIMUM with a constant scalar;
     * ADD (fused RELU6) of the conv's spatial MEAN reshaped to [1, 1, 1, C]: a per-channel broadcast.
     */
    static byte[] mulSubMaxMin() {
        Random r = new Random(404);
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("serving_default_input:0", 1, 4, 4, 3);
        int f = w.floats("model/conv2d/Conv2D", random(r, 3 * 3 * 3 * 3, 0.5), 3, 3, 3, 3);
        int b = w.floats("model/conv2d/BiasAdd/ReadVariableOp", random(r, 3, 0.1), 3);
        int c = w.activation("model/conv2d/Tanh;model/conv2d/BiasAdd;model/conv2d/Conv2D", 1, 4, 4, 3);
        w.op(Builtin.CONV_2D, new int[] {x, f, b}, new int[] {c}, TfliteWriter.CONV_2D_OPTIONS,
                TfliteWriter.conv2d(0, 1, 1, 4, 1, 1));
        int m = w.activation("model/multiply/mul;model/re_lu/Relu", 1, 4, 4, 3);
        w.op(Builtin.MUL, new int[] {x, c}, new int[] {m}, TfliteWriter.MUL_OPTIONS, TfliteWriter.fused(1));
        int k = w.floats("model/subtract/sub/y", random(r, 3, 0.4), 3);
        int s = w.activation("model/subtract/sub", 1, 4, 4, 3);
        w.op(Builtin.SUB, new int[] {m, k}, new int[] {s}, TfliteWriter.SUB_OPTIONS, TfliteWriter.fused(0));
        int mx = w.activation("model/maximum/Maximum", 1, 4, 4, 3);
        w.op(Builtin.MAXIMUM, new int[] {s, c}, new int[] {mx}, TfliteWriter.MAXIMUM_MINIMUM_OPTIONS, TfliteWriter.empty());
        int q = w.floats("model/minimum/Minimum/y", new float[] {0.6f});
        int mn = w.activation("model/minimum/Minimum", 1, 4, 4, 3);
        w.op(Builtin.MINIMUM, new int[] {mx, q}, new int[] {mn}, TfliteWriter.MAXIMUM_MINIMUM_OPTIONS, TfliteWriter.empty());
        int axes = w.ints("model/global_average_pooling2d/Mean/reduction_indices", 1, 2);
        int g = w.activation("model/global_average_pooling2d/Mean", 1, 3);
        w.op(Builtin.MEAN, new int[] {c, axes}, new int[] {g}, TfliteWriter.REDUCER_OPTIONS, TfliteWriter.reducer(false));
        int shape = w.ints("model/reshape/Reshape/shape", 1, 1, 1, 3);
        int gr = w.activation("model/reshape/Reshape", 1, 1, 1, 3);
        w.op(Builtin.RESHAPE, new int[] {g, shape}, new int[] {gr}, TfliteWriter.RESHAPE_OPTIONS,
                TfliteWriter.reshape(1, 1, 1, 3));
        int out = w.activation("StatefulPartitionedCall:0", 1, 4, 4, 3);
        w.op(Builtin.ADD, new int[] {mn, gr}, new int[] {out}, TfliteWriter.ADD_OPTIONS, TfliteWriter.fused(3));
        return w.io(new int[] {x}, new int[] {out}).build();
    }

    /**
     * A dense layer whose weights are half-precision values, a RESHAPE to [1, 2, 2, 1] read by a
     * 2x2 CONV_2D (VALID), a RESHAPE to [1, 3] and a SOFTMAX. With {@code float16}
     * the first weights are stored as FLOAT16 behind a DEQUANTIZE, as the converter's float16
     * optimization writes them (Arm NN cannot read that form, so the fixture stores them as float32:
     * the same values exactly).
     */
    static byte[] fcReshapeSoftmax(boolean float16) {
        Random r = new Random(303);
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("serving_default_x:0", 1, 6);
        short[] half = new short[4 * 6];
        for (int i = 0; i < half.length; i++) {
            half[i] = toHalf((float) (r.nextGaussian() * 0.6));
        }
        int w32;
        if (float16) {
            int w16 = w.halves("model/dense/MatMul;fp16", half, 4, 6);
            w32 = w.tensor("model/dense/MatMul", TfliteModel.FLOAT32, new int[] {4, 6}, null, null, false);
            w.op(Builtin.DEQUANTIZE, new int[] {w16}, new int[] {w32}, 0, null);
        } else {
            float[] widened = new float[half.length];
            for (int i = 0; i < half.length; i++) {
                widened[i] = Flat.halfToFloat(half[i]);
            }
            w32 = w.floats("model/dense/MatMul", widened, 4, 6);
        }
        int b = w.floats("model/dense/BiasAdd/ReadVariableOp", random(r, 4, 0.1), 4);
        int d = w.activation("model/dense/Relu;model/dense/BiasAdd", 1, 4);
        w.op(Builtin.FULLY_CONNECTED, new int[] {x, w32, b}, new int[] {d}, TfliteWriter.FULLY_CONNECTED_OPTIONS,
                TfliteWriter.fullyConnected(1, false));
        int shape = w.ints("model/reshape/Reshape/shape", 1, 2, 2, 1);
        int rs = w.activation("model/reshape/Reshape", 1, 2, 2, 1);
        w.op(Builtin.RESHAPE, new int[] {d, shape}, new int[] {rs}, TfliteWriter.RESHAPE_OPTIONS, TfliteWriter.reshape(1, 2, 2, 1));
        int f2 = w.floats("model/conv2d/Conv2D", random(r, 3 * 2 * 2, 0.7), 3, 2, 2, 1);
        int b2 = w.floats("model/conv2d/BiasAdd/ReadVariableOp", random(r, 3, 0.1), 3);
        int c2 = w.activation("model/conv2d/BiasAdd;model/conv2d/Conv2D", 1, 1, 1, 3);
        w.op(Builtin.CONV_2D, new int[] {rs, f2, b2}, new int[] {c2}, TfliteWriter.CONV_2D_OPTIONS,
                TfliteWriter.conv2d(1, 1, 1, 0, 1, 1));
        int shape2 = w.ints("model/flatten/Const", 1, 3);
        int fl = w.activation("model/flatten/Reshape", 1, 3);
        w.op(Builtin.RESHAPE, new int[] {c2, shape2}, new int[] {fl}, TfliteWriter.RESHAPE_OPTIONS, TfliteWriter.reshape(1, 3));
        int sm = w.activation("StatefulPartitionedCall:0", 1, 3);
        w.op(Builtin.SOFTMAX, new int[] {fl}, new int[] {sm}, TfliteWriter.SOFTMAX_OPTIONS, TfliteWriter.softmax(1f));
        return w.io(new int[] {x}, new int[] {sm}).build();
    }

    /** Rows of the table of {@link #gatherTokens}: token ids are [0, 20). */
    static final int GATHER_ROWS = 20;

    /**
     * Keras Embedding(20, 5) on int32 token ids [6] as the converter writes it (GATHER of the constant table
     * by the input), then Flatten (RESHAPE), Dense(4) and softmax.
     */
    static byte[] gatherTokens() {
        Random r = new Random(404);
        TfliteWriter w = new TfliteWriter();
        int x = w.intActivation("serving_default_tokens:0", 1, 6);
        int table = w.floats("model/embedding/embedding_lookup", random(r, GATHER_ROWS * 5, 0.5), GATHER_ROWS, 5);
        int e = w.activation("model/embedding/embedding_lookup1", 1, 6, 5);
        w.op(Builtin.GATHER, new int[] {table, x}, new int[] {e}, TfliteWriter.GATHER_OPTIONS, TfliteWriter.gather(0));
        int shape = w.ints("model/flatten/Const", 1, 30);
        int fl = w.activation("model/flatten/Reshape", 1, 30);
        w.op(Builtin.RESHAPE, new int[] {e, shape}, new int[] {fl}, TfliteWriter.RESHAPE_OPTIONS, TfliteWriter.reshape(1, 30));
        int wd = w.floats("model/dense/MatMul", random(r, 4 * 30, 0.4), 4, 30);
        int bd = w.floats("model/dense/BiasAdd/ReadVariableOp", random(r, 4, 0.1), 4);
        int d = w.activation("model/dense/BiasAdd", 1, 4);
        w.op(Builtin.FULLY_CONNECTED, new int[] {fl, wd, bd}, new int[] {d}, TfliteWriter.FULLY_CONNECTED_OPTIONS,
                TfliteWriter.fullyConnected(0, false));
        int sm = w.activation("StatefulPartitionedCall:0", 1, 4);
        w.op(Builtin.SOFTMAX, new int[] {d}, new int[] {sm}, TfliteWriter.SOFTMAX_OPTIONS, TfliteWriter.softmax(1f));
        return w.io(new int[] {x}, new int[] {sm}).build();
    }

    /** float32 to IEEE half, round to nearest even (normal range only, which the seeded weights stay in). */
    static short toHalf(float f) {
        int bits = Float.floatToIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = ((bits >>> 23) & 0xff) - 127 + 15;
        int mant = bits & 0x7fffff;
        if (f == 0f) {
            return (short) sign;
        }
        if (exp <= 0 || exp >= 31) {
            throw new IllegalArgumentException("outside half's normal range: " + f);
        }
        int half = sign | (exp << 10) | (mant >>> 13);
        int rest = mant & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
            half++;
        }
        return (short) half;
    }
}
