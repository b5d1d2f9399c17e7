package dev.mcugen.ir.tflite;

import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A quantized {@code .tflite} as a float model: every integer constant (weights, biases) dequantized
 * with its own scales and zero points ({@code real = scale[c] * (q - zero_point[c])}, per channel along
 * the file's quantized dimension), every integer activation made float32, and the QUANTIZE and
 * DEQUANTIZE ops dropped (in float they change nothing). The float importer maps the result as it maps
 * a float file, so the float interpreter runs the file's own weights without activation quantization:
 * the float reference {@code verify} measures the file against when no float model is given.
 */
public final class TfliteDequantized {
    private TfliteDequantized() {
    }

    /** Reads {@code file} (a quantized {@code .tflite}) as the float model of its dequantized weights. */
    public static ImportedModel load(Path file) {
        String where = file.toString();
        byte[] bytes = TfliteImporter.bytes(file);
        try {
            TfliteModel m = TfliteModel.parse(new Flat(bytes, where));
            String n = file.getFileName().toString();
            int dot = n.lastIndexOf('.');
            return new TfliteMapper(of(m, bytes), where, dev.mcugen.ir.Text.clip(dot > 0 ? n.substring(0, dot) : n, 80)).map();
        } catch (McugenException e) {
            if (e.subject().startsWith(where)) {
                throw e;
            }
            throw e.within(where);
        }
    }

    static TfliteModel of(TfliteModel m, byte[] bytes) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.writeBytes(bytes);
        List<TfliteModel.Buffer> buffers = new ArrayList<>(m.buffers);
        List<TfliteModel.Tensor> tensors = new ArrayList<>();
        List<TfliteModel.Quantization> quantization = new ArrayList<>();
        for (TfliteModel.Tensor t : m.tensors) {
            TfliteModel.Quantization q = m.quantization.get(t.index());
            boolean integer = t.type() == TfliteModel.INT8 || t.type() == TfliteModel.INT16 || t.type() == TfliteModel.INT32
                    || t.type() == TfliteModel.INT64 || t.type() == TfliteModel.UINT8;
            if (q == null || !integer) {
                tensors.add(t);
                quantization.add(q);
                continue;
            }
            int buffer = t.buffer();
            if (m.isConstant(t)) {
                float[] real = dequantize(m, t, q);
                ByteBuffer b = ByteBuffer.allocate(4 * real.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : real) {
                    b.putFloat(v);
                }
                // 4-byte aligned after the file's bytes; the flatbuffer reader takes any offset
                while (data.size() % 4 != 0) {
                    data.write(0);
                }
                buffers.add(new TfliteModel.Buffer(data.size(), 4L * real.length));
                data.writeBytes(b.array());
                buffer = buffers.size() - 1;
            }
            tensors.add(new TfliteModel.Tensor(t.index(), t.name(), t.shape(), t.shapeSignature(), TfliteModel.FLOAT32, buffer,
                    t.variable(), t.sparse()));
            quantization.add(null);
        }
        // QUANTIZE and DEQUANTIZE are the identity in float: their outputs are their inputs.
        Map<Integer, Integer> alias = new HashMap<>();
        List<TfliteModel.Operator> ops = new ArrayList<>();
        for (TfliteModel.Operator op : m.operators) {
            if ((op.opcode() == Builtin.QUANTIZE || op.opcode() == Builtin.DEQUANTIZE) && op.inputs().length >= 1
                    && op.outputs().length == 1 && !m.isConstant(m.tensors.get(op.inputs()[0]))) {
                alias.put(op.outputs()[0], resolve(alias, op.inputs()[0]));
                continue;
            }
            int[] in = op.inputs().clone();
            for (int k = 0; k < in.length; k++) {
                in[k] = in[k] < 0 ? in[k] : resolve(alias, in[k]);
            }
            ops.add(new TfliteModel.Operator(ops.size(), op.opcode(), in, op.outputs(), op.optionsType(), op.options()));
        }
        int[] outputs = m.outputs.clone();
        for (int k = 0; k < outputs.length; k++) {
            outputs[k] = resolve(alias, outputs[k]);
        }
        return m.rewritten(data.toByteArray(), tensors, m.inputs, outputs, ops, buffers, quantization);
    }

    private static int resolve(Map<Integer, Integer> alias, int t) {
        Integer a = alias.get(t);
        return a == null ? t : a;
    }

    /** {@code scale[c] * (q - zero_point[c])}, {@code c} the index along the quantized dimension. */
    private static float[] dequantize(TfliteModel m, TfliteModel.Tensor t, TfliteModel.Quantization q) {
        byte[] raw = m.data(t);
        int size = TfliteModel.elementSize(t.type());
        int n = raw.length / Math.max(1, size);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int[] shape = t.shape();
        int axis = q.perChannel() ? q.dimension() : -1;
        long inner = 1;
        for (int d = axis + 1; axis >= 0 && d < shape.length; d++) {
            inner *= shape[d];
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            long v = switch (t.type()) {
                case TfliteModel.INT8 -> b.get(i);
                case TfliteModel.UINT8 -> b.get(i) & 0xff;
                case TfliteModel.INT16 -> b.getShort(2 * i);
                case TfliteModel.INT32 -> b.getInt(4 * i);
                default -> b.getLong(8 * i);
            };
            int c = axis < 0 ? 0 : (int) ((i / inner) % shape[axis]);
            out[i] = (float) ((double) q.scale()[c] * (v - q.zeroPoint()[c]));
        }
        return out;
    }
}
