package dev.mcugen.ir.tflite;

import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.ir.npy.NpyDtype;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Test support: small quantized {@code .tflite} files (int8, and int16 activations with zero point 0),
 * one op each or two, for the ops TFLite's integer kernels run: LOGISTIC, TANH, HARD_SWISH, RELU,
 * RELU6, MUL, SUB, broadcast ADD, CONCATENATION, DEQUANTIZE. Each fixture's {@code input.npy} holds 3
 * samples of raw integers, the first of them every int8 value in order (the whole table of an int8
 * activation). {@code main} writes {@code src/test/resources/tflite-quant/<name>/}; Arm NN's outputs
 * for comparison come from {@code armnn_quant.py} beside them.
 *
 * <p>Regenerate: {@code java -cp ir/target/classes:ir/target/test-classes:<flatbuffers-java.jar>
 * dev.mcugen.ir.tflite.TfliteQuantFixtures ir/src/test/resources/tflite-quant}, then
 * {@code /usr/bin/python3 ir/src/test/resources/tflite-quant/armnn_quant.py}.
 */
final class TfliteQuantFixtures {
    static final int LOGISTIC = 14;
    static final int TANH = 28;
    static final int HARD_SWISH = 117;
    static final int RELU = 19;
    static final int RELU6 = 21;
    static final int MUL = 18;
    static final int SUB = 41;
    static final int ADD = 0;
    static final int CONCATENATION = 2;
    static final int DEQUANTIZE = 6;

    /** Input shape of every fixture but MEAN's: [1, 4, 64], 256 values. */
    static final int[] SHAPE = {1, 4, 64};
    /** Input shape of the MEAN and the 4-D fixtures ({@code dw_*}): [1, 4, 8, 8], the same 256 values. */
    static final int[] MEAN_SHAPE = {1, 4, 8, 8};
    static final int MEAN = 40;
    static final int TRANSPOSE_CONV = 67;
    static final int TRANSPOSE_CONV_OPTIONS = 49;

    private TfliteQuantFixtures() {
    }

