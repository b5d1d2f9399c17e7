package dev.mcugen.ir.tflite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The float-I/O quantized fixture of {@code ir/src/test/resources/tflite-quant/float_io/}, laid out as
 * TFLite's converter writes a model quantized without {@code inference_input_type = int8}: a float32
 * input, QUANTIZE to int8, FULLY_CONNECTED + ReLU, FULLY_CONNECTED, DEQUANTIZE to a float32 output.
 * {@code model_int8io.tflite} is the same graph with int8 input and output (no QUANTIZE / DEQUANTIZE):
 * on the same integers both compute the same.
 * Weights are seeded random values.
 *
 * <p>Regenerate: {@code java -cp ir/target/classes:ir/target/test-classes:<flatbuffers-java.jar>
 * dev.mcugen.ir.tflite.TfliteFloatIoFixture ir/src/test/resources/tflite-quant/float_io}, then
 * {@code /usr/bin/python3 ir/src/test/resources/tflite-quant/float_io/armnn_expected.py}.
 */
public final class TfliteFloatIoFixture {
    static final float IN_SCALE = 0.03f;
    static final long IN_ZP = -5;
    static final float OUT_SCALE = 0.25f;
    static final long OUT_ZP = 7;

    private TfliteFloatIoFixture() {
    }

    /** The model: with float32 I/O through QUANTIZE and DEQUANTIZE, or ({@code floatIo} false) int8 I/O. */
    static byte[] model(boolean floatIo) {
        Random r = new Random(14);
        TfliteWriter w = new TfliteWriter();
        int in = floatIo ? w.tensor("serving_default_x:0", TfliteModel.FLOAT32, new int[] {1, 8}, new int[] {-1, 8}, null, false)
                : -1;
        int x = w.tensor(floatIo ? "tfl.quantize" : "serving_default_x:0", TfliteModel.INT8, new int[] {1, 8}, null, null,
                false);
        w.quantize(x, new float[] {IN_SCALE}, new long[] {IN_ZP}, 0);
        if (floatIo) {
            w.op(Builtin.QUANTIZE, new int[] {in}, new int[] {x}, 0, null);
        }
        // dense: [6, 8] per-tensor, ReLU
        int k1 = w.int8("dense/MatMul", bytes(r, 48), 6, 8);
        w.quantize(k1, new float[] {0.02f}, new long[] {0}, 0);
        int b1 = w.tensor("dense/BiasAdd/ReadVariableOp", TfliteModel.INT32, new int[] {6}, null, ints(r, 6, 400), false);
        w.quantize(b1, new float[] {IN_SCALE * 0.02f}, new long[] {0}, 0);
        int h = w.tensor("sequential/dense/Relu", TfliteModel.INT8, new int[] {1, 6}, null, null, false);
        w.quantize(h, new float[] {0.05f}, new long[] {-128}, 0);
        w.op(Builtin.FULLY_CONNECTED, new int[] {x, k1, b1}, new int[] {h}, TfliteWriter.FULLY_CONNECTED_OPTIONS,
                TfliteWriter.fullyConnected(1, false));
        // dense_1: [3, 6]
        float[] sw = {0.017f, 0.017f, 0.017f};
        int k2 = w.int8("dense_1/MatMul", bytes(r, 18), 3, 6);
        w.quantize(k2, new float[] {sw[0]}, new long[] {0}, 0);
        int b2 = w.tensor("dense_1/BiasAdd/ReadVariableOp", TfliteModel.INT32, new int[] {3}, null, ints(r, 3, 300), false);
        w.quantize(b2, new float[] {0.05f * sw[0]}, new long[] {0}, 0);
        int y = w.tensor(floatIo ? "sequential/dense_1/BiasAdd" : "StatefulPartitionedCall:0", TfliteModel.INT8,
                new int[] {1, 3}, null, null, false);
        w.quantize(y, new float[] {OUT_SCALE}, new long[] {OUT_ZP}, 0);
        w.op(Builtin.FULLY_CONNECTED, new int[] {h, k2, b2}, new int[] {y}, TfliteWriter.FULLY_CONNECTED_OPTIONS,
                TfliteWriter.fullyConnected(0, false));
        if (!floatIo) {
            return w.io(new int[] {x}, new int[] {y}).build();
        }
        int out = w.tensor("StatefulPartitionedCall:0", TfliteModel.FLOAT32, new int[] {1, 3}, new int[] {-1, 3}, null, false);
        w.op(Builtin.DEQUANTIZE, new int[] {y}, new int[] {out}, 0, null);
        return w.io(new int[] {in}, new int[] {out}).build();
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (r.nextInt(255) - 127);
        }
        return b;
    }

    private static byte[] ints(Random r, int n, int range) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putInt(r.nextInt(2 * range + 1) - range);
        }
        return b.array();
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "ir/src/test/resources/tflite-quant/float_io");
        Files.createDirectories(dir);
        Files.write(dir.resolve("model.tflite"), model(true));
        Files.write(dir.resolve("model_int8io.tflite"), model(false));
        System.out.println("wrote " + dir);
    }
}
