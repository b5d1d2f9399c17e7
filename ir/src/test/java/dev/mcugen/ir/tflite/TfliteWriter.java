package dev.mcugen.ir.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Test support: writes small {@code .tflite} flatbuffers with flatbuffers-java's builder and the field
 * ids of TFLite's schema.fbs (the same facts the importer reads by), for the fixtures
 * {@link TfliteFixtures} makes and for models the tests build to be refused. A real TFLite reader (Arm NN,
 * which computes the fixtures' expected outputs) reads what this writes.
 */
final class TfliteWriter {
    /** BuiltinOptions union members (1-based position in schema.fbs's union). */
    static final int CONV_2D_OPTIONS = 1;
    static final int DEPTHWISE_CONV_2D_OPTIONS = 2;
    static final int POOL_2D_OPTIONS = 5;
    static final int FULLY_CONNECTED_OPTIONS = 8;
    static final int SOFTMAX_OPTIONS = 9;
    static final int CONCATENATION_OPTIONS = 10;
    static final int ADD_OPTIONS = 11;
    static final int RESHAPE_OPTIONS = 17;
    static final int MUL_OPTIONS = 21;
    static final int SUB_OPTIONS = 28;
    static final int MAXIMUM_MINIMUM_OPTIONS = 39;
    static final int GATHER_OPTIONS = 23;
    static final int REDUCER_OPTIONS = 27;
    static final int SQUEEZE_OPTIONS = 30;
    static final int STRIDED_SLICE_OPTIONS = 32;
    static final int DEQUANTIZE_OPTIONS = 38;
    static final int EXPAND_DIMS_OPTIONS = 52;
    static final int UNIDIRECTIONAL_SEQUENCE_LSTM_OPTIONS = 71;
    static final int LEAKY_RELU_OPTIONS = 75;

    private record TensorDef(String name, int type, int[] shape, int[] signature, int buffer, boolean variable) {
    }

    private record OpDef(int opcodeIndex, int[] inputs, int[] outputs, int optionsType,
                         ToIntFunction<FlatBufferBuilder> options) {
    }

    private final List<TensorDef> tensors = new ArrayList<>();
    private final List<byte[]> buffers = new ArrayList<>();
    private final List<Integer> opcodes = new ArrayList<>();
    private final List<OpDef> ops = new ArrayList<>();
    private int[] inputs = new int[0];
    private int[] outputs = new int[0];
    /** Per tensor index: its QuantizationParameters (scale, zero_point, quantized_dimension). */
    private final java.util.Map<Integer, Object[]> quantization = new java.util.HashMap<>();

    TfliteWriter() {
        buffers.add(new byte[0]); // buffer 0: the empty sentinel every .tflite starts with
    }

    /** A float32 activation tensor with a batch axis that may vary (shape_signature -1). */
    int activation(String name, int... shape) {
        int[] sig = shape.clone();
        sig[0] = -1;
        return tensor(name, TfliteModel.FLOAT32, shape, sig, null, false);
    }

    /** An int32 activation tensor (token ids) with a batch axis that may vary (shape_signature -1). */
    int intActivation(String name, int... shape) {
        int[] sig = shape.clone();
        sig[0] = -1;
        return tensor(name, TfliteModel.INT32, shape, sig, null, false);
    }

    int floats(String name, float[] values, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return tensor(name, TfliteModel.FLOAT32, shape, null, b.array(), false);
    }

    /** A float16 constant (the values rounded to half precision by the caller's choice of values). */
    int halves(String name, short[] bits, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(2 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : bits) {
            b.putShort(v);
        }
        return tensor(name, TfliteModel.FLOAT16, shape, null, b.array(), false);
    }

    int ints(String name, int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return tensor(name, TfliteModel.INT32, new int[] {values.length}, null, b.array(), false);
    }

    int variable(String name, int... shape) {
        return tensor(name, TfliteModel.FLOAT32, shape, null, null, true);
    }

    int tensor(String name, int type, int[] shape, int[] signature, byte[] data, boolean variable) {
        int buffer = 0;
        if (data != null) {
            buffers.add(data);
            buffer = buffers.size() - 1;
        } else {
            // activation tensors get an empty buffer of their own, as the TF converter writes them
            buffers.add(new byte[0]);
            buffer = buffers.size() - 1;
        }
        tensors.add(new TensorDef(name, type, shape, signature, buffer, variable));
        return tensors.size() - 1;
    }

    /** Gives tensor {@code t} an affine quantization: {@code real = scale[c] * (q - zeroPoint[c])} along {@code dim}. */
    TfliteWriter quantize(int t, float[] scale, long[] zeroPoint, int dim) {
        quantization.put(t, new Object[] {scale.clone(), zeroPoint.clone(), dim});
        return this;
    }

    /** An int8 tensor of constant values (weights). */
    int int8(String name, byte[] values, int... shape) {
        return tensor(name, TfliteModel.INT8, shape, null, values.clone(), false);
    }

    TfliteWriter op(int builtin, int[] in, int[] out, int optionsType, ToIntFunction<FlatBufferBuilder> options) {
        int idx = opcodes.indexOf(builtin);
        if (idx < 0) {
            opcodes.add(builtin);
            idx = opcodes.size() - 1;
        }
        ops.add(new OpDef(idx, in, out, optionsType, options));
        return this;
    }

    TfliteWriter io(int[] in, int[] out) {
        this.inputs = in;
        this.outputs = out;
        return this;
    }

    byte[] build() {
        FlatBufferBuilder b = new FlatBufferBuilder(1024);
        int[] bufferOffsets = new int[buffers.size()];
        for (int i = 0; i < buffers.size(); i++) {
            byte[] d = buffers.get(i);
            int data = 0;
            if (d.length > 0) {
                b.startVector(1, d.length, 16);
                for (int k = d.length - 1; k >= 0; k--) {
                    b.putByte(d[k]);
                }
                data = b.endVector();
            }
            b.startTable(3);
            if (data != 0) {
                b.addOffset(0, data, 0);
            }
            bufferOffsets[i] = b.endTable();
        }
        int[] tensorOffsets = new int[tensors.size()];
        for (int i = 0; i < tensors.size(); i++) {
            TensorDef t = tensors.get(i);
            int name = b.createString(t.name());
            int shape = intVector(b, t.shape());
            int sig = t.signature() == null ? 0 : intVector(b, t.signature());
            int quant = 0;
            Object[] q = quantization.get(i);
            if (q != null) {
                float[] scale = (float[]) q[0];
                long[] zp = (long[]) q[1];
                b.startVector(4, scale.length, 4);
                for (int k = scale.length - 1; k >= 0; k--) {
                    b.addFloat(scale[k]);
                }
                int scaleVec = b.endVector();
                b.startVector(8, zp.length, 8);
                for (int k = zp.length - 1; k >= 0; k--) {
                    b.addLong(zp[k]);
                }
                int zpVec = b.endVector();
                b.startTable(7);
                b.addOffset(2, scaleVec, 0);
                b.addOffset(3, zpVec, 0);
                b.addInt(6, (Integer) q[2], 0);
                quant = b.endTable();
            }
            b.startTable(9);
            b.addOffset(0, shape, 0);
            b.addByte(1, (byte) t.type(), 0);
            b.addInt(2, t.buffer(), 0);
            b.addOffset(3, name, 0);
            if (quant != 0) {
                b.addOffset(4, quant, 0);
            }
            b.addBoolean(5, t.variable(), false);
            if (sig != 0) {
                b.addOffset(7, sig, 0);
            }
            tensorOffsets[i] = b.endTable();
        }
        int[] opOffsets = new int[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            OpDef o = ops.get(i);
            int in = intVector(b, o.inputs());
            int out = intVector(b, o.outputs());
            int options = o.options() == null ? 0 : o.options().applyAsInt(b);
            b.startTable(6);
            b.addInt(0, o.opcodeIndex(), 0);
            b.addOffset(1, in, 0);
            b.addOffset(2, out, 0);
            if (options != 0) {
                b.addByte(3, (byte) o.optionsType(), 0);
                b.addOffset(4, options, 0);
            }
            opOffsets[i] = b.endTable();
        }
        int[] codeOffsets = new int[opcodes.size()];
        for (int i = 0; i < opcodes.size(); i++) {
            int code = opcodes.get(i);
            b.startTable(4);
            b.addByte(0, (byte) Math.min(code, 127), 0);
            b.addInt(2, 1, 1);
            b.addInt(3, code, 0);
            codeOffsets[i] = b.endTable();
        }
        int tensorsVec = b.createVectorOfTables(tensorOffsets);
        int inVec = intVector(b, inputs);
        int outVec = intVector(b, outputs);
        int opsVec = b.createVectorOfTables(opOffsets);
        int sgName = b.createString("main");
        b.startTable(5);
        b.addOffset(0, tensorsVec, 0);
        b.addOffset(1, inVec, 0);
        b.addOffset(2, outVec, 0);
        b.addOffset(3, opsVec, 0);
        b.addOffset(4, sgName, 0);
        int subgraph = b.endTable();
        int codesVec = b.createVectorOfTables(codeOffsets);
        int subgraphs = b.createVectorOfTables(new int[] {subgraph});
        int buffersVec = b.createVectorOfTables(bufferOffsets);
        int description = b.createString("mcugen test fixture");
        b.startTable(8);
        b.addInt(0, 3, 0);
        b.addOffset(1, codesVec, 0);
        b.addOffset(2, subgraphs, 0);
        b.addOffset(3, description, 0);
        b.addOffset(4, buffersVec, 0);
        int model = b.endTable();
        b.finish(model, "TFL3");
        return b.sizedByteArray();
    }

    private static int intVector(FlatBufferBuilder b, int[] values) {
        b.startVector(4, values.length, 4);
        for (int k = values.length - 1; k >= 0; k--) {
            b.putInt(values[k]);
        }
        return b.endVector();
    }

    // --- options tables -----------------------------------------------------------------------

    static ToIntFunction<FlatBufferBuilder> conv2d(int padding, int strideW, int strideH, int fused, int dilW, int dilH) {
        return b -> {
            b.startTable(6);
            b.addByte(0, (byte) padding, -1);
            b.addInt(1, strideW, -1);
            b.addInt(2, strideH, -1);
            b.addByte(3, (byte) fused, -1);
            b.addInt(4, dilW, -1);
            b.addInt(5, dilH, -1);
            return b.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> depthwiseConv2d(int padding, int strideW, int strideH, int multiplier,
                                                            int fused, int dilW, int dilH) {
        return b -> {
            b.startTable(7);
            b.addByte(0, (byte) padding, -1);
            b.addInt(1, strideW, -1);
            b.addInt(2, strideH, -1);
            b.addInt(3, multiplier, -1);
            b.addByte(4, (byte) fused, -1);
            b.addInt(5, dilW, -1);
            b.addInt(6, dilH, -1);
            return b.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> pool(int padding, int strideW, int strideH, int fw, int fh, int fused) {
        return b -> {
            b.startTable(6);
            b.addByte(0, (byte) padding, -1);
            b.addInt(1, strideW, -1);
            b.addInt(2, strideH, -1);
            b.addInt(3, fw, -1);
            b.addInt(4, fh, -1);
            b.addByte(5, (byte) fused, -1);
            return b.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> fullyConnected(int fused, boolean keepDims) {
        return b -> {
            b.startTable(3);
            b.addByte(0, (byte) fused, -1);
            b.addBoolean(2, keepDims, !keepDims);
            return b.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> fused(int fused) {
        return b -> {
            b.startTable(1);
            b.addByte(0, (byte) fused, -1);
            return b.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> leakyRelu(float alpha) {
        return b -> {
            b.startTable(1);
            b.addFloat(0, alpha, 0);
            return b.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> softmax(float beta) {
        return b -> {
            b.startTable(1);
            b.addFloat(0, beta, -1);
            return b.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> concatenation(int axis, int fused) {
        return b -> {
            b.startTable(2);
            b.addInt(0, axis, -1);
            b.addByte(1, (byte) fused, -1);
            return b.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> reducer(boolean keepDims) {
        return b -> {
            b.startTable(1);
            b.addBoolean(0, keepDims, !keepDims);
            return b.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> squeeze(int... dims) {
        return b -> {
            int v = intVector(b, dims);
            b.startTable(1);
            b.addOffset(0, v, 0);
            return b.endTable();
        };
    }

    /** GatherOptions: axis (field 0), batch_dims (field 1). */
    static ToIntFunction<FlatBufferBuilder> gather(int axis) {
        return b -> {
            b.startTable(2);
            b.addInt(0, axis, 0);
            return b.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> reshape(int... newShape) {
        return b -> {
            int v = intVector(b, newShape);
            b.startTable(1);
            b.addOffset(0, v, 0);
            return b.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> empty() {
        return b -> {
            b.startTable(0);
            return b.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> stridedSlice(int beginMask, int endMask, int shrinkMask) {
        return b -> {
            b.startTable(6);
            b.addInt(0, beginMask, -1);
            b.addInt(1, endMask, -1);
            b.addInt(4, shrinkMask, -1);
            return b.endTable();
        };
    }

    static ToIntFunction<FlatBufferBuilder> lstm(int fused, float cellClip, boolean timeMajor) {
        return b -> {
            b.startTable(6);
            b.addByte(0, (byte) fused, -1);
            b.addFloat(1, cellClip, -1);
            b.addBoolean(3, timeMajor, !timeMajor);
            return b.endTable();
        };
    }
}