    static Map<String, Supplier<byte[]>> all() {
        Map<String, Supplier<byte[]>> m = new TreeMap<>();
        m.put("logistic_s8", () -> unary(LOGISTIC, TfliteModel.INT8, 0.05f, 5, 1f / 256, -128));
        m.put("tanh_s8", () -> unary(TANH, TfliteModel.INT8, 0.04f, -3, 1f / 128, 0));
        m.put("hard_swish_s8", () -> unary(HARD_SWISH, TfliteModel.INT8, 0.05f, -20, 0.03f, -100));
        m.put("relu_s8", () -> unary(RELU, TfliteModel.INT8, 0.1f, -10, 0.05f, -128));
        m.put("relu6_s16", () -> unary(RELU6, TfliteModel.INT16, 0.0004f, 0, 0.0004f, 0));
        m.put("mul_channel_s8", TfliteQuantFixtures::mulChannel);
        m.put("mul_square_s16", TfliteQuantFixtures::mulSquare);
        m.put("sub_channel_s8", TfliteQuantFixtures::subChannel);
        m.put("sub_relu_s16", TfliteQuantFixtures::subRelu16);
        m.put("add_scalar_s16", TfliteQuantFixtures::addScalar);
        m.put("concat_relu_s8", TfliteQuantFixtures::concatRelu);
        m.put("tanh_dequantize_s8", TfliteQuantFixtures::tanhDequantize);
        m.put("mean_keep_s8", () -> mean(TfliteModel.INT8, true, 0.05f, -128, 0.03f, -100));
        m.put("mean_s16", () -> mean(TfliteModel.INT16, false, 0.0005f, 0, 0.0005f, 0));
        m.put("mean_steps_s8", () -> mean(TfliteModel.INT8, false, 0.05f, 3, 0.013f, -20));
        m.put("dw_s16", TfliteQuantFixtures::depthwise16x8);
        m.put("dw_fc_s16", TfliteQuantFixtures::depthwiseFc16x8);
        m.put("dw_avg_pool_s16", () -> pool16(1, 0.0005f, 0.0005f));
        m.put("dw_max_pool_s16", () -> pool16(17, 0.0005f, 0.0005f));
        m.put("dw_transpose_conv_s8", TfliteQuantFixtures::transposeConv);
        m.put("dw_squeeze_excite_s8", TfliteQuantFixtures::squeezeExcite);
        return m;
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "ir/src/test/resources/tflite-quant");
        for (var e : all().entrySet()) {
            Path dir = root.resolve(e.getKey());
            Files.createDirectories(dir);
            Files.write(dir.resolve("model.tflite"), e.getValue().get());
            boolean sixteen = e.getKey().endsWith("_s16");
            NpyArray in = input(sixteen);
            if (e.getKey().startsWith("mean_") || e.getKey().startsWith("dw_")) {
                in = NpyArray.ofInts(in.dtype(), List.of(3, MEAN_SHAPE[1], MEAN_SHAPE[2], MEAN_SHAPE[3]), in.toIntArray());
            }
            Npy.write(dir.resolve("input.npy"), in);
        }
    }

    /** 3 samples [3, 4, 64]: every int8 value in order (int16: the int8 values times 128 plus a ramp), then random. */
    static NpyArray input(boolean sixteen) {
        int n = SHAPE[1] * SHAPE[2];
        int[] v = new int[3 * n];
        Random r = new Random(14);
        for (int i = 0; i < n; i++) {
            v[i] = sixteen ? Math.max(-32768, Math.min(32767, (i - 128) * 256 + i)) : i - 128;
        }
        for (int i = n; i < v.length; i++) {
            v[i] = sixteen ? r.nextInt(65536) - 32768 : r.nextInt(256) - 128;
        }
        if (sixteen) {
            v[n - 1] = 32767;
            v[0] = -32768;
        }
        return NpyArray.ofInts(sixteen ? NpyDtype.INT16 : NpyDtype.INT8, List.of(3, SHAPE[1], SHAPE[2]), v);
    }

    private static int act(TfliteWriter w, String name, int type, float scale, long zp, int... shape) {
        int t = w.tensor(name, type, shape, null, null, false);
        w.quantize(t, new float[] {scale}, new long[] {zp}, 0);
        return t;
    }

    static byte[] unary(int builtin, int type, float sx, long zx, float sy, long zy) {
        TfliteWriter w = new TfliteWriter();
        int x = act(w, "serving_default_x:0", type, sx, zx, SHAPE);
        int y = act(w, "StatefulPartitionedCall:0", type, sy, zy, SHAPE);
        w.op(builtin, new int[] {x}, new int[] {y}, 0, null);
        return w.io(new int[] {x}, new int[] {y}).build();
    }

    private static int constant(TfliteWriter w, String name, int type, float scale, long zp, int[] values, int... shape) {
        byte[] data;
        if (type == TfliteModel.INT16) {
            ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int v : values) {
                b.putShort((short) v);
            }
            data = b.array();
        } else {
            data = new byte[values.length];
            for (int i = 0; i < values.length; i++) {
                data[i] = (byte) values[i];
            }
        }
        int t = w.tensor(name, type, shape, null, data, false);
        w.quantize(t, new float[] {scale}, new long[] {zp}, 0);
        return t;
    }

    /** x [1, 4, 64] times a constant per-channel vector [64], zero points at the range ends, fused RELU6. */
    static byte[] mulChannel() {
        TfliteWriter w = new TfliteWriter();
        int x = act(w, "x", TfliteModel.INT8, 0.02f, -128, SHAPE);
        int[] c = new int[SHAPE[2]];
        for (int i = 0; i < c.length; i++) {
            c[i] = (i * 37) % 256 - 128;
        }
        int k = constant(w, "gain", TfliteModel.INT8, 0.01f, 127, c, SHAPE[2]);
        int y = act(w, "y", TfliteModel.INT8, 0.008f, -60, SHAPE);
        w.op(MUL, new int[] {x, k}, new int[] {y}, TfliteWriter.MUL_OPTIONS, TfliteWriter.fused(3));
        return w.io(new int[] {x}, new int[] {y}).build();
    }

    /** x * x in int16 (symmetric), a scale that saturates the largest squares. */
    static byte[] mulSquare() {
        TfliteWriter w = new TfliteWriter();
        int x = act(w, "x", TfliteModel.INT16, 1f / 4096, 0, SHAPE);
        int y = act(w, "y", TfliteModel.INT16, 1f / 512, 0, SHAPE);
        w.op(MUL, new int[] {x, x}, new int[] {y}, TfliteWriter.MUL_OPTIONS, TfliteWriter.fused(0));
        return w.io(new int[] {x}, new int[] {y}).build();
    }

    /** A constant vector [1, 1, 64] minus x: the subtrahend is the graph input. */
    static byte[] subChannel() {
        TfliteWriter w = new TfliteWriter();
        int x = act(w, "x", TfliteModel.INT8, 0.03f, 10, SHAPE);
        int[] c = new int[SHAPE[2]];
        for (int i = 0; i < c.length; i++) {
            c[i] = 127 - 4 * i;
        }
        int k = constant(w, "offset", TfliteModel.INT8, 0.05f, -7, c, 1, 1, SHAPE[2]);
        int y = act(w, "y", TfliteModel.INT8, 0.06f, 3, SHAPE);
        w.op(SUB, new int[] {k, x}, new int[] {y}, TfliteWriter.SUB_OPTIONS, TfliteWriter.fused(0));
        return w.io(new int[] {x}, new int[] {y}).build();
    }

    /** int16 x plus a constant scalar of another scale. */
    static byte[] addScalar() {
        TfliteWriter w = new TfliteWriter();
        int x = act(w, "x", TfliteModel.INT16, 0.0005f, 0, SHAPE);
        int k = constant(w, "bias", TfliteModel.INT16, 0.0002f, 0, new int[] {-12345}, 1);
        int y = act(w, "y", TfliteModel.INT16, 0.0007f, 0, SHAPE);
        w.op(ADD, new int[] {x, k}, new int[] {y}, TfliteWriter.ADD_OPTIONS, TfliteWriter.fused(1));
        return w.io(new int[] {x}, new int[] {y}).build();
    }

    /** CONCATENATION of x and RELU(x) (another scale) along the last axis: TFLite copies the integers. */
    static byte[] concatRelu() {
        TfliteWriter w = new TfliteWriter();
        int x = act(w, "x", TfliteModel.INT8, 0.1f, -10, SHAPE);
        int r = act(w, "relu", TfliteModel.INT8, 0.05f, -128, SHAPE);
        w.op(RELU, new int[] {x}, new int[] {r}, 0, null);
        int y = act(w, "y", TfliteModel.INT8, 0.1f, -10, SHAPE[0], SHAPE[1], 2 * SHAPE[2]);
        w.op(CONCATENATION, new int[] {x, r}, new int[] {y}, TfliteWriter.CONCATENATION_OPTIONS,
                TfliteWriter.concatenation(2, 0));
        return w.io(new int[] {x}, new int[] {y}).build();
    }

    /** TANH, then DEQUANTIZE as the model's float output. */
    static byte[] tanhDequantize() {
        TfliteWriter w = new TfliteWriter();
        int x = act(w, "x", TfliteModel.INT8, 0.03f, 0, SHAPE);
        int t = act(w, "tanh", TfliteModel.INT8, 1f / 128, 0, SHAPE);
        w.op(TANH, new int[] {x}, new int[] {t}, 0, null);
        int y = w.tensor("y", TfliteModel.FLOAT32, SHAPE, null, null, false);
        w.op(DEQUANTIZE, new int[] {t}, new int[] {y}, 0, null);
        return w.io(new int[] {x}, new int[] {y}).build();
    }

    /** MEAN over height and width of [1, 4, 8, 8]: kept dimensions [1, 1, 1, 8], or [1, 8]. */
    static byte[] mean(int type, boolean keepDims, float sx, long zx, float sy, long zy) {
        TfliteWriter w = new TfliteWriter();
        int x = act(w, "x", type, sx, zx, MEAN_SHAPE);
        int axes = w.ints("axes", 1, 2);
        int y = keepDims ? act(w, "y", type, sy, zy, 1, 1, 1, MEAN_SHAPE[3]) : act(w, "y", type, sy, zy, 1, MEAN_SHAPE[3]);
        w.op(MEAN, new int[] {x, axes}, new int[] {y}, TfliteWriter.REDUCER_OPTIONS, TfliteWriter.reducer(keepDims));
        return w.io(new int[] {x}, new int[] {y}).build();
    }

    private static int int64s(TfliteWriter w, String name, long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return w.tensor(name, TfliteModel.INT64, new int[] {values.length}, null, b.array(), false);
    }

    /** Seeded int8 weights in [-127, 127] (TFLite's symmetric range). */
    private static byte[] weights(int n, long seed) {
        Random r = new Random(seed);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (r.nextInt(255) - 127);
        }
        return b;
    }

    /** A 16x8 DEPTHWISE_CONV_2D on [1, 4, 8, 8]: 3x3, depth multiplier 2, SAME, stride 1, per-channel scales, fused RELU6. */
    private static int depthwise(TfliteWriter w, int x) {
        int c = MEAN_SHAPE[3];
        int out = 2 * c;
        int k = w.int8("dw/weights", weights(9 * out, 1401), 1, 3, 3, out);
        float[] ws = new float[out];
        long[] wz = new long[out];
        long[] bias = new long[out];
        for (int o = 0; o < out; o++) {
            ws[o] = 0.002f + 0.0005f * o;
            bias[o] = (o - 8) * 40000L;
        }
        w.quantize(k, ws, wz, 3);
        int b = int64s(w, "dw/bias", bias);
        int y = act(w, "dw", TfliteModel.INT16, 0.0004f, 0, 1, 4, 8, out);
        w.op(4, new int[] {x, k, b}, new int[] {y}, TfliteWriter.DEPTHWISE_CONV_2D_OPTIONS,
                TfliteWriter.depthwiseConv2d(0, 1, 1, 2, 3, 1, 1));
        return y;
    }

    static byte[] depthwise16x8() {
        TfliteWriter w = new TfliteWriter();
        int x = act(w, "x", TfliteModel.INT16, 0.0005f, 0, MEAN_SHAPE);
        int y = depthwise(w, x);
        return w.io(new int[] {x}, new int[] {y}).build();
    }

    /** The 16x8 depthwise convolution, then a 16x8 FULLY_CONNECTED of its rows [32, 16] to [32, 5] (per-tensor scale). */
    static byte[] depthwiseFc16x8() {
        TfliteWriter w = new TfliteWriter();
        int x = act(w, "x", TfliteModel.INT16, 0.0005f, 0, MEAN_SHAPE);
        int d = depthwise(w, x);
        int k = w.int8("fc/weights", weights(5 * 16, 1402), 5, 16);
        w.quantize(k, new float[] {0.004f}, new long[] {0}, 0);
        int b = int64s(w, "fc/bias", -300000, -1, 0, 1, 300000);
        int y = act(w, "fc", TfliteModel.INT16, 0.002f, 0, 1, 4, 8, 5);
        w.op(9, new int[] {d, k, b}, new int[] {y}, TfliteWriter.FULLY_CONNECTED_OPTIONS, TfliteWriter.fullyConnected(0, true));
        return w.io(new int[] {x}, new int[] {y}).build();
    }

    /** int16 AVERAGE_POOL_2D (1) or MAX_POOL_2D (17) 3x3, stride 2, SAME, on [1, 4, 8, 8]. */
    static byte[] pool16(int builtin, float sx, float sy) {
        TfliteWriter w = new TfliteWriter();
        int x = act(w, "x", TfliteModel.INT16, sx, 0, MEAN_SHAPE);
        int y = act(w, "y", TfliteModel.INT16, sy, 0, 1, 2, 4, 8);
        w.op(builtin, new int[] {x}, new int[] {y}, TfliteWriter.POOL_2D_OPTIONS, TfliteWriter.pool(0, 2, 2, 3, 3, 0));
        return w.io(new int[] {x}, new int[] {y}).build();
    }

    /**
     * int8 TRANSPOSE_CONV of [1, 4, 8, 8] to [1, 8, 16, 4]: 3x3, stride 2, SAME, per-channel weights,
     * int32 bias, fused RELU; input zero point at the range end.
     */
    static byte[] transposeConv() {
        TfliteWriter w = new TfliteWriter();
        int x = act(w, "x", TfliteModel.INT8, 0.05f, -128, MEAN_SHAPE);
        int shape = w.ints("output_shape", 1, 8, 16, 4);
        int k = w.int8("tconv/weights", weights(4 * 9 * 8, 1403), 4, 3, 3, 8);
        w.quantize(k, new float[] {0.01f, 0.02f, 0.005f, 0.015f}, new long[] {0, 0, 0, 0}, 0);
        ByteBuffer bb = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(-20000).putInt(0).putInt(15000).putInt(-1);
        int b = w.tensor("tconv/bias", TfliteModel.INT32, new int[] {4}, null, bb.array(), false);
        w.quantize(b, new float[] {0.0005f, 0.001f, 0.00025f, 0.00075f}, new long[] {0, 0, 0, 0}, 0);
        int y = act(w, "y", TfliteModel.INT8, 0.1f, -5, 1, 8, 16, 4);
        w.op(TRANSPOSE_CONV, new int[] {shape, k, x, b}, new int[] {y}, TRANSPOSE_CONV_OPTIONS, fb -> {
            fb.startTable(4);
            fb.addByte(0, (byte) 0, -1); // SAME
            fb.addInt(1, 2, -1);
            fb.addInt(2, 2, -1);
            fb.addByte(3, (byte) 1, -1); // RELU
            return fb.endTable();
        });
        return w.io(new int[] {x}, new int[] {y}).build();
    }

    /**
     * A squeeze-and-excitation gate: MEAN over height and width with kept dimensions [1, 1, 1, 8], LOGISTIC,
     * then MUL of the input by that computed per-channel vector.
     */
    static byte[] squeezeExcite() {
        TfliteWriter w = new TfliteWriter();
        int x = act(w, "x", TfliteModel.INT8, 0.04f, -6, MEAN_SHAPE);
        int axes = w.ints("axes", 1, 2);
        int m = act(w, "squeeze", TfliteModel.INT8, 0.01f, 2, 1, 1, 1, MEAN_SHAPE[3]);
        w.op(MEAN, new int[] {x, axes}, new int[] {m}, TfliteWriter.REDUCER_OPTIONS, TfliteWriter.reducer(true));
        int g = act(w, "gate", TfliteModel.INT8, 1f / 256, -128, 1, 1, 1, MEAN_SHAPE[3]);
        w.op(LOGISTIC, new int[] {m}, new int[] {g}, 0, null);
        int y = act(w, "y", TfliteModel.INT8, 0.03f, -10, MEAN_SHAPE);
        w.op(MUL, new int[] {x, g}, new int[] {y}, TfliteWriter.MUL_OPTIONS, TfliteWriter.fused(0));
        return w.io(new int[] {x}, new int[] {y}).build();
    }

    /** int16 x - RELU(x) (RELU's output on another scale), both graph tensors of one shape, fused RELU_N1_TO_1. */
    static byte[] subRelu16() {
        TfliteWriter w = new TfliteWriter();
        int x = act(w, "x", TfliteModel.INT16, 0.0003f, 0, SHAPE);
        int r = act(w, "relu", TfliteModel.INT16, 0.0002f, 0, SHAPE);
        w.op(RELU, new int[] {x}, new int[] {r}, 0, null);
        int y = act(w, "y", TfliteModel.INT16, 0.0001f, 0, SHAPE);
        w.op(SUB, new int[] {x, r}, new int[] {y}, TfliteWriter.SUB_OPTIONS, TfliteWriter.fused(2));
        return w.io(new int[] {x}, new int[] {y}).build();
    }

    /** The names of the fixtures, for parameterized tests. */
    static List<String> names() {
        return new ArrayList<>(all().keySet());
    }
}
