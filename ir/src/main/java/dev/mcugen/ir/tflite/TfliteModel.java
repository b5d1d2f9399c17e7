package dev.mcugen.ir.tflite;

import dev.mcugen.ir.Text;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of a {@code .tflite} flatbuffer the importer uses, read through {@link Flat} with every
 * reference checked. Field ids are those of TFLite's {@code schema.fbs}
 * ({@code tensorflow/compiler/mlir/lite/schema/schema.fbs}); the schema itself is not part of mcugen.
 * Only one subgraph is read: TFLite puts control flow bodies (WHILE, IF) in further subgraphs, which
 * mcugen does not import.
 */
final class TfliteModel {
    /** The most dimensions a tensor shape may have. */
    static final int MAX_RANK = 8;

    /** TensorType values of schema.fbs. */
    static final int FLOAT32 = 0;
    static final int FLOAT16 = 1;
    static final int INT32 = 2;
    static final int UINT8 = 3;
    static final int INT64 = 4;
    static final int INT16 = 7;
    static final int INT8 = 9;
    static final int FLOAT64 = 10;

    /** A tensor of the subgraph. */
    record Tensor(int index, String name, int[] shape, int[] shapeSignature, int type, int buffer,
                  boolean variable, boolean sparse) {
        /** {@code tensor 12 'conv/weights'}, with the name made safe for a message. */
        String label() {
            return "tensor " + index + " '" + Text.clip(name, 80) + "'";
        }

        long elements() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /**
     * A tensor's affine quantization ({@code QuantizationParameters} of schema.fbs):
     * {@code real = scale[c] * (q - zeroPoint[c])}, one entry per tensor or one per index {@code c}
     * along axis {@code dimension} (per-channel weights).
     */
    record Quantization(float[] scale, long[] zeroPoint, int dimension) {
        boolean perChannel() {
            return scale.length > 1;
        }
    }

    /** Where a buffer's bytes are: {@code start}, {@code length} within the file; length 0 = no data. */
    record Buffer(long start, long length) {
    }

    /** An operator: its builtin code, tensor indices (-1 = absent optional input) and options table. */
    record Operator(int index, int opcode, int[] inputs, int[] outputs, int optionsType, Flat.Table options) {
    }

    final Flat flat;
    final int version;
    final int[] opcodes;
    final List<String> customCodes;
    final List<Tensor> tensors;
    final int[] inputs;
    final int[] outputs;
    final List<Operator> operators;
    final List<Buffer> buffers;
    final int subgraphCount;
    /** Per tensor index, its quantization, or null where the file gives no scale. */
    final List<Quantization> quantization;

    private TfliteModel(Flat flat, int version, int[] opcodes, List<String> customCodes, List<Tensor> tensors,
                        int[] inputs, int[] outputs, List<Operator> operators, List<Buffer> buffers, int subgraphCount,
                        List<Quantization> quantization) {
        this.flat = flat;
        this.version = version;
        this.opcodes = opcodes;
        this.customCodes = customCodes;
        this.tensors = tensors;
        this.inputs = inputs;
        this.outputs = outputs;
        this.operators = operators;
        this.buffers = buffers;
        this.subgraphCount = subgraphCount;
        this.quantization = quantization;
    }

    static TfliteModel parse(Flat f) {
        if (f.length() < 8) {
            throw f.corrupt("header", "the file has " + f.length() + " bytes, too few for a flatbuffer");
        }
        Flat.Table model = f.root("model root table");
        int version = model.i32(0, 0);

        Flat.Vec codesVec = model.vector(1, 4, "operator_codes");
        int nCodes = codesVec == null ? 0 : codesVec.length;
        int[] opcodes = new int[nCodes];
        List<String> custom = new ArrayList<>();
        for (int i = 0; i < nCodes; i++) {
            Flat.Table c = codesVec.table(i, "operator code " + i);
            // builtin_code (id 3) superseded the byte-wide deprecated_builtin_code (id 0) at 127;
            // writers fill both, the real code is the larger
            opcodes[i] = Math.max(c.i8(0, 0), c.i32(3, 0));
            custom.add(c.string(1, "custom code of operator code " + i));
        }

        Flat.Vec subs = model.vector(2, 4, "subgraphs");
        if (subs == null || subs.length == 0) {
            throw f.corrupt("model", "has no subgraph");
        }
        Flat.Table sg = subs.table(0, "subgraph 0");

        Flat.Vec buffersVec = model.vector(4, 4, "buffers");
        List<Buffer> buffers = new ArrayList<>();
        int nBuffers = buffersVec == null ? 0 : buffersVec.length;
        for (int i = 0; i < nBuffers; i++) {
            Flat.Table b = buffersVec.table(i, "buffer " + i);
            Flat.Vec data = b.vector(0, 1, "data of buffer " + i);
            long offset = b.i64(1, 0);
            long size = b.i64(2, 0);
            if (data != null && data.length > 0) {
                buffers.add(new Buffer(data.start, data.length));
            } else if (offset > 1) {
                // data stored after the flatbuffer (files over 2 GB), offset from the start of the file
                if (size < 0 || offset + size > f.length() || offset + size < 0) {
                    throw f.corrupt("buffer " + i, "claims " + size + " bytes at offset " + offset
                            + ", outside the file (" + f.length() + " bytes)");
                }
                buffers.add(new Buffer(offset, size));
            } else {
                buffers.add(new Buffer(0, 0));
            }
        }

        Flat.Vec tensorsVec = sg.vector(0, 4, "tensors of subgraph 0");
        int nTensors = tensorsVec == null ? 0 : tensorsVec.length;
        List<Tensor> tensors = new ArrayList<>();
        List<Quantization> quantization = new ArrayList<>();
        for (int i = 0; i < nTensors; i++) {
            String what = "tensor " + i;
            Flat.Table t = tensorsVec.table(i, what);
            String name = t.string(3, what + " name");
            if (name == null) {
                name = "t" + i;
            }
            what = "tensor " + i + " '" + Text.clip(name, 80) + "'";
            Flat.Vec shapeVec = t.vector(0, 4, what + " shape");
            int[] shape = shapeVec == null ? new int[0] : shapeVec.ints();
            Flat.Vec sigVec = t.vector(7, 4, what + " shape_signature");
            int[] sig = sigVec == null ? null : sigVec.ints();
            // TFLite's kernels take at most 6 dimensions (8 is a generous bound); a longer shape is damage,
            // and refusing it here keeps every later message that quotes a shape short.
            if (shape.length > MAX_RANK || (sig != null && sig.length > MAX_RANK)) {
                throw f.corrupt(what, "has a shape of " + Math.max(shape.length, sig == null ? 0 : sig.length)
                        + " dimensions; TFLite tensors have at most " + MAX_RANK);
            }
            long n = 1;
            for (int d : shape) {
                if (d < 0) {
                    throw f.corrupt(what, "has a negative dimension in its shape " + java.util.Arrays.toString(shape));
                }
                n *= d;
                if (n > Integer.MAX_VALUE) {
                    throw f.corrupt(what, "has more than 2^31 elements (shape "
                            + Text.clip(java.util.Arrays.toString(shape), 80) + ")");
                }
            }
            int type = t.i8(1, FLOAT32);
            long buffer = t.u32(2);
            if (buffer >= nBuffers && !(buffer == 0 && nBuffers == 0)) {
                throw f.corrupt(what, "refers to buffer " + buffer + " but the model has " + nBuffers);
            }
            // quantization (id 4) is read for TfliteQuantMapper only: quantized files are told apart by their
            // integer tensor types, and float tensors may carry min / max there without meaning anything
            // sparsity (id 6) and external_buffer (id 10, data in another file) are both layouts of the
            // data mcugen does not read; the importer refuses them where a constant is needed
            boolean sparse = t.has(6) || t.u32(10) != 0;
            tensors.add(new Tensor(i, name, shape, sig, type, (int) buffer, t.bool(5), sparse));
            quantization.add(quantization(f, t.table(4, what + " quantization"), what));
        }

        int[] inputs = ints(sg.vector(1, 4, "inputs of subgraph 0"));
        int[] outputs = ints(sg.vector(2, 4, "outputs of subgraph 0"));
        for (int x : inputs) {
            checkTensor(f, x, nTensors, "subgraph input", false);
        }
        for (int x : outputs) {
            checkTensor(f, x, nTensors, "subgraph output", false);
        }

        Flat.Vec opsVec = sg.vector(3, 4, "operators of subgraph 0");
        int nOps = opsVec == null ? 0 : opsVec.length;
        List<Operator> ops = new ArrayList<>();
        for (int i = 0; i < nOps; i++) {
            String what = "operator " + i;
            Flat.Table o = opsVec.table(i, what);
            long opcodeIndex = o.u32(0);
            if (opcodeIndex >= nCodes) {
                throw f.corrupt(what, "uses operator code " + opcodeIndex + " but the model has " + nCodes);
            }
            int[] in = ints(o.vector(1, 4, what + " inputs"));
            int[] out = ints(o.vector(2, 4, what + " outputs"));
            for (int x : in) {
                checkTensor(f, x, nTensors, what + " input", true);
            }
            for (int x : out) {
                checkTensor(f, x, nTensors, what + " output", false);
            }
            int optionsType = o.u8(3, 0);
            Flat.Table options = optionsType == 0 ? null : o.table(4, what + " options");
            ops.add(new Operator(i, opcodes[(int) opcodeIndex], in, out, optionsType, options));
        }
        return new TfliteModel(f, version, opcodes, custom, tensors, inputs, outputs, ops, buffers, subs.length,
                quantization);
    }

    /**
     * This model with other tensors, operators, outputs, buffers and quantization, its data read from
     * {@code bytes} (the file's bytes, to which new buffers' data may be appended): for
     * {@link TfliteDequantized}.
     */
    TfliteModel rewritten(byte[] bytes, List<Tensor> tensors, int[] inputs, int[] outputs, List<Operator> operators,
                          List<Buffer> buffers, List<Quantization> quantization) {
        return new TfliteModel(new Flat(bytes, "dequantized model"), version, opcodes, customCodes, tensors, inputs, outputs,
                operators, buffers, subgraphCount, quantization);
    }

    /** Fields scale (id 2), zero_point (id 3) and quantized_dimension (id 6); null without a scale. */
    private static Quantization quantization(Flat f, Flat.Table q, String what) {
        if (q == null) {
            return null;
        }
        Flat.Vec scales = q.vector(2, 4, what + " quantization scale");
        if (scales == null || scales.length == 0) {
            return null;
        }
        Flat.Vec zps = q.vector(3, 8, what + " quantization zero_point");
        float[] scale = new float[scales.length];
        long[] zp = new long[scales.length];
        if (zps != null && zps.length != scales.length) {
            throw f.corrupt(what, "has " + scales.length + " quantization scales but " + zps.length + " zero points");
        }
        for (int c = 0; c < scale.length; c++) {
            scale[c] = scales.f32(c);
            zp[c] = zps == null ? 0 : zps.i64(c);
        }
        return new Quantization(scale, zp, q.i32(6, 0));
    }

    private static int[] ints(Flat.Vec v) {
        return v == null ? new int[0] : v.ints();
    }

    private static void checkTensor(Flat f, int index, int count, String what, boolean optional) {
        if ((index < 0 && !(optional && index == -1)) || index >= count) {
            throw f.corrupt(what, "refers to tensor " + index + " but the subgraph has " + count);
        }
    }

    /** The bytes of tensor {@code t}'s buffer, or null if it has none (not a constant). */
    byte[] data(Tensor t) {
        if (t.buffer() >= buffers.size()) {
            return null;
        }
        Buffer b = buffers.get(t.buffer());
        if (b.length() == 0) {
            return null;
        }
        return flat.bytes(b.start(), b.length(), t.label() + " data");
    }

    boolean isConstant(Tensor t) {
        return t.buffer() < buffers.size() && buffers.get(t.buffer()).length() > 0;
    }

    /** Byte size of one element of the tensor types mcugen reads, 0 for others. */
    static int elementSize(int type) {
        return switch (type) {
            case FLOAT32, INT32 -> 4;
            case FLOAT16, INT16 -> 2;
            case INT64, FLOAT64 -> 8;
            case INT8, UINT8 -> 1;
            default -> 0;
        };
    }

    static String typeName(int type) {
        return switch (type) {
            case FLOAT32 -> "FLOAT32";
            case FLOAT16 -> "FLOAT16";
            case INT32 -> "INT32";
            case UINT8 -> "UINT8";
            case INT64 -> "INT64";
            case 5 -> "STRING";
            case 6 -> "BOOL";
            case INT16 -> "INT16";
            case INT8 -> "INT8";
            case FLOAT64 -> "FLOAT64";
            default -> "type " + type;
        };
    }
}
