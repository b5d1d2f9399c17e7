package dev.mcugen.ir.tflite;

import com.google.flatbuffers.FlatBufferBuilder;

import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * The TFLite fixture of the data-movement ops and the transposed convolution (for
 * {@link TfliteFixtures}): PAD, TRANSPOSE_CONV (VALID, stride 2, no bias) + RELU, RESIZE_NEAREST_NEIGHBOR
 * (half_pixel_centers) and TRANSPOSE, as the TF converter writes Keras ZeroPadding2D, Conv2DTranspose,
 * UpSampling2D and Permute. The Arm NN that computes the expected outputs reads TRANSPOSE_CONV with three
 * inputs only (no bias) and splits SAME padding by the input's size where TFLite and TensorFlow use the
 * output's, so this fixture is VALID; SAME is checked against TF.js's Conv2DTranspose goldens.
 */
final class TfliteShapeFixtures {
    static final int PAD_OPTIONS = 22;
    static final int TRANSPOSE_OPTIONS = 26;
    static final int TRANSPOSE_CONV_OPTIONS = 49;
    static final int RESIZE_NEAREST_NEIGHBOR_OPTIONS = 74;

    private TfliteShapeFixtures() {
    }

    static ToIntFunction<FlatBufferBuilder> transposeConv(int padding, int strideW, int strideH, int fused) {
        return b -> {
            b.startTable(4);
            b.addByte(0, (byte) padding, -1);
            b.addInt(1, strideW, -1);
            b.addInt(2, strideH, -1);
            b.addByte(3, (byte) fused, -1);
            return b.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> resizeNearest(boolean alignCorners, boolean halfPixel) {
        return b -> {
            b.startTable(2);
            b.addBoolean(0, alignCorners, !alignCorners);
            b.addBoolean(1, halfPixel, !halfPixel);
            return b.endTable();
        };
    }

    /** An int32 constant of the given shape. */
    private static int ints2d(TfliteWriter w, String name, int[] values, int... shape) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * values.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return w.tensor(name, TfliteModel.INT32, shape, null, b.array(), false);
    }

    static byte[] padTransposeConvResize() {
        Random r = new Random(404);
        TfliteWriter w = new TfliteWriter();
        int x = w.activation("serving_default_input_1:0", 1, 5, 4, 3);
        int pads = ints2d(w, "model/zero_padding2d/Pad/paddings", new int[] {0, 0, 1, 2, 0, 1, 0, 0}, 4, 2);
        int padded = w.activation("model/zero_padding2d/Pad", 1, 8, 5, 3);
        w.op(Builtin.PAD, new int[] {x, pads}, new int[] {padded}, PAD_OPTIONS, TfliteWriter.empty());
        int shape = w.ints("model/conv2d_transpose/stack", 1, 17, 11, 4);
        float[] f = new float[4 * 3 * 3 * 3];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (r.nextGaussian() * 0.4);
        }
        int filter = w.floats("model/conv2d_transpose/conv2d_transpose", f, 4, 3, 3, 3);
        int t = w.activation("model/conv2d_transpose/conv2d_transpose", 1, 17, 11, 4);
        w.op(Builtin.TRANSPOSE_CONV, new int[] {shape, filter, padded}, new int[] {t}, TRANSPOSE_CONV_OPTIONS,
                transposeConv(1, 2, 2, 0));
        int tc = w.activation("model/conv2d_transpose/Relu", 1, 17, 11, 4);
        w.op(Builtin.RELU, new int[] {t}, new int[] {tc}, 0, null);
        int size = w.ints("model/up_sampling2d/mul", 34, 22);
        int up = w.activation("model/up_sampling2d/resize/ResizeNearestNeighbor", 1, 34, 22, 4);
        w.op(Builtin.RESIZE_NEAREST_NEIGHBOR, new int[] {tc, size}, new int[] {up}, RESIZE_NEAREST_NEIGHBOR_OPTIONS,
                resizeNearest(false, true));
        int perm = w.ints("model/permute/transpose/perm", 0, 2, 1, 3);
        int out = w.activation("Identity", 1, 22, 34, 4);
        w.op(Builtin.TRANSPOSE, new int[] {up, perm}, new int[] {out}, TRANSPOSE_OPTIONS, TfliteWriter.empty());
        return w.io(new int[] {x}, new int[] {out}).build();
    }
}
